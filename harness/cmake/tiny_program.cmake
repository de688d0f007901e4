# Builds one tiny program against harness/include with nothing but
# -fsanitize=address, runs it, and passes when it fails with the expected
# report: the pool's hostile mode needs no flag of the suite's own.
#
#   cmake -DCXX=g++ -DSOURCE_DIR=<repo> -DPOOL_SOURCES=<a.cpp|b.cpp...> -DPROGRAM=<file.cpp>
#         -DWORK=<dir> -DEXPECT=<regex> -P tiny_program.cmake
#
# POOL_SOURCES: the pool's sources, "|"-separated (PoolLibrary.cmake's list).
file(MAKE_DIRECTORY ${WORK})
string(REPLACE "|" ";" pool_sources "${POOL_SOURCES}")
get_filename_component(name ${PROGRAM} NAME_WE)
set(binary ${WORK}/${name})
execute_process(
  COMMAND ${CXX} -std=c++20 -g -fsanitize=address -I${SOURCE_DIR}/harness/include ${PROGRAM}
          ${pool_sources} -pthread -o ${binary}
  RESULT_VARIABLE built ERROR_VARIABLE build_errors)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "the tiny program ${name} does not build:\n${build_errors}")
endif()
execute_process(COMMAND ${binary} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(status EQUAL 0)
  message(FATAL_ERROR "${name} exited 0: the pool let the misuse pass\n${out}${err}")
endif()
if(NOT "${out}${err}" MATCHES "${EXPECT}")
  message(FATAL_ERROR "${name} failed, but its output does not match '${EXPECT}':\n${out}${err}")
endif()
string(REGEX MATCH "[^\n]*${EXPECT}[^\n]*" line "${out}${err}")
message(STATUS "${name}: ${line}")
