#!/bin/sh
# soak_test.sh BUILD_DIR — harness/tools/soak.sh passes a kata that fails
# with its signature and a solution that passes, and on a tree whose
# signature the kata cannot match it exits 1 naming the kata and the seed;
# no busy loop outlives it.
set -u
build=$1
root=$(cd "$(dirname "$0")/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { printf 'FAILED: %s\n' "$1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | tail -n 20; exit 1; }
loops() { ps -eo args | grep -c '^sh -c while :; do :; done$'; }
before=$(loops)

out=$(sh "$root/harness/tools/soak.sh" --tree "$build" --runs 2 01 2>&1) || fail "soak.sh on kata 01 exits non-zero" "$out"
printf '%s\n' "$out" | grep -qx "soak $build 01_forgotten_reset: kata 2/2 with its signature, solution 2/2 passed" ||
  fail "soak.sh on kata 01 does not report 2 of 2 for the kata and its solution" "$out"

# A tree whose manifest row asks for a signature kata 01 never prints.
mkdir -p "$work/tree/bin"
ln -s "$build/bin/kata01" "$build/bin/solution01" "$work/tree/bin/"
# The header, and kata 01 with its signature (the column the header names so)
# changed.
awk -F '\t' 'BEGIN { OFS = "\t" }
  NR == 1 { for (i = 1; i <= NF; i++) if ($i == "signature") at = i; print; next }
  $1 == "01" { $at = "a report nobody prints"; print }' "$build/katas.tsv" >"$work/tree/katas.tsv"
out=$(sh "$root/harness/tools/soak.sh" --tree "$work/tree" --runs 2 2>&1) && fail "soak.sh passes a kata that misses its signature" "$out"
printf '%s\n' "$out" | grep -q "^soak: kata 01, seed 1: not failing for its reason" ||
  fail "soak.sh does not name the kata and the seed that missed" "$out"
printf '%s\n' "$out" | grep -qx "soak $work/tree 01_forgotten_reset: kata 0/2 with its signature, solution 2/2 passed" ||
  fail "soak.sh's summary line does not count the misses" "$out"

[ "$(loops)" -eq "$before" ] || fail "soak.sh left its busy loop running"
echo "soak_test: soak.sh counts signatures and passes, names a missing signature's seed, and stops its load"
