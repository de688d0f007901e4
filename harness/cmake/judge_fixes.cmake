# cmake -DBINARY=<kata's fix binary> -DSOURCE_DIR=<repo> -DPATCH_DIR=<harness/tests/wrong_fixes/NN_slug>
#       -DFIXES_DIR=<apply_fixes.cmake's WORK> -DWORK=<dir> -DSEED=<n> -DSECONDS=<limit> -P judge_fixes.cmake
#
# Every wrong, right and gap fix of one kata, judged as labelled: the gate's
# check of the corpus (ctest -R wrongfixes.NN_). The binary starts once and runs
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
# Each patch's place (FixI), label, and whether the build refused it (then
# there is no binary of it to run).
set(plan "")
set(index 0)
foreach(patch IN LISTS patches)
  math(EXPR index "${index} + 1")
  get_filename_component(name "${patch}" NAME)
  string(REGEX REPLACE "\\.patch$" "" name "${name}")
  string(REGEX MATCH "(wrong|right|gap)$" expect "${name}")
  set(expect_${index} ${expect})
  set(refused_${index} "${FIXES_DIR}/${name}.refused")
  # A wrong fix that hangs is rejected after 20 s (run_fix.cmake says why).
  set(limit ${SECONDS})
  if(expect STREQUAL "wrong")
    set(limit 20)
  endif()
  if(NOT EXISTS "${refused_${index}}")
    string(APPEND plan "Fix${index}\t${expect}\t${limit}\t${SEED}\n")
  endif()
endforeach()
file(WRITE "${WORK}/plan.tsv" "${plan}")

# Stacks unsymbolised: a verdict reads a report's kind, never its frames, and
# each report would start llvm-symbolizer on the whole binary (a third of
# kata 08's wall time). A fix run again alone (run_fix.cmake, below), or by
# hand, prints its stacks with names, for the reader.
foreach(tool ASAN TSAN UBSAN LSAN)
  set(options_before_${tool} "$ENV{${tool}_OPTIONS}")
  set(ENV{${tool}_OPTIONS} "$ENV{${tool}_OPTIONS}:symbolize=0")
endforeach()
execute_process(COMMAND "${BINARY}" "--pool_katas_plan=${WORK}/plan.tsv" "--pool_katas_out=${WORK}"
                RESULT_VARIABLE forked ERROR_VARIABLE forked_said)
foreach(tool ASAN TSAN UBSAN LSAN)
  set(ENV{${tool}_OPTIONS} "${options_before_${tool}}")
endforeach()
set(each_alone FALSE)
if(forked EQUAL 3)
  # Threads started before any test (static initialisation): no safe fork.
  message(STATUS "${PATCH_DIR}: ${forked_said}; each fix runs in a process of its own")
  set(each_alone TRUE)
elseif(NOT forked EQUAL 0)
  message(FATAL_ERROR "${PATCH_DIR}: ${BINARY} could not run the fixes (${forked}): ${forked_said}")
endif()

set(index 0)
set(faults 0)
foreach(patch IN LISTS patches)
  math(EXPR index "${index} + 1")
  set(fix Fix${index})
  set(expect ${expect_${index}})
  file(RELATIVE_PATH relative "${SOURCE_DIR}" "${patch}")
  set(ok FALSE)
  set(again TRUE)
  set(said "")
  if(EXISTS "${refused_${index}}")
    # Refused by construction (apply_fixes.cmake): the build's one line is
    # what a "# rejected-by: construction" line states.
    file(STRINGS "${refused_${index}}" refusal LIMIT_COUNT 1)
    pool_katas_judge_fix("${relative}" "${expect}" "${fix}" refused "${refusal}" "" "${SOURCE_DIR}" ok again said)
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
  if(ok)
    message(STATUS "${said}")
  else()
    math(EXPR faults "${faults} + 1")
    message("FAILED: ${said}")
  endif()
endforeach()
if(faults GREATER 0)
  message(FATAL_ERROR "${PATCH_DIR}: ${faults} of ${index} fixes not judged as labelled (above)")
endif()
message(STATUS "${PATCH_DIR}: ${index} of ${index} fixes judged as labelled")
