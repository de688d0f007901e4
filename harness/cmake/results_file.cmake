# results_file.cmake — the one reader, in CMake, of a test binary's results
# file (harness/src/result_file.h says what it holds). judge_fix.cmake and
# kata_messages.cmake read it through these two functions; formats.sh and
# formats.py are its readers in shell and Python.
#
# pool_katas_results_events(RESULTS OUT EVENT...)
#   OUT: the lines of RESULTS whose event is one of EVENT (started, failed,
#   passed, unfinished, ...), in the order written; empty when RESULTS does
#   not exist (a report can end a run before the file is opened).
# pool_katas_results_field(LINE NAME OUT)
#   OUT: one field of such a line, by name: event and test on every line;
#   file, line, what and message on a "failed" line (what and message as
#   written, escaped); seconds on an "unfinished" line.
#
# Does not promise: a message that holds a semicolon in one piece (a CMake
# list splits there); the judges use the test's name and the "what" line.

function(pool_katas_results_events results out)
  set(lines "")
  if(EXISTS "${results}")
    list(JOIN ARGN "|" events)
    file(STRINGS "${results}" lines REGEX "^(${events})\t")
  endif()
  set(${out} "${lines}" PARENT_SCOPE)
endfunction()

function(pool_katas_results_field line name out)
  string(REPLACE "\t" ";" fields "${line}")
  list(GET fields 0 event)
  set(names event test)
  if(event STREQUAL "failed")
    list(APPEND names file line what message)
  elseif(event STREQUAL "unfinished")
    list(APPEND names seconds)
  endif()
  list(FIND names "${name}" at)
  list(LENGTH fields count)
  if(at LESS 0 OR NOT at LESS count)
    message(FATAL_ERROR "results_file.cmake: a '${event}' line has no field '${name}'")
  endif()
  list(GET fields ${at} value)
  set(${out} "${value}" PARENT_SCOPE)
endfunction()
