# PoolLibrary.cmake — the pool as a library, made one way for everything that
# links it: the katas' flavours (under the test runtime), the harness's tests
# and the benchmarks.
#
#   POOL_KATAS_POOL_SOURCES   the pool and the layers under it: the base
#                             (harness/base.h), the thread numbers, the fence,
#                             the core and its hostile mode. The one list of
#                             them; the tiny programs get it from here too.
#   pool_katas_add_pool(NAME FLAGS...)
#                             harness::Pool as the static library NAME,
#                             compiled and linked with FLAGS, which its users
#                             get too (a sanitizer's flags; the benchmarks'
#                             -O2 -DHARNESS_POOL_HOSTILE=0).
#
# Does not promise: the test runtime (test main, heap probe, results file),
# which harness/CMakeLists.txt builds on top of this for the test binaries.

set(POOL_KATAS_POOL_SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/../src/base.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../src/thread_index.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../src/asymmetric_fence.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../src/pool_core.cpp
    ${CMAKE_CURRENT_LIST_DIR}/../src/pool_guard.cpp)

function(pool_katas_add_pool name)
  # Static: a test binary takes from it what the pool's headers call, and
  # every file of it is called.
  add_library(${name} STATIC ${POOL_KATAS_POOL_SOURCES})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../include)
  target_compile_options(${name} PUBLIC ${ARGN} PRIVATE ${POOL_KATAS_WARNINGS})
  target_link_options(${name} PUBLIC ${ARGN})
  target_link_libraries(${name} PUBLIC Threads::Threads ${POOL_KATAS_LIBATOMIC})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    target_compile_options(${name} PRIVATE -Werror=thread-safety)  # harness/thread_annotations.h
  endif()
  # One compile for all its files: nobody edits them on a save.
  set_target_properties(${name} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 0)
endfunction()
