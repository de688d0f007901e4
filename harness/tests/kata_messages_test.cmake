# cmake -DSOURCE_DIR=<repo> -DWORK=<dir> -P kata_messages_test.cmake
#
# The check that an unfixed kata prints only messages declared as its own
# bug (harness/cmake/kata_messages.cmake), on kata 01's real test: a failure
# at an assertion that ends "// for: this kata's bug" passes; one at an
# assertion written for a wrong fix (the pooled buffer's
# room check, which the unfixed kata passes) fails, naming the line and the
# mark to add.

set(test_file "${SOURCE_DIR}/katas/01_forgotten_reset/greeting_test.cpp")
file(STRINGS "${test_file}" own REGEX "EXPECT_EQ\\(second, \"hello bob\"\\).*// for: this kata's bug")
file(STRINGS "${test_file}" storage REGEX "EXPECT_GE\\(pooled->capacity\\(\\), name.size\\(\\)\\)")
if(NOT own OR NOT storage)
  message(FATAL_ERROR "kata_messages_test: kata 01's test no longer has the two assertions this test uses")
endif()
# Their line numbers, as the results file gives them.
file(READ "${test_file}" text)
foreach(which own storage)
  list(GET ${which} 0 ${which})  # the first such assertion
  string(FIND "${text}" "${${which}}" at)
  string(SUBSTRING "${text}" 0 ${at} before)
  string(REGEX MATCHALL "\n" newlines "${before}")
  list(LENGTH newlines n)
  math(EXPR ${which}_line "${n} + 1")
endforeach()

file(MAKE_DIRECTORY "${WORK}")
file(WRITE "${WORK}/check.cmake" "include(${SOURCE_DIR}/harness/cmake/kata_messages.cmake)\n"
                                 "pool_katas_check_kata_messages(\${RESULTS} 01)\n")
function(check line expect_ok)
  file(WRITE "${WORK}/results.tsv" "run\tplain\nstarted\tForgottenReset.T\n"
                                   "failed\tForgottenReset.T\t${test_file}\t${line}\tthe message\tthe message\n")
  execute_process(COMMAND "${CMAKE_COMMAND}" -DRESULTS=${WORK}/results.tsv -P "${WORK}/check.cmake"
                  RESULT_VARIABLE status OUTPUT_VARIABLE said ERROR_VARIABLE said)
  if(expect_ok AND NOT status EQUAL 0)
    message(FATAL_ERROR "kata_messages_test: a failure at line ${line}, marked as the kata's bug, was refused:\n${said}")
  endif()
  if(NOT expect_ok AND (status EQUAL 0 OR NOT said MATCHES "greeting_test.cpp:${line}: .*// for: this kata's bug"))
    message(FATAL_ERROR "kata_messages_test: a failure at line ${line}, a message written for a wrong fix, was "
                        "not refused with its line and the mark to add (status ${status}):\n${said}")
  endif()
endfunction()
check(${own_line} TRUE)
check(${storage_line} FALSE)
message(STATUS "kata_messages: line ${own_line} (marked) passes, line ${storage_line} (a wrong fix's check) is refused")
