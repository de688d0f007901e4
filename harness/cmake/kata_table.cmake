# kata_table.cmake — the one reader, in CMake, of the kata table
# (build/<tree>/katas.tsv, which pool_katas_from_manifest() writes from the
# manifest). formats.sh and formats.py are its readers in shell and Python.
#
# pool_katas_kata_table_field(TABLE NUMBER COLUMN OUT)
#   OUT: kata NUMBER's value in the column named COLUMN, found by the
#   table's header line ("# number<TAB>slug<TAB>..."), never by position.
#   Stops with one line when the table, the kata or the column is missing.
#
# Does not promise: a value that holds a tab or a newline (the table has
# none: Katas.cmake writes it from one-line manifest fields).

function(pool_katas_kata_table_field table number column out)
  if(NOT EXISTS "${table}")
    message(FATAL_ERROR "kata table: ${table} is missing: configure the tree")
  endif()
  file(STRINGS "${table}" header LIMIT_COUNT 1)
  if(NOT header MATCHES "^# ")
    message(FATAL_ERROR "kata table: ${table} has no header line (# number<TAB>slug...): configure the tree again")
  endif()
  string(SUBSTRING "${header}" 2 -1 header)
  string(REPLACE "\t" ";" names "${header}")
  list(FIND names "${column}" at)
  if(at LESS 0)
    message(FATAL_ERROR "kata table: ${table} has no column '${column}'")
  endif()
  file(STRINGS "${table}" rows REGEX "^${number}\t")
  list(LENGTH rows count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "kata table: kata ${number} is not in ${table} exactly once: configure the tree again")
  endif()
  # The field by a pattern, not a list: a signature's brackets would group
  # list elements.
  string(REPEAT "[^\t]*\t" ${at} before)
  string(REGEX MATCH "^${before}([^\t]*)" field "${rows}")
  set(${out} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()
