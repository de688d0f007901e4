# Turns each line of katas/manifest.txt into CTest entries (the names follow
# the one scheme the top-level CMakeLists.txt checks: [mode.]group.item):
#
#   kata.NN_slug      the kata's test against katas/NN_slug/       labels: kata, kataNN
#   solution.NN_slug  the same test source against solutions/NN_slug/, in
#                     shuffled order three times over (seeds NN, NN+1, NN+2:
#                     --gtest_random_seed replays a failure)   label: solution
#   race.solution.NN_slug  the solution once more in the pool's race mode,
#                     seeded (POOL_KATAS_RACE_SEED=10NN)   labels: solution, race
#   selfcheck.NN_slug runs the kata binary; passes only when it fails with
#                     the manifest's signature                      label: selfcheck
#   alone.solution.NN_slug, fallback.solution.NN_slug, fallback.selfcheck.NN_slug
#                     in the trees whose roles ask for them (Roles.cmake)
#
# The test source lives in the kata folder, next to the code it includes with
# #include "file.h". For the solution build it is copied into the build tree
# first: compiled in place, that include would find the kata's header beside
# it before the solution's.

include(WrongFixes)
include(Detectors)
include(CheckIncludeFileCXX)

# Standard headers a kata may include that some standard libraries lack
# (libc++ has <memory_resource> from LLVM 16 on). A kata that includes one
# this tree's library lacks is left out of the tree, with one line here and
# one in build/<tree>/skipped/NN, which the kata tool shows.
set(POOL_KATAS_OPTIONAL_HEADERS memory_resource)

