# Sanitizer flavours used by the manifest, and a check that the compiler can
# actually link each of them (a missing runtime is the usual fresh-machine
# failure, and it deserves one clear line rather than a linker error later).
#
#   address    AddressSanitizer + UndefinedBehaviorSanitizer + LeakSanitizer
#   thread     ThreadSanitizer
#   undefined  UndefinedBehaviorSanitizer alone
#   none       no sanitizer (benchmarks)

include(CheckCXXSourceCompiles)

set(POOL_KATAS_FLAVOURS address thread undefined)

# Which standard library: libc++ needs a switch of its own (below).
check_cxx_source_compiles("#include <version>
#ifndef _LIBCPP_VERSION
#error not libc++
#endif
int main() { return 0; }" POOL_KATAS_LIBCXX)

function(pool_katas_sanitizer_flags flavour out)
  if(flavour STREQUAL "address")
    set(flags -fsanitize=address,undefined)
  elseif(flavour STREQUAL "thread")
    set(flags -fsanitize=thread)
  elseif(flavour STREQUAL "undefined")
    set(flags -fsanitize=undefined)
  elseif(flavour STREQUAL "none")
    set(${out} -O2 -g1 PARENT_SCOPE)  # as a release build would be, with line tables
    return()
  else()
    message(FATAL_ERROR "pool-katas: unknown sanitizer '${flavour}' (use address, thread or undefined)")
  endif()
  # Without -fno-sanitize-recover a UBSan report scrolls past and the test
  # still passes; frame pointers give readable stacks.
  list(APPEND flags -fno-sanitize-recover=all -fno-omit-frame-pointer)
  # -O0 -g1 after the build type's -O2 -g: the participant waits for this
  # compile on every save, and the optimiser is half of it. Unoptimised code
  # keeps every frame of a report (nothing is inlined away) and the tests are
  # tiny, so the sanitizers' slowdown does not matter; line tables are all a
  # report needs. Measured with make bench-loop on the five katas of
  # docs/speed.md: GCC's save to verdict went from 6.95 s (median, -O1) to
  # 3.69 s. (The wrong fixes compile at -O0 too, harness/cmake/WrongFixes.cmake.)
  list(APPEND flags -O0 -g1)
  # libstdc++ declares std::string's members extern templates, so their code
  # runs from the uninstrumented shared library and ThreadSanitizer never sees
  # a race on a string. Its assertion mode compiles them into each binary
  # instead (and adds bounds checks, welcome in a teaching suite).
  list(APPEND flags -D_GLIBCXX_ASSERTIONS)
  # The pool's hostile mode (harness/pool_guard.h) in every kata, solution
  # and harness test build, UBSan's included, which no macro announces.
  list(APPEND flags -DHARNESS_POOL_HOSTILE=1)
  # libc++ (the clang-libcxx tree, as on macOS) does the same with its own
  # extern templates; without this switch TSan misses races on strings there.
  if(POOL_KATAS_LIBCXX)
    list(APPEND flags -D_LIBCPP_DISABLE_EXTERN_TEMPLATE -D_LIBCPP_ENABLE_ASSERTIONS=1)
  endif()
  set(${out} ${flags} PARENT_SCOPE)
endfunction()

foreach(flavour IN LISTS POOL_KATAS_FLAVOURS)
  pool_katas_sanitizer_flags(${flavour} flags)
  string(REPLACE ";" " " CMAKE_REQUIRED_FLAGS "${flags}")
  set(CMAKE_REQUIRED_LINK_OPTIONS ${flags})
  set(CMAKE_REQUIRED_QUIET ON)
  check_cxx_source_compiles("int main() { return 0; }" POOL_KATAS_CAN_${flavour})
  unset(CMAKE_REQUIRED_FLAGS)
  unset(CMAKE_REQUIRED_LINK_OPTIONS)
  if(NOT POOL_KATAS_CAN_${flavour})
    if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      set(hint "apt-get install libclang-rt-dev")
    else()
      set(hint "apt-get install libasan8 libtsan2 libubsan1 (the runtimes of your GCC)")
    endif()
    message(FATAL_ERROR "pool-katas: ${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION} cannot link with "
                        "-fsanitize for '${flavour}': install its sanitizer runtime (${hint}).")
  endif()
endforeach()

# The link of a kata's test comes on every save too: lld, where it is
# installed, links a sanitized test binary in a fraction of the system
# linker's time. Without it the default linker is used, as before.
set(CMAKE_REQUIRED_LINK_OPTIONS -fuse-ld=lld)
set(CMAKE_REQUIRED_QUIET ON)
check_cxx_source_compiles("int main() { return 0; }" POOL_KATAS_HAS_LLD)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(POOL_KATAS_HAS_LLD)
  set(POOL_KATAS_LINKER_FLAGS -fuse-ld=lld)
else()
  set(POOL_KATAS_LINKER_FLAGS)
endif()
