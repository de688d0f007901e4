# The katas' tests checked against fixes a participant might write.
#
#   harness/tests/wrong_fixes/NN_slug/NAME.wrong.patch  a fix that dodges the
#       lesson: the kata's test must FAIL with it applied
#   harness/tests/wrong_fixes/NN_slug/NAME.right.patch  a correct fix other than
#       ours: the test must PASS, in shuffled order, three times over
#   harness/tests/wrong_fixes/NN_slug/NAME.gap.patch  a wrong fix the test is
#       known to let through, kept on record: the check fails once the test
#       catches it (then it becomes NAME.wrong.patch)
#
# A patch is a unified diff against the kata's folder (a/greeting.h,
# b/greeting.h), applied with `patch -p1` to a copy of that folder in the
# build tree; it must not touch the test (*_test.cpp): the test is the spec.
# A kata's patches become one binary (built by the target `wrong_fixes`, not
# by `all`: the workshop's first `make` does not pay for them) and one CTest
# test wrongfixes.NN_slug with labels harness and wrongfix, which judges each
# patch and prints a line for each (run_fix.cmake judges one by hand). One tree checks them: the
# patches test the spec, which does not depend on the compiler. It is the
# Clang tree with libstdc++ (the standard library of the GCC tree, so a fix
# is judged on the same strings and containers as the katas' reference
# build), because Clang compiles these unoptimised binaries in half GCC's
# time, and the gate builds more than a hundred of them. Without Clang, the
# GCC tree checks them.

add_custom_target(wrong_fixes)
# The tree with the wrong_fixes role (harness/cmake/Roles.cmake): the clang
# preset's, or the GCC tree's when the gate has no Clang.
pool_katas_tree_does(wrong_fixes POOL_KATAS_WRONG_FIX_TREE)
# A kata's folder of patches that appears later re-runs the configure step.
if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/harness/tests/wrong_fixes)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/harness/tests/wrong_fixes)
endif()

# The gate builds a binary of every kata's patches: without debug
# information they compile faster (the sanitizer, which is what judges a fix,
# is the same). They reuse the kata's own precompiled header (GoogleTest and
# the harness, made once per flavour with the harness's -g1 and all of UBSan):
# Clang takes it under these options too, and a header of their own cost
# three more builds of it for no faster compile (measured: kata 14's 39
# copies in 6.5 s of CPU with either header).
#
# Of UndefinedBehaviorSanitizer, which the address flavour adds to ASan for
# the participant, a wrong fix is judged by the one check a pool misuse
# reaches there: a member call through the null pointer an empty pool gives
# (katas 06 and 20). The other checks cost a fifth of each compile and no
# wrong fix is caught by them alone (kata 03's downcast builds in the
# undefined flavour, with all of them).
function(pool_katas_wrong_fix_flags flavour out)
  if(flavour STREQUAL "address")
    set(${out} -O0 -g0 -fno-sanitize=undefined -fsanitize=null PARENT_SCOPE)
  else()
    set(${out} -O0 -g0 PARENT_SCOPE)
  endif()
endfunction()

# A kata's patches are judged from one binary: apply_fixes.cmake copies the
# kata once per patch, applies it, and writes one source that compiles every
# copy's test in a namespace of its own, with its tests renamed FixI_Suite
# (I: the patch's place in the sorted folder). Each patch still runs in a
# process of its own (a child forked from one start of the binary), running
# only its copy's tests (--gtest_filter=FixI_*) under the kata's sanitizer:
# the same tests a participant's fix meets. What this saves is a compile and
# a link per patch, and a start-up per patch (docs/writing-a-kata.md has the
# figures); what it costs is that a patch that does not compile stops its
# kata's binary, and the build names it.
function(pool_katas_add_wrong_fixes number slug flavour)
  set(name ${number}_${slug})
  set(patch_dir ${CMAKE_SOURCE_DIR}/harness/tests/wrong_fixes/${name})
  if(NOT POOL_KATAS_WRONG_FIX_TREE OR NOT IS_DIRECTORY ${patch_dir})
    return()
  endif()
  set(kata_dir ${CMAKE_SOURCE_DIR}/katas/${name})
  # Plain globs, read when CMake configures: a CONFIGURE_DEPENDS glob makes
  # every build, a participant's save included, run CMake first to check the
  # folders again (70 ms a save). A patch added or removed changes its
  # folder's time, which re-runs the configure step (below); the gate
  # configures every tree again before it builds (harness/tools/kata).
  file(GLOB kata_files ${kata_dir}/*)
  file(GLOB all_files ${patch_dir}/*)
  file(GLOB patches ${patch_dir}/*.patch)  # sorted: the order apply_fixes.cmake numbers them in
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${patch_dir})
  foreach(file IN LISTS all_files)
    get_filename_component(file ${file} NAME)
    if(NOT file MATCHES "^([a-z0-9_]+)\\.(wrong|right|gap)\\.patch$")
      message(FATAL_ERROR "pool-katas: ${patch_dir}/${file} is not named NAME.wrong.patch, NAME.right.patch or "
                          "NAME.gap.patch (NAME in lower case, digits and _)")
    endif()
  endforeach()
  if(NOT patches)
    return()
  endif()
  set(work ${CMAKE_BINARY_DIR}/wrong_fixes/${name})
  set(unity ${work}/all_fixes_test.cpp)
  add_custom_command(
    OUTPUT ${unity}
    COMMAND ${CMAKE_COMMAND} -DKATA=${kata_dir} -DPATCH_DIR=${patch_dir} -DWORK=${work} -DUNITY=${unity}
            -P ${CMAKE_SOURCE_DIR}/harness/cmake/apply_fixes.cmake
    DEPENDS ${patches} ${kata_files} ${CMAKE_SOURCE_DIR}/harness/cmake/apply_fixes.cmake
            ${CMAKE_SOURCE_DIR}/harness/tools/program_only.sh
    COMMENT "Applying the wrong and right fixes of kata ${number}"
    VERBATIM)
  set(target wrongfixes${number})
  add_executable(${target} EXCLUDE_FROM_ALL ${unity})
  target_link_libraries(${target} PRIVATE harness_${flavour})
  # -O0 -g0 and the UBSan checks that judge (see pool_katas_wrong_fix_flags):
  # source options come after the harness's, so they win.
  pool_katas_wrong_fix_flags(${flavour} fix_flags)
  set_source_files_properties(${unity} PROPERTIES COMPILE_OPTIONS "${fix_flags}")
  target_precompile_headers(${target} REUSE_FROM harness_${flavour})
  add_dependencies(wrong_fixes ${target})
  # One CTest test per kata: judge_fixes.cmake runs every patch's tests in a
  # child forked from one start of the binary and judges each as labelled.
  add_test(NAME wrongfixes.${name}
           COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:${target}> -DSOURCE_DIR=${CMAKE_SOURCE_DIR}
                   -DPATCH_DIR=harness/tests/wrong_fixes/${name} -DFIXES_DIR=${work} -DWORK=${work}/judged -DSEED=${number}
                   -DSECONDS=${POOL_KATAS_RUN_SECONDS} -P ${CMAKE_SOURCE_DIR}/harness/cmake/judge_fixes.cmake)
  set_tests_properties(wrongfixes.${name} PROPERTIES LABELS "harness;wrongfix" TIMEOUT 600)
endfunction()
