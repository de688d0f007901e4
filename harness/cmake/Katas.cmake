# Turns each line of katas/manifest.txt into three CTest entries:
#
#   kataNN_slug       the kata's test against katas/NN_slug/       labels: kata, kataNN
#   solutionNN_slug   the same test source against solutions/NN_slug/, in
#                     shuffled order three times over (seeds NN, NN+1, NN+2:
#                     --gtest_random_seed replays a failure)   label: solution
#   selfcheckNN_slug  runs the kata binary; passes only when it fails with
#                     the manifest's signature                      label: selfcheck
#
# The test source lives in the kata folder, next to the code it includes with
# #include "file.h". For the solution build it is copied into the build tree
# first: compiled in place, that include would find the kata's header beside
# it before the solution's.

include(WrongFixes)

set(POOL_KATAS_MANIFEST_LINE
    "^([0-9][0-9])[ \t]+([a-z0-9_]+)[ \t]+(address|thread|undefined)[ \t]+(.+)$")

function(pool_katas_add_kata number slug flavour)
  set(name ${number}_${slug})
  set(kata_dir ${CMAKE_SOURCE_DIR}/katas/${name})
  set(solution_dir ${CMAKE_SOURCE_DIR}/solutions/${name})
  if(NOT IS_DIRECTORY ${kata_dir})
    message(STATUS "pool-katas: kata ${number} is declared but katas/${name}/ does not exist yet; skipped")
    return()
  endif()
  file(GLOB test_sources CONFIGURE_DEPENDS ${kata_dir}/*_test.cpp)
  if(NOT test_sources)
    message(STATUS "pool-katas: katas/${name}/ has no *_test.cpp yet; skipped")
    return()
  endif()

  add_executable(kata${number} ${test_sources})
  target_include_directories(kata${number} PRIVATE ${kata_dir})
  target_link_libraries(kata${number} PRIVATE harness_${flavour})
  target_precompile_headers(kata${number} REUSE_FROM harness_${flavour})
  add_test(NAME kata${name} COMMAND kata${number})
  set_tests_properties(kata${name} PROPERTIES LABELS "kata;kata${number}" TIMEOUT 60)

  add_test(NAME selfcheck${name}
           COMMAND ${CMAKE_COMMAND} -DBINARY=$<TARGET_FILE:kata${number}> -DNUMBER=${number}
                   -DMANIFEST=${POOL_KATAS_MANIFEST_FILE} -P ${CMAKE_SOURCE_DIR}/harness/cmake/selfcheck.cmake)
  set_tests_properties(selfcheck${name} PROPERTIES LABELS selfcheck TIMEOUT 90)

  # The participants' handout has no solutions/: build the katas alone then.
  if(IS_DIRECTORY ${solution_dir})
    set(copies)
    foreach(source IN LISTS test_sources)
      get_filename_component(file ${source} NAME)
      configure_file(${source} ${CMAKE_BINARY_DIR}/solution_tests/${name}/${file} COPYONLY)
      list(APPEND copies ${CMAKE_BINARY_DIR}/solution_tests/${name}/${file})
    endforeach()
    add_executable(solution${number} ${copies})
    target_include_directories(solution${number} PRIVATE ${solution_dir})
    target_link_libraries(solution${number} PRIVATE harness_${flavour})
    target_precompile_headers(solution${number} REUSE_FROM harness_${flavour})
    # Any test order must pass: a test that leans on what an earlier one left
    # in the pool is a defect of the spec.
    math(EXPR seed "1${number} - 100")
    add_test(NAME solution${name} COMMAND solution${number} --gtest_shuffle --gtest_repeat=3 --gtest_random_seed=${seed})
    set_tests_properties(solution${name} PROPERTIES LABELS solution TIMEOUT 60)
    pool_katas_add_wrong_fixes(${number} ${slug} ${flavour})
  endif()
endfunction()

function(pool_katas_from_manifest manifest)
  set(POOL_KATAS_MANIFEST_FILE ${manifest})
  # A kata folder that appears later (or a solutions/ folder in a handout that
  # gains one) re-runs the configure step: directory times change with entries.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${manifest} ${CMAKE_SOURCE_DIR}/katas)
  if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/solutions)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/solutions)
  endif()
  file(STRINGS ${manifest} lines)
  set(seen)
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*(#|$)")
      continue()
    endif()
    if(NOT line MATCHES "${POOL_KATAS_MANIFEST_LINE}")
      message(FATAL_ERROR "pool-katas: cannot read this line of ${manifest}:\n  ${line}\n"
                          "expected: NN  slug  address|thread|undefined  signature-regex")
    endif()
    set(number ${CMAKE_MATCH_1})
    if(number IN_LIST seen)
      message(FATAL_ERROR "pool-katas: kata ${number} is declared twice in ${manifest}")
    endif()
    list(APPEND seen ${number})
    pool_katas_add_kata(${number} ${CMAKE_MATCH_2} ${CMAKE_MATCH_3})
  endforeach()
endfunction()
