# pool_katas_judge_fix(PATCH EXPECT FIX STATUS OUTPUT RESULTS SOURCE_DIR OUT_OK OUT_AGAIN OUT_SAID)
#
# The verdict on one wrong, right or gap fix, from one run of its tests
# (included by run_fix.cmake, which runs a fix in a process of its own, and
# judge_fixes.cmake, which runs a kata's fixes forked from one start-up).
#
#   PATCH    the patch's path in the repository (its "# rejected-by:" line is read)
#   EXPECT   wrong | right | gap
#   FIX      FixI: the prefix of the patch's tests in the kata's fix binary
#   STATUS   the run's exit status: 0, another number or word, "timeout", or
#            "refused" (the build refused the program: no run)
#   OUTPUT   what the run printed (for "refused": the build's one line)
#   RESULTS  the run's results file (harness/src/result_file.h)
#
# Sets OUT_OK to TRUE when the fix was judged as labelled, OUT_AGAIN to TRUE
# when the only fault is a wrong fix rejected for another reason than it
# states, or a gap rejected (the caller may run it again: where scheduling
# decides which of a kata's checks fires first, one run in many may see
# another), and OUT_SAID to the line to print.
#
# A wrong fix is judged as labelled when the kata's test rejects it (exits
# non-zero, or hangs, or the build refuses it) for the reason its
# "# rejected-by:" line states: a test's name, a report, a hang, or
# construction. A right fix, when the test accepts it
# three times over in shuffled order. A gap is a wrong fix that the tests
# are known to let through (its comment says why it is not caught yet): it
# is judged as labelled while the test still accepts it, so the gap stays on
# record, and not once the test rejects it, so that it is renamed
# .wrong.patch and kept as a regression case.

include(${CMAKE_CURRENT_LIST_DIR}/output_tail.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/results_file.cmake)

