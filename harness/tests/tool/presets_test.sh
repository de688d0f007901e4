#!/bin/sh
# presets_test.sh SOURCE_DIR — the path an editor takes: `cmake --preset gcc`
# exactly as CMakePresets.json has it, on a clean copy of the tracked files,
# configures the tree the kata tool would (Ninja, which the precompiled
# headers and the reports' frames were measured with), not the platform's
# default generator.
set -u
root=${1:?usage: presets_test.sh SOURCE_DIR}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { printf 'FAILED: %s\n' "$1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | tail -n 20; exit 1; }

command -v ninja >/dev/null 2>&1 || { echo "presets: ninja is not installed; the kata tool names make's generator instead"; exit 0; }
(cd "$root" && git ls-files -z | xargs -0 tar cf -) | tar xf - -C "$work" || fail "could not copy the tracked files"
out=$(cd "$work" && cmake --preset gcc 2>&1) || fail "cmake --preset gcc does not configure" "$out"
generator=$(sed -n 's/^CMAKE_GENERATOR:INTERNAL=//p' "$work/build/gcc/CMakeCache.txt")
[ "$generator" = Ninja ] || fail "cmake --preset gcc configured with '$generator', not Ninja"
echo "presets: cmake --preset gcc configures build/gcc with Ninja"
