# cmake -DKATA=<katas/NN_slug> -DPATCH=<file.patch> -DWORK=<dir> -P apply_fix.cmake
#
# Makes WORK a copy of the kata's folder with the patch applied. Fails, with
# one line saying which patch, when the patch touches the test or no longer
# applies to the kata as it is now.

file(STRINGS "${PATCH}" targets REGEX "^\\+\\+\\+ ")
if(NOT targets)
  message(FATAL_ERROR "wrong fix ${PATCH}: no '+++ b/file' line: is it a unified diff?")
endif()
foreach(line IN LISTS targets)
  if(line MATCHES "_test\\.cpp")
    message(FATAL_ERROR "wrong fix ${PATCH} edits the kata's test (${line}): a fix may change the program only")
  endif()
endforeach()

find_program(PATCH_TOOL patch)
if(NOT PATCH_TOOL)
  message(FATAL_ERROR "the wrong-fix checks need GNU patch: apt-get install patch")
endif()

file(REMOVE_RECURSE "${WORK}")
file(COPY "${KATA}/" DESTINATION "${WORK}")
execute_process(COMMAND "${PATCH_TOOL}" -p1 --batch --silent --no-backup-if-mismatch -d "${WORK}" -i "${PATCH}"
                RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "wrong fix ${PATCH} no longer applies to ${KATA}: update the patch\n${output}")
endif()
