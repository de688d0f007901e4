# pool_katas_output_tail(TEXT CHARS OUT): the last CHARS characters of TEXT,
# for the end of a long test output in a failure message. Included by the
# scripts that run test binaries (selfcheck.cmake, run_fix.cmake).
function(pool_katas_output_tail text chars out)
  string(LENGTH "${text}" length)
  math(EXPR from "${length} - ${chars}")
  if(from LESS 0)
    set(from 0)
  endif()
  string(SUBSTRING "${text}" ${from} -1 tail)
  set(${out} "${tail}" PARENT_SCOPE)
endfunction()
