# summarize.awk — the participant's view of a sanitizer report.
#
#   awk -v dir=katas/02_use_after_put/ -f summarize.awk kata02.log
#
# Prints the error kind, then for each stack of the report (TSan: the two
# racing accesses; ASan: the bad access, where it was freed, where it was
# allocated) the first frame that lies in the kata's own folder, as
#   "<what happened>: <file>:<line> in <function>[, called from <test line>]".
# The clues a participant needs stay in: when that frame is in the program,
# the first line of the test that led to it (two destructor calls at one
# program line come from different test lines); the mutexes each racing
# thread held, and a line saying when they were not the same one; a lambda
# named by the function it is written in (the thread of the section runs it).
# Prints nothing when the log holds no sanitizer report.

function short_function(text,    enclosing) {
  sub(/^ *#[0-9]+ +(0x[0-9a-f]+ in )?/, "", text)  # frame number and address
  sub(" +[^ ]*" dir ".*$", "", text)                # the location and module
  gsub(/\[abi:cxx11\]/, "", text)
  gsub(/\(anonymous namespace\)::/, "", text)       # a test file's helpers
  # "Task::Task(args)::{lambda()#1}::operator()()": the lambda in Task::Task.
  if (match(text, /::[{<]lambda/)) {
    enclosing = substr(text, 1, RSTART - 1)
    sub(/\(.*$/, "", enclosing)
    return "the lambda in " enclosing
  }
  if (text ~ /^operator\(\)( const)?$/) return "a lambda"  # GCC names a test's lambda so
  # GoogleTest's class for TEST(Suite, Name): the test Suite.Name.
  if (match(text, /^[A-Za-z0-9]+_[A-Za-z0-9]+_Test::TestBody/)) {
    text = substr(text, 1, RLENGTH - length("_Test::TestBody"))
    sub(/_/, ".", text)
    return "the test " text
  }
  # Clang's "take_turns(how)::$_3::operator()() const": the lambda in take_turns.
  if (match(text, /::\$_[0-9]+::operator\(\)/)) {
    enclosing = substr(text, 1, RSTART - 1)
    sub(/\(.*$/, "", enclosing)
    return "the lambda in " enclosing
  }
  gsub(/operator\(\)/, "operator@@", text)          # keep the call operator's ()
  sub(/\(.*$/, "", text)                            # arguments, path and module
  sub(/ +\/.*$/, "", text)                          # a path without arguments
  gsub(/operator@@/, "operator()", text)
  sub(/::[{']lambda.*$/, "::<lambda>", text)
  return text
}

function location(text,    at) {
  if (!match(text, "[^ (]*" dir "[^ :)]+:[0-9]+")) return ""
  at = substr(text, RSTART, RLENGTH)
  sub("^.*" dir, dir, at)
  return at
}

function open_section(label) {
  flush()
  if (sections >= 3) { label = "" }
  current = label
}

# A section's line waits until its stack ends, in case a test frame follows.
function flush() {
  if (pending != "") print pending
  pending = ""
  caller = ""
}

BEGIN { kind = ""; sections = 0; current = ""; ubsan_at = ""; pending = ""; held_count = 0 }

kind == "" && /WARNING: ThreadSanitizer: / {
  kind = $0; sub(/^.*WARNING: /, "", kind); sub(/ \(pid=.*$/, "", kind); print kind; next
}
# The pool's own reports (harness/pool_guard.h): double put, a factory that
# calls back into its pool, ...: the kind as the pool words it.
kind == "" && /ERROR: harness::Pool: / {
  kind = $0; sub(/^.*ERROR: /, "", kind); print kind
  factory_report = kind ~ /inside the pool's own factory/
  open_section("here")
  next
}
# A factory that called back into its pool: below the pool's run_factory() is
# the get() that ran the factory, the other half of the loop.
factory_report && sections > 0 && /^ *#[0-9]+ .*harness::Pool<.*>::run_factory/ { factory_caller = 1; next }
factory_caller && /^ *#[0-9]+ / {
  at = location($0)
  if (at != "") {
    flush()
    pending = sprintf("  the factory ran for the get() at: %s in %s", at, short_function($0))
    caller = (at ~ /_test\.cpp:/) ? "" : "wanted"
    factory_caller = 0; factory_report = 0
  }
  next
}
kind == "" && /ERROR: AddressSanitizer: / {
  kind = $0; sub(/^.*ERROR: /, "", kind)
  null = kind ~ / on unknown address (0x)?0+( |$)/
  sub(/ on (unknown )?address.*$/, "", kind); sub(/ on 0x[0-9a-f]+.*$/, "", kind); sub(/ \(.*$/, "", kind)
  if (null) kind = kind " (null dereference)"
  # Only the pool poisons memory in this suite: what is poisoned sits in a pool.
  if (kind ~ /use-after-poison$/) kind = "AddressSanitizer: used after it went back to the pool (use-after-poison)"
  print kind
  open_section("where it happened")
  next
}
kind == "" && /ERROR: LeakSanitizer: / {
  kind = "LeakSanitizer: memory leak"; print kind; open_section("allocated at"); next
}
kind == "" && /runtime error: / {
  kind = $0; sub(/^.*runtime error: /, "", kind)
  gsub(/address 0x[0-9a-f]+/, "an address", kind)   # addresses differ from run to run
  print "UndefinedBehaviorSanitizer: " kind
  # The stack (print_stacktrace=1) names the function; the message line
  # itself has only the location, which is what we say if there is no stack.
  ubsan_at = location($0)
  open_section("here")
  next
}
kind == "" { next }

# ThreadSanitizer: "  Write of size 8 at 0x... by thread T2:"
/^  (Previous )?(atomic )?([Rr]ead|[Ww]rite) of size [0-9]+ at / {
  label = $0; sub(/^  /, "", label); sub(/ at 0x[0-9a-f]+/, "", label)
  held = ""
  if (match(label, /\(mutexes: [^)]*\)/)) {
    held = substr(label, RSTART + 10, RLENGTH - 11)
    gsub(/(read|write) /, "", held)
    held_list[++held_count] = held
  }
  sub(/( \(mutexes:.*\))?:$/, "", label)
  if (held != "") label = label " holding mutex " held
  open_section(label); next
}
# AddressSanitizer's other stacks.
/^(READ|WRITE) of size [0-9]+ at / { label = $0; sub(/ at 0x[0-9a-f]+.*thread/, " by thread", label); open_section(label); next }
/^freed by thread .* here:/ { open_section("freed by"); next }
/^previously allocated by thread .* here:/ { open_section("allocated by"); next }
/^(SUMMARY|Thread T[0-9]+ .*created by|  Location is|  Mutex)/ { current = ""; next }
# The pool's note after AddressSanitizer's report: the put() that gave the
# poisoned object back.
/^harness::Pool: this object was used after it went back to the pool/ { open_section("went back to the pool at"); next }
# ThreadSanitizer: the write the pool makes at put(), on a fiber of its own,
# whichever of the two accesses the report happens to name first.
/^ *#[0-9]+ .*harness::detail::guard_put</ && current ~ /^(Previous )?[Ww]rite of size/ { current = "went back to the pool at"; next }

/^ *#[0-9]+ / && current != "" {
  at = location($0)
  if (at != "") {
    pending = sprintf("  %s: %s in %s", current, at, short_function($0))
    sections++
    current = ""
    # In the program, not its test: the test line that led here tells apart
    # two stacks that meet at the same program line.
    caller = (at ~ /_test\.cpp:/) ? "" : "wanted"
  }
  next
}
/^ *#[0-9]+ / && caller == "wanted" {
  at = location($0)
  if (at ~ /_test\.cpp:/) {
    sub("^" dir, "", at)
    pending = pending ", called from " at
    caller = ""
  }
  next
}
/^$/ { flush() }

END {
  flush()
  if (ubsan_at != "" && sections == 0) print "  here: " ubsan_at
  if (held_count == 2 && held_list[1] != held_list[2])
    printf "  each thread held a mutex, but not the same one (%s, %s): neither kept the other out\n", held_list[1], held_list[2]
}