function(pool_katas_judge_fix patch expect fix status output results source_dir out_ok out_again out_said)
  set(${out_ok} FALSE PARENT_SCOPE)
  set(${out_again} FALSE PARENT_SCOPE)
  pool_katas_output_tail("${output}" 2500 tail)
  # What rejected the fix, in the words a patch's "# rejected-by:" line uses:
  #   test Suite.Name                  the first test that failed (an assertion)
  #   report Tool: what                a sanitizer's or the pool's report ended the run
  #   hang                             the run did not finish (or race mode's watchdog ended it)
  #   construction                     the build refused the program (STATUS "refused",
  #                                    OUTPUT its one line: apply_fixes.cmake)
  #   exit                             a non-zero exit with none of the above
  set(observed "exit")
  set(what "")
  if(status STREQUAL "timeout" OR status STREQUAL "refused")
    if(NOT expect STREQUAL "wrong")
      if(status STREQUAL "timeout")
        set(${out_said} "${patch}: the test did not finish; a fix must be judged, not hang" PARENT_SCOPE)
      else()
        set(${out_said} "${patch}: refused by the build, which its label does not say: ${output}" PARENT_SCOPE)
      endif()
      return()
    endif()
    if(status STREQUAL "timeout")
      set(observed "hang")
      set(what "the test did not finish in time")
    else()
      set(observed "construction")
      set(what "${output}")
    endif()
  else()
    # A filter that selects nothing would pass any fix: the copy's tests must run.
    pool_katas_results_events("${results}" started started)
    list(FILTER started INCLUDE REGEX "\t${fix}_")
    if(NOT started)
      set(${out_said} "${patch}: no test of ${fix} ran: is the binary out of date? Output ends with:\n${tail}"
          PARENT_SCOPE)
      return()
    endif()
    pool_katas_results_events("${results}" failures failed unfinished)
    if(failures)
      list(GET failures 0 first)
      pool_katas_results_field("${first}" event event)
      pool_katas_results_field("${first}" test test)
      string(REGEX REPLACE "^${fix}_" "" test "${test}")  # the kata's own suite name
      if(event STREQUAL "unfinished")
        set(observed "hang")
      else()
        pool_katas_results_field("${first}" what what)
        set(observed "test ${test}")
      endif()
    elseif(output MATCHES "(ERROR|WARNING): (AddressSanitizer|LeakSanitizer|ThreadSanitizer|harness::Pool): ([a-zA-Z() -]*[a-zA-Z)])")
      set(observed "report ${CMAKE_MATCH_2}: ${CMAKE_MATCH_3}")
    elseif(output MATCHES "runtime error: ([a-z -]*[a-z])")
      set(observed "report UndefinedBehaviorSanitizer: ${CMAKE_MATCH_1}")
    endif()
    # The report's kind only, not where or whom it names.
    string(REGEX REPLACE " (on address|of address|of type|which was|\\(pid).*$" "" observed "${observed}")
  endif()

  if(expect STREQUAL "wrong" AND status STREQUAL "0")
    set(${out_said} "${patch}: the kata's test PASSES with this wrong fix: make the test catch it" PARENT_SCOPE)
    return()
  endif()
  if(expect STREQUAL "right" AND NOT status STREQUAL "0")
    string(CONCAT said_text "${patch}: the kata's test REJECTS this correct fix (status ${status}): it pins a choice the "
                          "lesson does not need. Output ends with:\n${tail}")
    set(${out_said} "${said_text}" PARENT_SCOPE)
    return()
  endif()
  if(expect STREQUAL "gap" AND NOT status STREQUAL "0")
    # A gap is a wrong fix the test does not reliably reject: one the load of
    # the moment lets a check see (kata 12's check-then-lease, four fixes at
    # a time) stays a gap while another run accepts it. Caught every time,
    # it is a wrong fix.
    set(${out_again} TRUE PARENT_SCOPE)
    set(${out_said} "${patch}: the kata's test now REJECTS this known gap: rename it .wrong.patch" PARENT_SCOPE)
    return()
  endif()
  if(expect STREQUAL "gap")
    set(${out_ok} TRUE PARENT_SCOPE)
    set(${out_said} "${patch}: still a known gap: the kata's test accepts this wrong fix" PARENT_SCOPE)
    return()
  endif()
  if(expect STREQUAL "right")
    set(${out_ok} TRUE PARENT_SCOPE)
    set(${out_said} "${patch}: accepted, three shuffled runs" PARENT_SCOPE)
    return()
  endif()
  # A wrong fix says what must reject it; rejected for another reason, it
  # proves nothing about its own idea (a gap can reopen behind a crash).
  file(STRINGS "${source_dir}/${patch}" stated REGEX "^# rejected-by: ")
  list(LENGTH stated count)
  if(NOT count EQUAL 1)
    set(${out_said} "${patch}: needs one '# rejected-by: ...' line; this run saw: ${observed}" PARENT_SCOPE)
    return()
  endif()
  string(REGEX REPLACE "^# rejected-by: " "" stated "${stated}")
  string(STRIP "${stated}" stated)
  # Alternatives, separated by " | ", for a fix that scheduling lets fail in
  # more than one way (a race seen as a race or as the double put it causes);
  # each is a prefix of what the run saw.
  string(REPLACE " | " ";" alternatives "${stated}")
  foreach(alternative IN LISTS alternatives)
    string(FIND "${observed}" "${alternative}" found)
    if(found EQUAL 0)
      set(${out_ok} TRUE PARENT_SCOPE)
      if(what)
        set(${out_said} "${patch}: rejected as stated, ${observed}: ${what}" PARENT_SCOPE)
      else()
        set(${out_said} "${patch}: rejected as stated, ${observed}" PARENT_SCOPE)
      endif()
      return()
    endif()
  endforeach()
  # A refusal by the build repeats: running it again would not help.
  if(NOT observed STREQUAL "construction")
    set(${out_again} TRUE PARENT_SCOPE)
  endif()
  string(CONCAT said_text "${patch}: rejected, but not for its stated reason: it says '${stated}', this run saw "
                          "'${observed}'. Output ends with:\n${tail}")
  set(${out_said} "${said_text}" PARENT_SCOPE)
endfunction()
