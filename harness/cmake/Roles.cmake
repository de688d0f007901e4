# What a build tree checks besides the katas and their solutions, which
# every tree checks: its roles. Each preset names its tree's roles
# (CMakePresets.json, cacheVariables POOL_KATAS_ROLES); a tree configured
# without a preset gets the roles of the preset for its compiler. Every
# "does this tree check X" in the build asks pool_katas_tree_does().
#
#   harness_tests  the harness's own tests and the tools' tests, once a gate
#   alone          each solution's tests alone, a process each
#   fallback       the solutions and selfchecks again on the pool's fallback fence
#   wrong_fixes    the wrong-fix corpus, built and judged
#   excerpts       the report excerpts in the docs match the katas' output
#                  (as Clang on GCC's library prints it)
#   thread_safety  the locking rules' check works (harness/thread_annotations.h)
#
# When Clang is missing, the gate configures the GCC tree with
# POOL_KATAS_TAKE_OVER=clang: it takes on the clang preset's roles that do
# not need Clang itself (the wrong fixes; not the excerpts, whose stacks are
# Clang's, nor the locking rules' check).
set(POOL_KATAS_ALL_ROLES harness_tests alone fallback wrong_fixes excerpts thread_safety)
set(POOL_KATAS_CLANG_ONLY_ROLES excerpts thread_safety)

# The roles a preset of CMakePresets.json names.
function(pool_katas_preset_roles preset out)
  file(READ ${CMAKE_SOURCE_DIR}/CMakePresets.json presets)
  string(JSON count LENGTH "${presets}" configurePresets)
  math(EXPR last "${count} - 1")
  foreach(i RANGE ${last})
    string(JSON name GET "${presets}" configurePresets ${i} name)
    if(name STREQUAL preset)
      string(JSON roles ERROR_VARIABLE missing GET "${presets}" configurePresets ${i} cacheVariables POOL_KATAS_ROLES)
      if(missing)
        set(roles "")
      endif()
      set(${out} "${roles}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  message(FATAL_ERROR "pool-katas: CMakePresets.json has no preset '${preset}'")
endfunction()

if(NOT DEFINED POOL_KATAS_ROLES)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    pool_katas_preset_roles(gcc roles)
  elseif(CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND NOT POOL_KATAS_LIBCXX)
    pool_katas_preset_roles(clang roles)
  else()
    pool_katas_preset_roles(clang-libcxx roles)
  endif()
  set(POOL_KATAS_ROLES "${roles}" CACHE STRING "what this tree checks besides the katas and solutions (harness/cmake/Roles.cmake)")
endif()
set(POOL_KATAS_TREE_ROLES ${POOL_KATAS_ROLES})
if(POOL_KATAS_TAKE_OVER)
  pool_katas_preset_roles(${POOL_KATAS_TAKE_OVER} taken)
  foreach(role IN LISTS taken)
    if(NOT role IN_LIST POOL_KATAS_CLANG_ONLY_ROLES AND NOT role IN_LIST POOL_KATAS_TREE_ROLES)
      list(APPEND POOL_KATAS_TREE_ROLES ${role})
    endif()
  endforeach()
endif()
foreach(role IN LISTS POOL_KATAS_TREE_ROLES)
  if(NOT role IN_LIST POOL_KATAS_ALL_ROLES)
    message(FATAL_ERROR "pool-katas: '${role}' is not a role a tree can have (harness/cmake/Roles.cmake lists them)")
  endif()
  if(role IN_LIST POOL_KATAS_CLANG_ONLY_ROLES AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "pool-katas: the role '${role}' needs Clang; this tree's compiler is ${CMAKE_CXX_COMPILER_ID}")
  endif()
endforeach()
if(POOL_KATAS_TREE_ROLES)
  string(REPLACE ";" ", " shown "${POOL_KATAS_TREE_ROLES}")
  message(STATUS "pool-katas: this tree checks the katas and solutions, and: ${shown}")
else()
  message(STATUS "pool-katas: this tree checks the katas and solutions")
endif()

# Sets OUT to TRUE when this tree has ROLE, else FALSE.
function(pool_katas_tree_does role out)
  if(NOT role IN_LIST POOL_KATAS_ALL_ROLES)
    message(FATAL_ERROR "pool-katas: pool_katas_tree_does(${role}): no such role")
  endif()
  if(role IN_LIST POOL_KATAS_TREE_ROLES)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()
