#!/bin/sh
# handout_test.sh CXX — builds the participants' handout and checks that
#  * no distinctive line of any solution is in it (a line the fix adds);
#  * it configures and builds with CXX, and every kata runs (and fails).
set -u
root=$(cd "$(dirname "$0")/../../.." && pwd)
cxx=${1:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

sh "$root/harness/tools/handout.sh" "$work/handout.tar.gz" >/dev/null || { echo "FAILED: make handout"; exit 1; }
tar -C "$work" -xzf "$work/handout.tar.gz"
tree="$work/pool-katas"

[ ! -e "$tree/solutions" ] || { echo "FAILED: solutions/ is in the handout"; exit 1; }

# Every line of the shipped kata programs and tests: a fix may move or reuse
# such a line, and that gives nothing away.
find "$root/katas" -type f ! -name '*.md' -exec cat {} + | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | sort -u >"$work/kata-lines"
find "$tree" -type f -exec cat {} + 2>/dev/null | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | sort -u >"$work/handout-lines"
# Lines the fixes add that no kata has, long enough to be distinctive;
# includes and comments do not count.
for fixed in "$root"/solutions/*/*; do
  case "$fixed" in *.md) continue ;; esac
  kata_file="$root/katas/$(basename "$(dirname "$fixed")")/$(basename "$fixed")"
  diff "$kata_file" "$fixed" 2>/dev/null | sed -n 's/^> *//p'
done | sed 's/[[:space:]]*$//' | awk 'length($0) >= 16' | grep -Ev '^(#include|//)' |
  grep -vxF -f "$work/kata-lines" | sort -u >"$work/fix-lines"
grep -xF -f "$work/fix-lines" "$work/handout-lines" >"$work/leaks"
leaks=$(wc -l <"$work/leaks")
[ "$leaks" -eq 0 ] || sed 's/^/FAILED: a line of a fix is in the handout: /' "$work/leaks"
[ -s "$work/fix-lines" ] || { echo "FAILED: found no fix lines to look for (is solutions/ there?)"; exit 1; }
[ "$leaks" -eq 0 ] || exit 1

generator=
command -v ninja >/dev/null 2>&1 && generator="-G Ninja"
# shellcheck disable=SC2086
cmake -S "$tree" -B "$tree/build" $generator -DCMAKE_CXX_COMPILER="$cxx" >"$work/configure.log" 2>&1 ||
  { tail -20 "$work/configure.log"; echo "FAILED: the handout does not configure"; exit 1; }
cmake --build "$tree/build" >"$work/build.log" 2>&1 || { tail -30 "$work/build.log"; echo "FAILED: the handout does not build"; exit 1; }

katas=$(grep -cE '^[0-9][0-9][[:space:]]' "$tree/katas/manifest.txt")
ctest --test-dir "$tree/build" -L kata >"$work/ctest.log" 2>&1
grep -q "tests failed out of $katas\$" "$work/ctest.log" && ! grep -q 'Not Run' "$work/ctest.log" ||
  { tail -30 "$work/ctest.log"; echo "FAILED: the handout's $katas katas did not all run and fail"; exit 1; }
grep -q "^0% tests passed" "$work/ctest.log" || { echo "FAILED: a kata passes in the handout"; exit 1; }
echo "handout: no solution lines, configures, builds, runs $katas failing katas"
