# pool_katas_pch_code(OWNER FLAGS...): the code of OWNER's precompiled header
# compiled once, into an object of its own, instead of again in every test
# file that includes the header (Clang's -fpch-codegen on GCC's standard
# library; other compilers and libc++: no change).
#
# Why: a kata's test file is recompiled on every save, and most of that
# compile was not the kata: it was the code of the standard library's and
# GoogleTest's templates and inline functions the test uses (std::string's
# members, unique_ptr, std::function, GoogleTest's printers), generated and
# instrumented again in every test file. Built with -fpch-codegen, the
# precompiled header promises one object with that code, and the files that
# use it leave it out. Kata 01's test file compiled in 0.52 s instead of
# 0.99 s, with the instances of harness/precompiled_instances.h named in the
# header (docs/speed.md); harness/tests/tool/pch_code_test.sh checks that no
# kata's test object compiles the header's code again.
#
# What it needs:
#   - OWNER has target_precompile_headers() of its own; the targets that
#     REUSE_FROM it link OWNER_pch_code_link (the harness's flavours pass it
#     on to whatever links them). That target always exists: where the code
#     is not compiled once it links nothing, so callers need no test.
#   - FLAGS are the options OWNER's header is compiled with (sanitizers,
#     -O, -g): the object is instrumented like the code it stands in for.
#   - The object holds every inline function of the header, used or not, and
#     a few of GoogleTest's (its C++20 char8_t printers) call functions that
#     Debian's libgtest, built as C++17, does not define: the object is built
#     with a section per function and the consumers link with --gc-sections,
#     which drops the unused ones before their references count.
#   - CMake keeps the header at CMakeFiles/OWNER.dir/cmake_pch.hxx.pch (3.16
#     to 3.25 at least); if that ever moves, the object's build stops and
#     names the missing file.
function(pool_katas_pch_code owner)
  add_library(${owner}_pch_code_link INTERFACE)
  # Not with libc++ (the gate's third tree, never the workshop's): there
  # GoogleTest is built here without sanitizers, and the object's
  # instrumented std::vector code, annotated for AddressSanitizer's
  # container-overflow check, would stand in for GoogleTest's own and report
  # a false overflow in GoogleTest's start-up.
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR POOL_KATAS_LIBCXX)
    return()
  endif()
  set(flags ${ARGN})
  set(dir ${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${owner}.dir)
  set(pch ${dir}/cmake_pch.hxx.pch)
  set(object ${dir}/pch_code.o)  # beside the header, in a folder that exists
  # The header itself is made with -fpch-codegen: set on the source CMake
  # generates to build it.
  set_source_files_properties(${dir}/cmake_pch.hxx.cxx TARGET_DIRECTORY ${owner} PROPERTIES COMPILE_OPTIONS -fpch-codegen)
  separate_arguments(cxx_flags UNIX_COMMAND "${CMAKE_CXX_FLAGS}")
  add_custom_command(
    OUTPUT ${object}
    COMMAND ${CMAKE_CXX_COMPILER} ${cxx_flags} ${flags} -ffunction-sections -fdata-sections -c ${pch} -o ${object}
    DEPENDS ${pch}
    COMMENT "Compiling the code of ${owner}'s precompiled header"
    VERBATIM)
  add_custom_target(${owner}_pch_code DEPENDS ${object})
  add_dependencies(${owner}_pch_code ${owner})
  # Ninja: the object is an input of each link, so only the links wait for
  # it; the test files compile meanwhile (a fresh build's first compiles do
  # not queue behind these five-second ones). Make knows no file made by
  # another target: there the object comes in a library, a target the
  # linking ones depend on, so their compiles wait too.
  if(CMAKE_GENERATOR MATCHES "Ninja")
    set(link_item ${object})
  else()
    set(link_item ${owner}_pch_code_library)
    add_library(${link_item} STATIC ${object})
    set_target_properties(${link_item} PROPERTIES LINKER_LANGUAGE CXX)
    add_dependencies(${link_item} ${owner}_pch_code)
  endif()
  target_link_libraries(${owner}_pch_code_link INTERFACE ${link_item})
  target_link_options(${owner}_pch_code_link INTERFACE -Wl,--gc-sections)
endfunction()
