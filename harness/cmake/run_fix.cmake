# cmake -DBINARY=<test binary> -DFIX=FixI -DEXPECT=wrong|right|gap -DSOURCE_DIR=<repo> -DPATCH=<path in it>
#       -DSEED=<n> -DSECONDS=<limit> -P run_fix.cmake
#
# BINARY holds every patch of the kata (apply_fixes.cmake); FIX selects this
# patch's copy of the tests, which run alone in this process.
#
# A wrong fix passes this check when the kata's test rejects it (exits
# non-zero, or hangs for 20 s) for the reason its "# rejected-by:" line
# states (below: a test's name, a report, or a hang). Every run that passes goes again in the
# pool's race mode (harness/src/test_main.cpp), so this judges both. A
# right fix passes when the test accepts it three times over in shuffled
# order (seeds SEED, SEED+1, SEED+2: a failure can be replayed with the
# same --gtest_random_seed). A gap is a wrong fix
# that the tests are known to let through (its comment says why it is not
# caught yet): it passes this check while the test still accepts it, so the
# gap stays on record, and fails once the test rejects it, so that it is
# renamed .wrong.patch and kept as a regression case.

include(${CMAKE_CURRENT_LIST_DIR}/output_tail.cmake)

# A wrong fix whose run saw another reason than the one it states is run
# again, up to three runs in all: where scheduling decides which of a kata's
# checks fires first, one run in many may see another, and that is not the
# gap reopening behind a crash that the stated reason exists to catch (which
# repeats). The check passes when a later run sees a stated reason, and says
# what the first saw.
if(NOT ATTEMPT)
  set(ATTEMPT 1)
endif()
macro(judge_again_or_fail reason_seen)
  if(ATTEMPT LESS 3)
    math(EXPR next_attempt "${ATTEMPT} + 1")
    execute_process(COMMAND "${CMAKE_COMMAND}" -DBINARY=${BINARY} -DFIX=${FIX} -DEXPECT=${EXPECT}
                            -DSOURCE_DIR=${SOURCE_DIR} -DPATCH=${PATCH} -DSEED=${SEED} -DSECONDS=${SECONDS}
                            -DATTEMPT=${next_attempt} -P "${CMAKE_CURRENT_LIST_FILE}"
                    RESULT_VARIABLE again OUTPUT_VARIABLE again_said ERROR_VARIABLE again_said)
    if(again EQUAL 0)
      string(STRIP "${again_said}" again_said)
      message(STATUS "${PATCH}: run ${ATTEMPT} saw '${reason_seen}', not a stated reason; then ${again_said}")
      return()
    endif()
  endif()
endmacro()

if(NOT EXISTS "${BINARY}")
  message(FATAL_ERROR "${PATCH}: ${BINARY} was not built: cmake --build <tree> --target wrong_fixes")
endif()
set(arguments "--gtest_filter=${FIX}_*")
if(EXPECT STREQUAL "right" OR EXPECT STREQUAL "gap")
  list(APPEND arguments --gtest_shuffle --gtest_repeat=3 --gtest_random_seed=${SEED})
endif()
# What failed comes from the results file (harness/src/result_file.h), not
# from GoogleTest's text.
set(results "${BINARY}.${FIX}.results.tsv")  # one per patch: ctest runs several at once
file(REMOVE "${results}")
# A wrong fix that hangs is rejected, and sooner: a program that waits
# forever for an object the pool was free to drop (race mode, the binary's
# second run) fails its users as surely as one that crashes.
if(EXPECT STREQUAL "wrong")
  set(SECONDS 20)
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E env "KATA_RESULT_FILE=${results}" "${BINARY}" ${arguments}
                RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output TIMEOUT ${SECONDS})
if(status MATCHES "timeout")
  if(EXPECT STREQUAL "wrong")
    file(STRINGS "${SOURCE_DIR}/${PATCH}" stated REGEX "^# rejected-by: hang")
    if(NOT stated)
      judge_again_or_fail("hang")
      message(FATAL_ERROR "${PATCH}: rejected, but not for its stated reason: this run saw 'hang' "
                          "(the test did not finish within ${SECONDS} s)")
    endif()
    message(STATUS "${PATCH}: rejected as stated, hang: the test did not finish within ${SECONDS} s")
    return()
  endif()
  message(FATAL_ERROR "${PATCH}: the test did not finish (${status}); a fix must be judged, not hang")