# The first of POOL_KATAS_OPTIONAL_HEADERS that a file of DIR includes and
# this tree's standard library lacks, or "".
function(pool_katas_missing_header dir out)
  file(GLOB files ${dir}/*.h ${dir}/*.cpp)
  foreach(header IN LISTS POOL_KATAS_OPTIONAL_HEADERS)
    foreach(file IN LISTS files)
      file(STRINGS ${file} includes REGEX "^#include <${header}>")
      if(includes)
        string(MAKE_C_IDENTIFIER ${header} id)
        check_include_file_cxx(${header} POOL_KATAS_HAS_${id})
        if(NOT POOL_KATAS_HAS_${id})
          set(${out} ${header} PARENT_SCOPE)
          return()
        endif()
        break()
      endif()
    endforeach()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

# number | slug | sanitizer | difficulty | title | concept | caught by | signature
# (katas/manifest.txt explains each field). The signature comes last and may
# itself contain "|".
set(POOL_KATAS_MANIFEST_LINE
    "^([0-9][0-9]) *\\| *([a-z0-9_]+) *\\| *(address|thread|undefined) *\\| *([123]) *\\| *([^|]*[^| ]) *\\| *([^|]*[^| ]) *\\| *([^|]*[^| ]) *\\| *(.*[^ ]) *$")

# Seconds a kata, solution or selfcheck run may take before it counts as hung.
# The kata tool and the docs generator read it from katas.tsv.
set(POOL_KATAS_RUN_SECONDS 60)

# The program of a kata or solution (every file of DIR but *_test.cpp) may
# not use harness/testing.h, the tests' own helpers: TARGET's build refuses it
# first, with one line in the compiler's form (harness/tools/program_only.sh).
# Looked at again whenever one of the program's files changes.
function(pool_katas_program_only target dir)
  file(GLOB program ${dir}/*.h ${dir}/*.cpp)
  list(FILTER program EXCLUDE REGEX "_test\\.cpp$")
  # In the target's own folder: a refusal shows as that target failing
  # (FAILED: .../kataNN.dir/...), which the kata tool reads as "does not compile".
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.dir/program_only.stamp)
  add_custom_command(OUTPUT ${stamp}
                     COMMAND sh ${CMAKE_SOURCE_DIR}/harness/tools/program_only.sh ${dir} ${stamp}
                     DEPENDS ${program} ${CMAKE_SOURCE_DIR}/harness/tools/program_only.sh
                     VERBATIM)
  target_sources(${target} PRIVATE ${stamp})
endfunction()

function(pool_katas_add_kata number slug flavour)
  set(name ${number}_${slug})
  set(kata_dir ${CMAKE_SOURCE_DIR}/katas/${name})
  set(solution_dir ${CMAKE_SOURCE_DIR}/solutions/${name})
  if(NOT IS_DIRECTORY ${kata_dir})
    message(STATUS "pool-katas: kata ${number} is declared but katas/${name}/ does not exist yet; skipped")
    return()
  endif()
  # Not CONFIGURE_DEPENDS: that would run CMake on every save to look again
  # (harness/cmake/WrongFixes.cmake says more). A kata's test files are read
  # when CMake configures; the gate configures again before it builds.
  file(GLOB test_sources ${kata_dir}/*_test.cpp)
  if(NOT test_sources)
    message(STATUS "pool-katas: katas/${name}/ has no *_test.cpp yet; skipped")
    return()
  endif()
  set(skip_note ${CMAKE_BINARY_DIR}/skipped/${number})
  pool_katas_missing_header(${kata_dir} missing)
  if(missing)
    set(reason "this standard library has no <${missing}> (libc++ has it from LLVM 16): use GCC, or a newer libc++")
    message(STATUS "pool-katas: kata ${number} left out of this tree: ${reason}")
    file(WRITE ${skip_note} "${reason}\n")
    return()
  endif()
  file(REMOVE ${skip_note})

  add_executable(kata${number} ${test_sources})
  pool_katas_program_only(kata${number} ${kata_dir})
  target_include_directories(kata${number} PRIVATE ${kata_dir})
  target_link_libraries(kata${number} PRIVATE harness_${flavour})
  target_precompile_headers(kata${number} REUSE_FROM harness_${flavour})
  add_test(NAME kata.${name} COMMAND kata${number})
  set_tests_properties(kata.${name} PROPERTIES LABELS "kata;kata${number}" TIMEOUT ${POOL_KATAS_RUN_SECONDS})

  # The same test under the other flavours, none among them: kataNN_plain,
  # without any sanitizer, optimised as a release would be, which
  # make kata N=.. PLAIN=1 runs too. Built on demand only, never by `all`.
  pool_katas_add_detector_builds(${number} ${flavour} kata "${test_sources}" ${kata_dir})

  add_test(NAME selfcheck.${name}
           COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:kata${number}> -DNUMBER=${number}
                   -DKATAS=${POOL_KATAS_TSV} -P ${CMAKE_SOURCE_DIR}/harness/cmake/selfcheck.cmake)
  # The selfcheck gives the kata its own limit, and needs a moment more to say so.
  math(EXPR selfcheck_seconds "${POOL_KATAS_RUN_SECONDS} + 30")
  set_tests_properties(selfcheck.${name} PROPERTIES LABELS selfcheck TIMEOUT ${selfcheck_seconds})

  # The participants' handout has no solutions/: build the katas alone then.
  if(IS_DIRECTORY ${solution_dir})
    set(copies)
    foreach(source IN LISTS test_sources)
      get_filename_component(file ${source} NAME)
      configure_file(${source} ${CMAKE_BINARY_DIR}/solution_tests/${name}/${file} COPYONLY)
      list(APPEND copies ${CMAKE_BINARY_DIR}/solution_tests/${name}/${file})
    endforeach()
    add_executable(solution${number} ${copies})
    pool_katas_program_only(solution${number} ${solution_dir})
    target_include_directories(solution${number} PRIVATE ${solution_dir})
    target_link_libraries(solution${number} PRIVATE harness_${flavour})
    target_precompile_headers(solution${number} REUSE_FROM harness_${flavour})
    # Any test order must pass: a test that leans on what an earlier one left
    # in the pool is a defect of the spec.
    math(EXPR seed "1${number} - 100")
    add_test(NAME solution.${name} COMMAND solution${number} --gtest_shuffle --gtest_repeat=3 --gtest_random_seed=${seed})
    set_tests_properties(solution.${name} PROPERTIES LABELS solution TIMEOUT ${POOL_KATAS_RUN_SECONDS})
    # Race mode (harness/pool_guard.h): the pool drops, spills and collects
    # within its contract, from a seed of the kata's own, so a failure
    # replays with the seed it prints. A correct fix does not notice.
    add_test(NAME race.solution.${name} COMMAND solution${number} --gtest_shuffle --gtest_random_seed=${seed})
    set_tests_properties(race.solution.${name} PROPERTIES LABELS "solution;race" ENVIRONMENT POOL_KATAS_RACE_SEED=10${number}
                                                         TIMEOUT ${POOL_KATAS_RUN_SECONDS})
    # Each test alone, in a process of its own (once a gate, in the tree
    # whose role it is): a spec that passes only after other tests ran is a
    # defect of the spec.
    pool_katas_tree_does(alone runs_alone)
    pool_katas_tree_does(fallback runs_fallback)
    if(runs_alone)
      add_test(NAME alone.solution.${name}
               COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:solution${number}>
                       -P ${CMAKE_SOURCE_DIR}/harness/cmake/each_test_alone.cmake)
      set_tests_properties(alone.solution.${name} PROPERTIES LABELS solution TIMEOUT ${selfcheck_seconds})
    endif()
    # The pool's fallback fence (no membarrier: macOS, old kernels), forced
    # on the same binaries: the tree with the fallback role runs every
    # solution and selfcheck once more that way.
    if(runs_fallback)
      add_test(NAME fallback.solution.${name}
               COMMAND solution${number} --gtest_shuffle --gtest_repeat=3 --gtest_random_seed=${seed})
      add_test(NAME fallback.selfcheck.${name}
               COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:kata${number}> -DNUMBER=${number}
                       -DKATAS=${POOL_KATAS_TSV} -P ${CMAKE_SOURCE_DIR}/harness/cmake/selfcheck.cmake)
      set_tests_properties(fallback.solution.${name} fallback.selfcheck.${name} PROPERTIES
                           LABELS fallback ENVIRONMENT POOL_KATAS_FENCE=fallback TIMEOUT ${selfcheck_seconds})
    endif()
    pool_katas_add_detector_builds(${number} ${flavour} solution "${copies}" ${solution_dir})
    pool_katas_add_wrong_fixes(${number} ${slug} ${flavour})
  endif()
endfunction()

# Reads katas/manifest.txt, the one place the katas are declared; the only
# CMake code that does (the lint's "one reader per format" check).
function(pool_katas_from_manifest)
  set(manifest ${CMAKE_SOURCE_DIR}/katas/manifest.txt)
  # What every other reader of the manifest reads instead: one line per kata,
  # tab-separated, the fields in the manifest's order, then the run limit.
  set(POOL_KATAS_TSV ${CMAKE_BINARY_DIR}/katas.tsv)
  set(POOL_KATAS_TSV ${POOL_KATAS_TSV} PARENT_SCOPE)
  set(table "# number\tslug\tsanitizer\tdifficulty\ttitle\tconcept\tcaught_by\tsignature\tseconds\n")
  # A kata folder that appears later (or a solutions/ folder in a handout that
  # gains one) re-runs the configure step: directory times change with entries.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${manifest} ${CMAKE_SOURCE_DIR}/katas)
  if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/solutions)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/solutions)
  endif()
  file(STRINGS ${manifest} lines)
  set(seen)
  set(declared)
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*(#|$)")
      continue()
    endif()
    if(NOT line MATCHES "${POOL_KATAS_MANIFEST_LINE}")
      message(FATAL_ERROR "pool-katas: cannot read this line of ${manifest}:\n  ${line}\n"
                          "expected: NN | slug | address|thread|undefined | 1-3 | title | concept | caught by | signature")
    endif()
    set(number ${CMAKE_MATCH_1})
    if(number IN_LIST seen)
      message(FATAL_ERROR "pool-katas: kata ${number} is declared twice in ${manifest}")
    endif()
    list(APPEND seen ${number})
    set(fields "${CMAKE_MATCH_1}\t${CMAKE_MATCH_2}\t${CMAKE_MATCH_3}\t${CMAKE_MATCH_4}\t${CMAKE_MATCH_5}\t${CMAKE_MATCH_6}\t${CMAKE_MATCH_7}\t${CMAKE_MATCH_8}")
    set(slug ${CMAKE_MATCH_2})
    set(flavour ${CMAKE_MATCH_3})
    set(flavour_of_${number} ${flavour})
    if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/katas/${number}_${slug})
      string(APPEND table "${fields}\t${POOL_KATAS_RUN_SECONDS}\n")
    endif()
    list(APPEND declared ${number}_${slug})
  endforeach()
  # Rewritten only when it changes, so that its time says when the facts did.
  set(old_table "")
  if(EXISTS ${POOL_KATAS_TSV})
    file(READ ${POOL_KATAS_TSV} old_table)
  endif()
  if(NOT old_table STREQUAL table)
    file(WRITE ${POOL_KATAS_TSV} "${table}")
  endif()
  foreach(name IN LISTS declared)
    string(SUBSTRING ${name} 0 2 number)
    string(SUBSTRING ${name} 3 -1 slug)
    pool_katas_add_kata(${number} ${slug} ${flavour_of_${number}})
  endforeach()
endfunction()
