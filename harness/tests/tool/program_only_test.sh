#!/bin/sh
# program_only_test.sh SOURCE_DIR — the build refuses a kata's program that
# uses the tests' helpers (harness/tools/program_only.sh), in one line of the
# compiler's form, and lets the kata as shipped, and its test, through.
set -u
root=${1:?usage: program_only_test.sh SOURCE_DIR}
tool="$root/harness/tools/program_only.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { printf 'FAILED: %s\n%s\n' "$1" "${2:-}"; failures=$((failures + 1)); }

cp -R "$root/katas/02_use_after_put" "$work/kata"
out=$(sh "$tool" "$work/kata" "$work/stamp" 2>&1)
[ $? -eq 0 ] && [ -z "$out" ] && [ -f "$work/stamp" ] ||
  fail "kata 02 as shipped (its test includes harness/testing.h) is refused" "$out"

sed -i '1i #include "harness/testing.h"' "$work/kata/render.h"
rm -f "$work/stamp"
out=$(sh "$tool" "$work/kata" "$work/stamp" 2>&1)
status=$?
[ $status -eq 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && [ ! -f "$work/stamp" ] &&
  printf '%s' "$out" | grep -q "^$work/kata/render.h:1: error: the program uses harness/testing.h, the tests' own helpers" ||
  fail "a program that includes harness/testing.h: exit 1 and one line naming render.h:1 (exit $status)" "$out"

sed -i '1d' "$work/kata/render.h"
printf '\ninline void wait_for_quiet() { harness::testing::drain(render_buffers); }\n' >>"$work/kata/render.h"
out=$(sh "$tool" "$work/kata" 2>&1)
[ $? -eq 1 ] && printf '%s' "$out" | grep -q "render.h:[0-9]*: error: the program uses harness/testing.h" ||
  fail "a program that names harness::testing without the include is refused too" "$out"

[ "$failures" -eq 0 ] && echo "program_only_test: the shipped kata passes; a program that uses harness/testing.h is refused in one line"
[ "$failures" -eq 0 ]
