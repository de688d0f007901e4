# cmake -DKATA=<katas/NN_slug> -DPATCH_DIR=<wrong_fixes/NN_slug> -DWORK=<dir> -DUNITY=<file.cpp>
#       -P apply_fixes.cmake
#
# Makes, for each patch of a kata (in the sorted order WrongFixes.cmake
# numbers them), WORK/NAME.KIND: a copy of the kata's folder with the patch
# applied; then writes UNITY, one source that compiles every copy's test in
# a namespace of its own, so that a kata's wrong fixes are one compile and
# one link instead of one each (docs/writing-a-kata.md has the figures).
#
# In UNITY each patched copy is fix number I: its tests are renamed
# FixI_Suite.Name (run_fix.cmake selects them with --gtest_filter=FixI_*),
# and everything its files define lives in namespace pool_katas_fix_I. The
# system and harness headers that any copy includes come first, at global
# scope, so that the copies' own #include lines of them find them included
# already: a header only ever opens at global scope, whatever a patch adds.
#
# A patch whose program the build refuses (harness/tools/program_only.sh)
# gets WORK/NAME.refused, the build's words, instead of a place in UNITY.
#
# Fails, with one line saying which patch, when a patch touches the test or
# no longer applies to the kata as it is now.

find_program(PATCH_TOOL patch)
if(NOT PATCH_TOOL)
  message(FATAL_ERROR "the wrong-fix checks need GNU patch: apt-get install patch")
endif()

function(apply_one patch work)
  file(STRINGS "${patch}" targets REGEX "^\\+\\+\\+ ")
  if(NOT targets)
    message(FATAL_ERROR "wrong fix ${patch}: no '+++ b/file' line: is it a unified diff?")
  endif()
  foreach(line IN LISTS targets)
    if(line MATCHES "_test\\.cpp")
      message(FATAL_ERROR "wrong fix ${patch} edits the kata's test (${line}): a fix may change the program only")
    endif()
  endforeach()
  file(REMOVE_RECURSE "${work}")
  file(COPY "${KATA}/" DESTINATION "${work}")
  execute_process(COMMAND "${PATCH_TOOL}" -p1 --batch --silent --no-backup-if-mismatch -d "${work}" -i "${patch}"
                  RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "wrong fix ${patch} no longer applies to ${KATA}: update the patch\n${output}")
  endif()
endfunction()

# What a patch makes of the program, compared with the others': the kata's
# headers with comments, blank lines and the whitespace around each line
# left out. Two patches of a kata that make the same program are
# one wrong (or right) fix counted twice, and one more binary to judge.
function(program_digest work out)
  file(GLOB headers "${work}/*.h")
  set(text "")
  foreach(header IN LISTS headers)
    file(READ "${header}" body)
    string(REGEX REPLACE "[ \t\r]*\n[ \t]*" "\n" body "\n${body}\n")
    string(REGEX REPLACE "\n//[^\n]*" "" body "${body}")
    # A comment after code too (a lint marker such as // NOLINT changes no program).
    string(REGEX REPLACE "[ \t]+//[^\n]*" "" body "${body}")
    string(REGEX REPLACE "\n\n+" "\n" body "${body}")
    get_filename_component(file "${header}" NAME)
    string(APPEND text "${file}:${body}")
  endforeach()
  string(SHA256 digest "${text}")
  set(${out} ${digest} PARENT_SCOPE)
endfunction()

file(GLOB patches "${PATCH_DIR}/*.patch")
set(global_includes "")
set(fixes "")
set(index 0)
foreach(patch IN LISTS patches)
  math(EXPR index "${index} + 1")
  get_filename_component(file "${patch}" NAME)
  string(REGEX REPLACE "\\.patch$" "" name "${file}")
  set(work "${WORK}/${name}")
  apply_one("${patch}" "${work}")
  program_digest("${work}" digest)
  if(DEFINED seen_${digest})
    message(FATAL_ERROR "wrong fix ${patch} makes the same program as ${seen_${digest}} (comments and "
                        "whitespace aside): keep one, and say both ideas in its comment")
  endif()
  set(seen_${digest} "${file}")
  # A program the build refuses (it uses the tests' helpers: harness/tools/
  # program_only.sh) is refused here too, as the participant's build would,
  # and left out of the binary; judge_fixes.cmake reads WORK/NAME.refused.
  file(REMOVE "${WORK}/${name}.refused")
  execute_process(COMMAND sh "${CMAKE_CURRENT_LIST_DIR}/../tools/program_only.sh" "${work}"
                  RESULT_VARIABLE refused ERROR_VARIABLE refusal OUTPUT_QUIET)
  if(NOT refused EQUAL 0)
    string(REPLACE "${work}/" "" refusal "${refusal}")
    file(WRITE "${WORK}/${name}.refused" "${refusal}")
    continue()
  endif()
  file(GLOB copied "${work}/*.h" "${work}/*.cpp")
  foreach(source IN LISTS copied)
    file(STRINGS "${source}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*(<[^>]+>|\"harness/[^\"]+\")")
    foreach(line IN LISTS lines)
      string(STRIP "${line}" line)
      list(APPEND global_includes "${line}")
    endforeach()
  endforeach()
  file(GLOB tests "${work}/*_test.cpp")
  string(APPEND fixes "\n// ${file}\n#define POOL_KATAS_FIX Fix${index}\nnamespace pool_katas_fix_${index} {\n")
  foreach(test IN LISTS tests)
    string(APPEND fixes "#include \"${test}\"\n")
  endforeach()
  string(APPEND fixes "}  // namespace pool_katas_fix_${index}\n#undef POOL_KATAS_FIX\n")
endforeach()
list(REMOVE_DUPLICATES global_includes)
list(SORT global_includes)
list(JOIN global_includes "\n" global_includes)

file(WRITE "${UNITY}" "// Generated by harness/cmake/apply_fixes.cmake from ${PATCH_DIR}: do not edit.
${global_includes}

#include <gtest/gtest.h>

// Each copy's tests under a suite name of its own: FixI_Suite.
#undef TEST
#define POOL_KATAS_PASTE_(fix, suite) fix##_##suite
#define POOL_KATAS_PASTE(fix, suite) POOL_KATAS_PASTE_(fix, suite)
#define TEST(suite, name) GTEST_TEST(POOL_KATAS_PASTE(POOL_KATAS_FIX, suite), name)
${fixes}")
