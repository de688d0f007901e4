# cmake -DBINARY=<kata binary> -DNUMBER=NN -DKATAS=<build>/katas.tsv [-DARGS=<a;b>] -P selfcheck.cmake
#
# Passes only when the unfixed kata fails for the reason it was written for:
# a non-zero exit status AND output matching the signature the manifest
# declares (read from katas.tsv, which CMake writes from the manifest). A kata
# that passes, hangs, or fails some other way is a defect of the suite, and
# this says which. And every message it prints must be declared as this
# kata's bug, not one written for a wrong fix (kata_messages.cmake). ARGS go
# to the test binary (harness/tools/soak.sh passes a shuffled order's seed).

include(${CMAKE_CURRENT_LIST_DIR}/output_tail.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/kata_table.cmake)

pool_katas_kata_table_field("${KATAS}" "${NUMBER}" signature signature)
pool_katas_kata_table_field("${KATAS}" "${NUMBER}" seconds seconds)

if(NOT EXISTS "${BINARY}")
  message(FATAL_ERROR "selfcheck: kata ${NUMBER} was not built (${BINARY} is missing): does it still compile?")
endif()

# Which assertions failed, and where, for the messages' check below.
# One file per run: ctest runs a kata's selfchecks side by side.
string(RANDOM LENGTH 12 run)
get_filename_component(results "${BINARY}" DIRECTORY)
set(results "${results}/selfcheck${NUMBER}.${run}.results.tsv")
set(ENV{KATA_RESULT_FILE} "${results}")
execute_process(COMMAND "${BINARY}" ${ARGS} RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output
                TIMEOUT ${seconds})

if(status STREQUAL "0")
  message(FATAL_ERROR "selfcheck: kata ${NUMBER} PASSES as shipped; it must fail until it is fixed.")
endif()
if(status MATCHES "timeout")
  message(FATAL_ERROR "selfcheck: kata ${NUMBER} did not finish (${status}); it must fail, not hang.")
endif()
if(NOT output MATCHES "${signature}")
  pool_katas_output_tail("${output}" 3000 tail)
  message(FATAL_ERROR "selfcheck: kata ${NUMBER} fails (status ${status}) but not with its signature "
                      "/${signature}/. Output ends with:\n${tail}")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/kata_messages.cmake)
pool_katas_check_kata_messages("${results}" "${NUMBER}")
file(REMOVE "${results}")
string(REGEX MATCH "${signature}" matched "${output}")
message(STATUS "kata ${NUMBER} fails as designed (status ${status}): ${matched}")
