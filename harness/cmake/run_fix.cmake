# cmake -DBINARY=<test binary> -DFIX=FixI -DEXPECT=wrong|right|gap -DSOURCE_DIR=<repo> -DPATCH=<path in it>
#       -DSEED=<n> -DSECONDS=<limit> [-DATTEMPT=<n>] -P run_fix.cmake
#
# One fix, judged in a process of its own: BINARY holds every patch of the
# kata (apply_fixes.cmake); FIX selects this patch's copy of the tests. The
# gate judges a kata's fixes together (judge_fixes.cmake, forked from one
# start-up); this runs one by hand, and again when a run saw another reason
# than the one a wrong fix states. The verdict is judge_fix.cmake's.
#
# A wrong fix runs once, in order, up to its first failure, and is rejected
# when it fails or hangs for 20 s; every run that passes goes again in the
# pool's race mode (harness/src/test_main.cpp), so this judges both. A right or gap fix runs
# three times over in shuffled order (seeds SEED, SEED+1, SEED+2: a failure
# can be replayed with the same --gtest_random_seed).

include(${CMAKE_CURRENT_LIST_DIR}/judge_fix.cmake)

if(NOT ATTEMPT)
  set(ATTEMPT 1)
endif()
if(NOT EXISTS "${BINARY}")
  message(FATAL_ERROR "${PATCH}: ${BINARY} was not built: cmake --build <tree> --target wrong_fixes")
endif()
set(arguments "--gtest_filter=${FIX}_*")
if(EXPECT STREQUAL "right" OR EXPECT STREQUAL "gap")
  list(APPEND arguments --gtest_shuffle --gtest_repeat=3 --gtest_random_seed=${SEED})
else()
  # Judged by its first failure: the tests after it cannot change the verdict.
  list(APPEND arguments --gtest_fail_fast)
endif()
# A wrong fix that hangs is rejected, and sooner: a program that waits
# forever for an object the pool was free to drop (race mode, the binary's
# second run) fails its users as surely as one that crashes.
if(EXPECT STREQUAL "wrong")
  set(SECONDS 20)
endif()
# What failed comes from the results file (harness/src/result_file.h), not
# from GoogleTest's text; one per patch and attempt, as several run at once.
set(results "${BINARY}.${FIX}.${ATTEMPT}.results.tsv")
file(REMOVE "${results}")
set(ENV{KATA_RESULT_FILE} "${results}")
execute_process(COMMAND "${BINARY}" ${arguments}
                RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output TIMEOUT ${SECONDS})
if(status MATCHES "timeout")
  set(status timeout)
endif()
pool_katas_judge_fix("${PATCH}" "${EXPECT}" "${FIX}" "${status}" "${output}" "${results}" "${SOURCE_DIR}" ok again said)
if(ok)
  message(STATUS "${said}")
  return()
endif()
# Where scheduling decides which of a kata's checks fires first, one run in
# many may see another reason than the one stated; that is not the gap
# reopening behind a crash that the stated reason exists to catch (which
# repeats). Likewise a gap that one run's scheduling lets a check catch.
# Up to three runs in all; a later run that sees a stated reason (or lets
# the gap through) passes, and says what the first saw.
if(again AND ATTEMPT LESS 3)
  math(EXPR next_attempt "${ATTEMPT} + 1")
  execute_process(COMMAND "${CMAKE_COMMAND}" -DBINARY=${BINARY} -DFIX=${FIX} -DEXPECT=${EXPECT}
                          -DSOURCE_DIR=${SOURCE_DIR} -DPATCH=${PATCH} -DSEED=${SEED} -DSECONDS=${SECONDS}
                          -DATTEMPT=${next_attempt} -P "${CMAKE_CURRENT_LIST_FILE}"
                  RESULT_VARIABLE again_status OUTPUT_VARIABLE again_said ERROR_VARIABLE again_said)
  if(again_status EQUAL 0)
    string(STRIP "${again_said}" again_said)
    string(REGEX REPLACE "^-- " "" again_said "${again_said}")
    string(REGEX REPLACE "\n.*" "" first_said "${said}")
    message(STATUS "run ${ATTEMPT}: ${first_said}; then ${again_said}")
    return()
  endif()
endif()
message(FATAL_ERROR "${said}")
