// Sanitizer settings baked into every kata, solution and harness binary, so
// that a binary run by hand reports exactly as it does under CTest. Each
// runtime reads only its own hook; the others are inert symbols.
//
// halt_on_error: the first report ends the run with a non-zero status, so a
//   test cannot scroll past a report and still say PASSED.
// The user's own *SAN_OPTIONS environment variables still override these.

extern "C" {

__attribute__((used, visibility("default"))) const char* __asan_default_options() {
  static const char* options =
      "halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:"
      "strict_init_order=1:print_summary=1";
  return options;
}

__attribute__((used, visibility("default"))) const char* __lsan_default_options() {
  return "report_objects=1";
}

__attribute__((used, visibility("default"))) const char* __ubsan_default_options() {
  static const char* options = "halt_on_error=1:print_stacktrace=1:report_error_type=1";
  return options;
}

__attribute__((used, visibility("default"))) const char* __tsan_default_options() {
  // suppress_equal_addresses=0: ThreadSanitizer (v3, Clang 14) drops a
  // report whose earlier access it can no longer trace (a thread that has
  // ended), and would then stay silent on every later race at that address,
  // including one it could report in full (kata 25: 5 of 100 loaded runs).
  // halt_on_error still ends the run at the first report it prints.
  static const char* options = "halt_on_error=1:second_deadlock_stack=1:history_size=4:suppress_equal_addresses=0";
  return options;
}

}  // extern "C"
