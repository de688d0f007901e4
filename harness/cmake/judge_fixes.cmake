# cmake -DBINARY=<kata's fix binary> -DSOURCE_DIR=<repo> -DPATCH_DIR=<harness/tests/wrong_fixes/NN_slug>
#       -DFIXES_DIR=<apply_fixes.cmake's WORK> -DWORK=<dir> -DSEED=<n> -DSECONDS=<limit> -P judge_fixes.cmake
#
# Every wrong, right and gap fix of one kata, judged as labelled: the gate's
# check of the corpus (ctest wrongfixes.NN). The binary starts once and runs
# each fix's tests in a child forked from that start (harness/src/
# run_each_forked.h): the same tests, flags, race-mode run and sanitizer as
# a process of the fix's own (run_fix.cmake), without paying each time for
# the sanitizer's start-up and every fix's static pools. Each verdict is
# judge_fix.cmake's, computed here from this run; one line per fix, then a
# count. A wrong fix that saw another reason than it states is run again in
# a process of its own (run_fix.cmake, up to three runs in all). A patch the
# build refused (FIXES_DIR/NAME.refused) is judged by that refusal.

include(${CMAKE_CURRENT_LIST_DIR}/judge_fix.cmake)

file(GLOB patches "${SOURCE_DIR}/${PATCH_DIR}/*.patch")  # sorted: the order apply_fixes.cmake numbers them in
if(NOT patches)
  message(FATAL_ERROR "${PATCH_DIR}: no patches")
endif()
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(plan "")
set(index 0)
foreach(patch IN LISTS patches)
  math(EXPR index "${index} + 1")
  string(REGEX MATCH "\\.(wrong|right|gap)\\.patch$" matched "${patch}")
  set(expect ${CMAKE_MATCH_1})
  # A wrong fix that hangs is rejected after 20 s (run_fix.cmake says why).
  set(limit ${SECONDS})
  if(expect STREQUAL "wrong")
    set(limit 20)
  endif()
  get_filename_component(name "${patch}" NAME)
  string(REGEX REPLACE "\\.patch$" "" name "${name}")
  if(NOT EXISTS "${FIXES_DIR}/${name}.refused")  # no binary to run: the build refused it
    string(APPEND plan "Fix${index}\t${expect}\t${limit}\t${SEED}\n")
  endif()
endforeach()
file(WRITE "${WORK}/plan.tsv" "${plan}")

execute_process(COMMAND "${BINARY}" "--pool_katas_plan=${WORK}/plan.tsv" "--pool_katas_out=${WORK}"
                RESULT_VARIABLE forked ERROR_VARIABLE forked_said)
set(each_alone FALSE)
if(forked EQUAL 3)
  # Threads started before any test (static initialisation): no safe fork.
  message(STATUS "${PATCH_DIR}: ${forked_said}; each fix runs in a process of its own")
  set(each_alone TRUE)
elseif(NOT forked EQUAL 0)
  message(FATAL_ERROR "${PATCH_DIR}: ${BINARY} could not run the fixes (${forked}): ${forked_said}")
endif()

set(index 0)
set(judged 0)
set(faults 0)
foreach(patch IN LISTS patches)
  math(EXPR index "${index} + 1")
  set(fix Fix${index})
  file(RELATIVE_PATH relative "${SOURCE_DIR}" "${patch}")
  string(REGEX MATCH "\\.(wrong|right|gap)\\.patch$" matched "${patch}")
  set(expect ${CMAKE_MATCH_1})
  set(ok FALSE)
  set(again TRUE)
  set(said "")
  get_filename_component(name "${patch}" NAME)
  string(REGEX REPLACE "\\.patch$" "" name "${name}")
  if(EXISTS "${FIXES_DIR}/${name}.refused")
    # Refused by construction (apply_fixes.cmake): the build's one line is
    # what rejects it, and the patch must say so ("# rejected-by: construction").
    file(STRINGS "${FIXES_DIR}/${name}.refused" refusal LIMIT_COUNT 1)
    file(STRINGS "${patch}" stated REGEX "^# rejected-by: (.* \\| )?construction( \\| .*)?$")
    set(again FALSE)
    if(expect STREQUAL "wrong" AND stated)
      set(ok TRUE)
      set(said "${relative}: rejected as stated, construction: ${refusal}")
    else()
      set(said "${relative}: refused by the build, which its label does not say: ${refusal}")
    endif()
  elseif(NOT each_alone)
    file(STRINGS "${WORK}/${fix}.status" status)
    string(REGEX REPLACE "^exit " "" status "${status}")
    file(READ "${WORK}/${fix}.out" output)
    pool_katas_judge_fix("${relative}" "${expect}" "${fix}" "${status}" "${output}" "${WORK}/${fix}.results.tsv"
                         "${SOURCE_DIR}" ok again said)
  endif()
  if(NOT ok AND again)
    # In a process of its own: by hand's way, and the retries' (run_fix.cmake).
    set(attempt 2)
    if(each_alone)
      set(attempt 1)
    endif()
    execute_process(COMMAND "${CMAKE_COMMAND}" -DBINARY=${BINARY} -DFIX=${fix} -DEXPECT=${expect}
                            -DSOURCE_DIR=${SOURCE_DIR} -DPATCH=${relative} -DSEED=${SEED} -DSECONDS=${SECONDS}
                            -DATTEMPT=${attempt} -P "${CMAKE_CURRENT_LIST_DIR}/run_fix.cmake"
                    RESULT_VARIABLE alone_status OUTPUT_VARIABLE alone_said ERROR_VARIABLE alone_said)
    string(STRIP "${alone_said}" alone_said)
    string(REGEX REPLACE "^-- " "" alone_said "${alone_said}")
    if(alone_status EQUAL 0)
      set(ok TRUE)
      if(said)
        string(REGEX REPLACE "\n.*" "" said "${said}")
        set(said "run 1: ${said}; then ${alone_said}")
      else()
        set(said "${alone_said}")
      endif()
    else()
      string(REGEX REPLACE "^CMake Error at [^\n]*\n *" "" said "${alone_said}")
    endif()
  endif()
  math(EXPR judged "${judged} + 1")
  if(ok)
    message(STATUS "${said}")
  else()
    math(EXPR faults "${faults} + 1")
    message("FAILED: ${said}")
  endif()
endforeach()
if(faults GREATER 0)
  message(FATAL_ERROR "${PATCH_DIR}: ${faults} of ${judged} fixes not judged as labelled (above)")
endif()
message(STATUS "${PATCH_DIR}: ${judged} of ${judged} fixes judged as labelled")
