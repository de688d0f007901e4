# The katas' tests checked against fixes a participant might write.
#
#   harness/tests/wrong_fixes/NN_slug/NAME.wrong.patch  a fix that dodges the
#       lesson: the kata's test must FAIL with it applied
#   harness/tests/wrong_fixes/NN_slug/NAME.right.patch  a correct fix other than
#       ours: the test must PASS, in shuffled order, three times over
#
# A patch is a unified diff against the kata's folder (a/greeting.h,
# b/greeting.h), applied with `patch -p1` to a copy of that folder in the
# build tree; it must not touch the test (*_test.cpp): the test is the spec.
# Each patch becomes a binary (built by the target `wrong_fixes`, not by
# `all`: the workshop's first `make` does not pay for them) and a CTest test
# wrongfix.NN.NAME.wrong|right with label harness. GCC tree only: the patches
# test the spec, which does not depend on the compiler.

add_custom_target(wrong_fixes)
# A kata's folder of patches that appears later re-runs the configure step.
if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/harness/tests/wrong_fixes)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/harness/tests/wrong_fixes)
endif()

function(pool_katas_add_wrong_fixes number slug flavour)
  set(name ${number}_${slug})
  set(patch_dir ${CMAKE_SOURCE_DIR}/harness/tests/wrong_fixes/${name})
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU" OR NOT IS_DIRECTORY ${patch_dir})
    return()
  endif()
  set(kata_dir ${CMAKE_SOURCE_DIR}/katas/${name})
  file(GLOB kata_files CONFIGURE_DEPENDS ${kata_dir}/*)
  file(GLOB test_sources RELATIVE ${kata_dir} ${kata_dir}/*_test.cpp)
  file(GLOB patches CONFIGURE_DEPENDS ${patch_dir}/*)
  math(EXPR selfcheck_seconds "${POOL_KATAS_RUN_SECONDS} + 30")
  foreach(patch IN LISTS patches)
    get_filename_component(file ${patch} NAME)
    if(NOT file MATCHES "^([a-z0-9_]+)\\.(wrong|right)\\.patch$")
      message(FATAL_ERROR "pool-katas: ${patch} is not named NAME.wrong.patch or NAME.right.patch "
                          "(NAME in lower case, digits and _)")
    endif()
    set(fix ${CMAKE_MATCH_1})
    set(kind ${CMAKE_MATCH_2})
    set(work ${CMAKE_BINARY_DIR}/wrong_fixes/${name}/${fix}.${kind})
    set(copies)
    foreach(source IN LISTS test_sources)
      list(APPEND copies ${work}/${source})
    endforeach()
    add_custom_command(
      OUTPUT ${copies}
      COMMAND ${CMAKE_COMMAND} -DKATA=${kata_dir} -DPATCH=${patch} -DWORK=${work}
              -P ${CMAKE_SOURCE_DIR}/harness/cmake/apply_fix.cmake
      DEPENDS ${patch} ${kata_files} ${CMAKE_SOURCE_DIR}/harness/cmake/apply_fix.cmake
      COMMENT "Applying ${name}/${file}"
      VERBATIM)
    set(target wrongfix${number}_${fix}_${kind})
    add_executable(${target} EXCLUDE_FROM_ALL ${copies})
    target_include_directories(${target} PRIVATE ${work})
    target_link_libraries(${target} PRIVATE harness_${flavour})
    # The gate builds a hundred of these: unoptimised and without debug
    # information they compile in two thirds of the time (source options
    # come after the harness's -O1 -g1, so they win). The sanitizer, which
    # is what judges a fix, is the same.
    set_source_files_properties(${copies} PROPERTIES COMPILE_OPTIONS "-O0;-g0")
    add_dependencies(wrong_fixes ${target})
    add_test(NAME wrongfix.${number}.${fix}.${kind}
             COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:${target}> -DEXPECT=${kind}
                     -DPATCH=harness/tests/wrong_fixes/${name}/${file} -DSEED=${number}
                     -DSECONDS=${POOL_KATAS_RUN_SECONDS}
                     -P ${CMAKE_SOURCE_DIR}/harness/cmake/run_fix.cmake)
    set_tests_properties(wrongfix.${number}.${fix}.${kind} PROPERTIES LABELS "harness;wrongfix" TIMEOUT ${selfcheck_seconds})
  endforeach()
endfunction()
