# pool_katas_check_kata_messages(RESULTS NUMBER): fails unless every message
# the unfixed kata NUMBER printed is declared as describing its own bug.
#
# A kata's test also holds checks written for wrong fixes (a buffer moved
# away, work done in a local, ...), each with a message saying what that fix
# did. Such a message must not fire on the kata as shipped, where it would
# send the participant after a bug the code does not have. So an assertion
# that the unfixed kata fails says so on the line that ends its statement:
#
#   EXPECT_EQ(greet("bob"), "hello bob");  // for: this kata's bug
#
# and this reads each failure of the unfixed run from RESULTS (harness/src/
# result_file.h: the file and the line where the assertion starts), finds
# the end of its statement, and requires that mark there. A failure outside
# the kata's tests (a helper of harness/) is not checked here.

include(${CMAKE_CURRENT_LIST_DIR}/results_file.cmake)

function(pool_katas_check_kata_messages results number)
  pool_katas_results_events("${results}" failures failed)
  set(read_file "")
  foreach(failure IN LISTS failures)
    pool_katas_results_field("${failure}" file file)
    pool_katas_results_field("${failure}" line line)
    pool_katas_results_field("${failure}" what what)
    if(NOT file MATCHES "_test\\.cpp$" OR NOT EXISTS "${file}")
      continue()
    endif()
    # The test file as a list of lines, read once however many of its
    # assertions failed.
    if(NOT file STREQUAL read_file)
      file(READ "${file}" text)
      # A line per list element: the code's own semicolons, and the brackets
      # that would group list elements, kept apart first.
      string(REPLACE ";" "@SEMICOLON@" text "${text}")
      string(REPLACE "[" "@OPEN@" text "${text}")
      string(REPLACE "]" "@CLOSE@" text "${text}")
      # Each line starts with "|", so that no element is empty: a script's
      # list drops empty elements (policy CMP0007), and empty lines count.
      string(REPLACE "\n" ";|" lines "|${text}")
      list(LENGTH lines count)
      set(read_file "${file}")
    endif()
    math(EXPR at "${line} - 1")
    math(EXPR last "${at} + 10")
    set(end_line "")
    while(at LESS count AND at LESS last)
      list(GET lines ${at} source)
      string(REPLACE "@SEMICOLON@" ";" source "${source}")
      string(REPLACE "@OPEN@" "[" source "${source}")
      string(REPLACE "@CLOSE@" "]" source "${source}")
      string(SUBSTRING "${source}" 1 -1 source)
      string(REGEX REPLACE "(^|[ \t])//.*$" "" code "${source}")
      string(STRIP "${code}" code)
      if(code MATCHES ";$")
        set(end_line "${source}")
        break()
      endif()
      math(EXPR at "${at} + 1")
    endwhile()
    math(EXPR shown "${at} + 1")
    if(NOT end_line MATCHES "// for: this kata's bug")
      get_filename_component(name "${file}" NAME)
      message(FATAL_ERROR "selfcheck: kata ${number} as shipped prints a message its test does not declare as this "
                          "kata's bug (${name}:${line}: \"${what}\"). A message written for a wrong fix must not fire "
                          "on the unfixed kata: let it speak only when that fix is seen; or, if it does describe this "
                          "kata's bug, end the statement at ${name}:${shown} with // for: this kata's bug")
    endif()
  endforeach()
endfunction()
