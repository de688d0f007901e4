# cmake -DBINARY=<test binary> -DFIX=FixI -DEXPECT=wrong|right|gap -DPATCH=<name> -DSEED=<n> -DSECONDS=<limit>
#       -P run_fix.cmake
#
# BINARY holds every patch of the kata (apply_fixes.cmake); FIX selects this
# patch's copy of the tests, which run alone in this process.
#
# A wrong fix passes this check when the kata's test rejects it (exits
# non-zero, or hangs for 20 s). Every run that passes goes again in the
# pool's race mode (harness/src/test_main.cpp), so this judges both. A
# right fix passes when the test accepts it three times over in shuffled
# order (seeds SEED, SEED+1, SEED+2: a failure can be replayed with the
# same --gtest_random_seed). A gap is a wrong fix
# that the tests are known to let through (its comment says why it is not
# caught yet): it passes this check while the test still accepts it, so the
# gap stays on record, and fails once the test rejects it, so that it is
# renamed .wrong.patch and kept as a regression case.

include(${CMAKE_CURRENT_LIST_DIR}/output_tail.cmake)

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
    message(STATUS "${PATCH}: rejected: the test did not finish within ${SECONDS} s (${status})")
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
  set(why "")
  if(EXISTS "${results}")
    file(STRINGS "${results}" failures REGEX "^failed\t")
    if(failures)
      list(GET failures 0 first)
      string(REPLACE "\t" ";" fields "${first}")
      list(GET fields 1 test)
      string(REGEX REPLACE "^${FIX}_" "" test "${test}")  # the kata's own suite name
      list(GET fields 4 what)
      set(why "in ${test}: ${what}")
    else()
      set(why "by a crash or a sanitizer report")
    endif()
  endif()
  message(STATUS "${PATCH}: rejected (status ${status}) ${why}")
else()
  message(STATUS "${PATCH}: accepted, three shuffled runs")
endif()
