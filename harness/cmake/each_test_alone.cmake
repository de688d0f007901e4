# Runs every test of a GoogleTest binary on its own (--gtest_filter=Suite.Name),
# each in a fresh process: a test that passes only after others ran (a pool
# that already holds something, a thread already numbered) fails here. Any
# test order includes the order of one.
#
#   cmake -DBINARY=<test binary> -P each_test_alone.cmake
execute_process(COMMAND ${BINARY} --gtest_list_tests OUTPUT_VARIABLE listing RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${BINARY} --gtest_list_tests failed")
endif()
string(REPLACE "\n" ";" lines "${listing}")
set(suite)
set(count 0)
set(failed)
foreach(line IN LISTS lines)
  if(line MATCHES "^([A-Za-z0-9_]+)\\.")
    set(suite ${CMAKE_MATCH_1})
  elseif(line MATCHES "^  ([A-Za-z0-9_]+)")
    math(EXPR count "${count} + 1")
    execute_process(COMMAND ${BINARY} --gtest_filter=${suite}.${CMAKE_MATCH_1}
                    RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT status EQUAL 0)
      list(APPEND failed "${suite}.${CMAKE_MATCH_1}")
      message("${out}")
    endif()
  endif()
endforeach()
if(count EQUAL 0)
  message(FATAL_ERROR "${BINARY} lists no tests")
endif()
if(failed)
  list(JOIN failed ", " names)
  message(FATAL_ERROR "run on their own, these tests fail: ${names}")
endif()
message(STATUS "each of ${count} tests passes on its own")