endif()
pool_katas_output_tail("${output}" 2500 tail)
# A filter that selects nothing would pass any fix: the copy's tests must run.
set(started "")
if(EXISTS "${results}")
  file(STRINGS "${results}" started REGEX "^started\t${FIX}_")
endif()
if(NOT started)
  message(FATAL_ERROR "${PATCH}: no test of ${FIX} ran in ${BINARY}: is the binary out of date? Output ends with:\n${tail}")
endif()
# What rejected the fix, in the words a patch's "# rejected-by:" line uses:
#   test Suite.Name                  the first test that failed (an assertion)
#   report Tool: what                a sanitizer's or the pool's report ended the run
#   hang                             the run did not finish (or race mode's watchdog ended it)
#   exit                             a non-zero exit with none of the above
set(observed "exit")
set(what "")
set(failures "")
if(EXISTS "${results}")
  file(STRINGS "${results}" failures REGEX "^(failed|unfinished)\t")
endif()
if(failures)
  list(GET failures 0 first)
  string(REPLACE "\t" ";" fields "${first}")
  list(GET fields 0 event)
  list(GET fields 1 test)
  string(REGEX REPLACE "^${FIX}_" "" test "${test}")  # the kata's own suite name
  if(event STREQUAL "unfinished")
    set(observed "hang")
  else()
    list(GET fields 4 what)
    set(observed "test ${test}")
  endif()
elseif(output MATCHES "(ERROR|WARNING): (AddressSanitizer|LeakSanitizer|ThreadSanitizer|harness::Pool): ([a-zA-Z() -]*[a-zA-Z)])")
  set(observed "report ${CMAKE_MATCH_2}: ${CMAKE_MATCH_3}")
elseif(output MATCHES "runtime error: ([a-z -]*[a-z])")
  set(observed "report UndefinedBehaviorSanitizer: ${CMAKE_MATCH_1}")
endif()
# The report's kind only, not where or whom it names.
string(REGEX REPLACE " (on address|of address|of type|which was|\\(pid).*$" "" observed "${observed}")

if(EXPECT STREQUAL "wrong" AND status STREQUAL "0")
  message(FATAL_ERROR "${PATCH}: the kata's test PASSES with this wrong fix: make the test catch it")
endif()
if(EXPECT STREQUAL "right" AND NOT status STREQUAL "0")
  message(FATAL_ERROR "${PATCH}: the kata's test REJECTS this correct fix (status ${status}): "
                      "it pins a choice the lesson does not need. Output ends with:\n${tail}")
endif()
if(EXPECT STREQUAL "gap" AND NOT status STREQUAL "0")
  message(FATAL_ERROR "${PATCH}: the kata's test now REJECTS this known gap: rename it .wrong.patch "
                      "(and take it out of the gaps listed in docs/writing-a-kata.md)")
endif()
if(EXPECT STREQUAL "gap")
  message(STATUS "${PATCH}: still a known gap: the kata's test accepts this wrong fix")
elseif(EXPECT STREQUAL "wrong")
  # The patch says what must reject it; rejected for another reason, it
  # proves nothing about its own idea (a gap can reopen behind a crash).
  file(STRINGS "${SOURCE_DIR}/${PATCH}" stated REGEX "^# rejected-by: ")
  list(LENGTH stated count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "${PATCH}: needs one '# rejected-by: ...' line; this run saw: ${observed}")
  endif()
  string(REGEX REPLACE "^# rejected-by: " "" stated "${stated}")
  string(STRIP "${stated}" stated)
  # Alternatives, separated by " | ", for a fix that scheduling lets fail in
  # more than one way (a race seen as a race or as the double put it causes);
  # each is a prefix of what the run saw.
  string(REPLACE " | " ";" alternatives "${stated}")
  set(at -1)
  foreach(alternative IN LISTS alternatives)
    string(FIND "${observed}" "${alternative}" found)
    if(found EQUAL 0)
      set(at 0)
    endif()
  endforeach()
  if(NOT at EQUAL 0)
    judge_again_or_fail("${observed}")
    message(FATAL_ERROR "${PATCH}: rejected, but not for its stated reason: it says '${stated}', this run saw "
                        "'${observed}'. Output ends with:\n${tail}")
  endif()
  if(what)
    message(STATUS "${PATCH}: rejected as stated, ${observed}: ${what}")
  else()
    message(STATUS "${PATCH}: rejected as stated, ${observed}")
  endif()
else()
  message(STATUS "${PATCH}: accepted, three shuffled runs")
endif()
