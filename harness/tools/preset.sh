# preset.sh — sourced (`. harness/tools/preset.sh`) by the kata tool and the
# loop benchmarks: sets PRESET, the CMake preset and so the build tree
# build/$PRESET, unless the caller set it. Clang where clang++ is installed:
# it compiles a kata's test on a save in about half GCC's time
# (docs/speed.md); GCC otherwise.
if [ -z "${PRESET:-}" ]; then
  if command -v clang++ >/dev/null 2>&1; then PRESET=clang; else PRESET=gcc; fi
fi
