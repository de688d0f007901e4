# GoogleTest, in order of preference:
#   1. the installed package (Debian: libgtest-dev);
#   2. the sources Debian's googletest package puts in /usr/src/googletest;
#   3. a pinned release downloaded at configure time;
# and otherwise one line that says what to install.
# Whatever the source, the result is the target GTest::gtest.

find_package(GTest QUIET)
if(TARGET GTest::gtest)
  message(STATUS "pool-katas: GoogleTest ${GTest_VERSION} (installed package)")
  return()
endif()

set(POOL_KATAS_GTEST_SRC "/usr/src/googletest" CACHE PATH "GoogleTest sources to build when no package is installed")
set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)

if(EXISTS "${POOL_KATAS_GTEST_SRC}/CMakeLists.txt")
  message(STATUS "pool-katas: GoogleTest built from ${POOL_KATAS_GTEST_SRC}")
  # SYSTEM (CMake 3.25) keeps GoogleTest's headers out of our warnings; the
  # suite's minimum is 3.21, where they simply are not marked.
  set(system)
  if(CMAKE_VERSION VERSION_GREATER_EQUAL 3.25)
    set(system SYSTEM)
  endif()
  add_subdirectory("${POOL_KATAS_GTEST_SRC}" "${CMAKE_BINARY_DIR}/_deps/googletest" EXCLUDE_FROM_ALL ${system})
else()
  set(url "https://github.com/google/googletest/archive/refs/tags/v1.14.0.tar.gz")
  set(sha256 "8ad598c73ad796e0d8280b082cebd82a630d73e73cd3c70057938a6501bba5d7")
  set(archive "${CMAKE_BINARY_DIR}/_deps/googletest-1.14.0.tar.gz")
  if(NOT EXISTS "${archive}")
    message(STATUS "pool-katas: GoogleTest not installed; downloading release 1.14.0")
    file(DOWNLOAD "${url}" "${archive}.part" STATUS status TIMEOUT 60)
    list(GET status 0 code)
    if(code EQUAL 0)
      file(SHA256 "${archive}.part" got)
      if(got STREQUAL sha256)
        file(RENAME "${archive}.part" "${archive}")
      endif()
    endif()
    file(REMOVE "${archive}.part")
  endif()
  if(NOT EXISTS "${archive}")
    message(FATAL_ERROR "pool-katas: GoogleTest is missing and could not be downloaded: "
                        "install it (Debian/Ubuntu: apt-get install libgtest-dev) and run again.")
  endif()
  include(FetchContent)
  FetchContent_Declare(googletest URL "${archive}" URL_HASH SHA256=${sha256})
  FetchContent_MakeAvailable(googletest)
endif()

if(NOT TARGET GTest::gtest)
  add_library(GTest::gtest ALIAS gtest)
endif()
# Built from source (the clang-libcxx tree, which no package serves):
# GoogleTest's own code is not what the suite measures or debugs, and at -O1
# without debug information it compiles in a fraction of the build type's
# time, on every fresh gate.
if(TARGET gtest)
  get_target_property(imported gtest IMPORTED)
  if(NOT imported)
    target_compile_options(gtest PRIVATE -O1 -g0)
  endif()
endif()
