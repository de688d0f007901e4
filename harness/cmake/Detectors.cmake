# The builds the detector matrix (make detectors, harness/tools/detectors.py)
# runs: every kata and every solution under each runtime detector, not only
# the sanitizer its kata is taught with.
#
#   kataNN_address, kataNN_thread, kataNN_undefined   the kata's test under
#       the flavours other than its own (its own is kataNN)
#   kataNN_plain      no sanitizer, -O2: the participants' PLAIN=1 runs it too
#   solutionNN_<flavour>, solutionNN_plain            the same for the fix,
#       the matrix's control: a detector that fires on it is a false positive
#
# Valgrind runs the plain builds. None of these is part of `all`; the target
# `detector_builds` makes them all.

add_custom_target(detector_builds)

# pool_katas_add_detector_builds(NUMBER FLAVOUR SUBJECT SOURCES INCLUDE_DIR)
# SUBJECT is kata or solution; its own-flavour build (kataNN, solutionNN)
# exists already and is only added to detector_builds.
function(pool_katas_add_detector_builds number flavour subject sources include_dir)
  foreach(other IN LISTS POOL_KATAS_FLAVOURS ITEMS none)
    if(other STREQUAL flavour)
      add_dependencies(detector_builds ${subject}${number})
      continue()
    endif()
    set(suffix ${other})
    if(other STREQUAL "none")
      set(suffix plain)
    endif()
    set(target ${subject}${number}_${suffix})
    add_executable(${target} EXCLUDE_FROM_ALL ${sources})
    target_include_directories(${target} PRIVATE ${include_dir})
    target_link_libraries(${target} PRIVATE harness_${other})
    target_precompile_headers(${target} REUSE_FROM harness_${other})
    add_dependencies(detector_builds ${target})
  endforeach()
endfunction()
