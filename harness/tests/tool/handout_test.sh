#!/bin/sh
# handout_test.sh CXX — the facilitator's and the participant's path, from a
# clean checkout (the tracked files only, nothing built):
#  * `make handout` works there, and the handout has no solutions, no
#    wrong-fix patches, no distinctive line of any fix, and names no file it
#    does not ship;
#  * in the unpacked handout, `make` shows 0 of N done; with two katas fixed
#    `make status` shows 2 of N and exits 0; `make test` says in one line that
#    the handout has no gate.
set -u
# A participant's own terminal, not a sub-make of `make test`.
unset MAKELEVEL MAKEFLAGS MFLAGS KATA_DIE_STATUS
root=$(cd "$(dirname "$0")/../../.." && pwd)
cxx=${1:-g++}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { printf 'FAILED: %s\n' "$1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | tail -n 30; exit 1; }

# A clean checkout: what git tracks, as the working tree has it now.
mkdir "$work/clone"
(cd "$root" && git ls-files -z | xargs -0 tar cf -) | tar xf - -C "$work/clone" ||
  fail "could not copy the tracked files"
[ ! -e "$work/clone/build" ] || fail "the clean checkout has a build/ folder"
out=$(cd "$work/clone" && make handout 2>&1) || fail "make handout on a clean checkout" "$out"
tar -C "$work" -xzf "$work/clone/build/pool-katas-handout.tar.gz" || fail "the handout does not unpack"
# A size the facilitator's guide quotes is the size make handout reports.
quoted=$(sed -n 's/^handout: build\/pool-katas-handout\.tar\.gz (\([0-9.]*[KM]\))$/\1/p' "$root/docs/facilitator.md")
measured=$(printf '%s' "$out" | sed -n 's/^handout: .* (\([0-9.]*[KM]\))$/\1/p')
[ -z "$quoted" ] || [ "$quoted" = "$measured" ] ||
  fail "docs/facilitator.md quotes the handout as $quoted; make handout made $measured"
tree="$work/pool-katas"

[ ! -e "$tree/solutions" ] || fail "solutions/ is in the handout"
[ ! -e "$tree/harness/tests/wrong_fixes" ] || fail "the wrong-fix patches (some are right fixes) are in the handout"
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
[ -s "$work/fix-lines" ] || fail "found no fix lines to look for (is solutions/ there?)"
if grep -xF -f "$work/fix-lines" "$work/handout-lines" >"$work/leaks"; then
  fail "a line of a fix is in the handout" "$(cat "$work/leaks")"
fi
# What the handout's documents point at must be in the handout.
if grep -rnE 'solutions/|facilitator\.md|writing-a-kata\.md|wrong-fixes\.md|\.ci/run|make test' "$tree" --include='*.md' >"$work/dangling"; then
  fail "the handout's documents name files or commands it does not ship" "$(cat "$work/dangling")"
fi

# Every make command its documents show (in backquotes, or at the start of a
# line in a fenced block) is a target of its Makefile.
find "$tree" -name '*.md' -exec awk '
  /^[[:space:]]*```/ { fenced = !fenced; next }
  fenced && match($0, /^[[:space:]]*make [a-z][a-z-]*/) { print FILENAME ": " substr($0, RSTART, RLENGTH) }
  !fenced { line = $0; while (match(line, /`make [a-z][a-z-]*/)) { print FILENAME ": " substr(line, RSTART + 1, RLENGTH - 1); line = substr(line, RSTART + RLENGTH) } }
' {} + >"$work/make-commands"
for target in $(sed 's/.*make //' "$work/make-commands" | sort -u); do
  grep -q "^$target:" "$tree/Makefile" ||
    fail "the handout's documents show make $target, which its Makefile lacks" "$(grep -E "make $target\$" "$work/make-commands")"
done
[ -s "$work/make-commands" ] || fail "found no make command in the handout's documents (is the check reading them?)"

# No shipped document, its comments included (a reader of the raw Markdown
# sees them), sends the participant to a make target the handout lacks.
if grep -rnE --include='*.md' 'make (detectors|handout|bench-allocators|room-test)([^a-z-]|$)' "$tree" >"$work/gone-targets"; then
  fail "a file in the handout names a make target the handout does not have" "$(cat "$work/gone-targets")"
fi

# The handout's Makefile offers only what works there.
for gone in detectors handout bench-allocators room room-test; do
  ! grep -qE "^(#   make $gone |$gone:)" "$tree/Makefile" || fail "the handout's Makefile still offers make $gone"
done
out=$(cd "$tree" && make handout 2>&1) && fail "make handout inside the handout made an archive of the handout" "$out"

# make shows season one (01-20), make status every season.
katas=$(grep -cE '^[0-9][0-9] *\|' "$tree/katas/manifest.txt")
season_one=$(grep -cE '^(0[1-9]|1[0-9]|20) *\|' "$tree/katas/manifest.txt")
out=$(cd "$tree" && CXX="$cxx" make 2>&1) || fail "make in the handout exits non-zero" "$out"
printf '%s' "$out" | grep -q "Pool Katas: 0 of $season_one done" || fail "make in the handout does not show 0 of $season_one done" "$out"

# The participant fixes two katas (here: with the solutions' programs).
for name in 01_forgotten_reset 07_vector_not_cleared; do
  cp "$root/solutions/$name/"*.h "$tree/katas/$name/"
done
out=$(cd "$tree" && make status 2>&1)
status=$?
[ $status -eq 0 ] && printf '%s' "$out" | grep -q "Pool Katas: 2 of $katas done" ||
  fail "make status after fixing two katas: exit $status, expected 2 of $katas done" "$out"

out=$(cd "$tree" && make test 2>&1)
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q "participants' handout: it has no CI gate" ||
  fail "make test in the handout does not say in one line that there is no gate" "$out"
# Season two alone (make handout SEASON=2): its katas, hints and manifest
# lines, none of season one's.
out=$(cd "$work/clone" && make handout SEASON=2 2>&1) || fail "make handout SEASON=2" "$out"
mkdir "$work/season2"
tar -C "$work/season2" -xzf "$work/clone/build/pool-katas-handout-season2.tar.gz" || fail "the season-two handout does not unpack"
two="$work/season2/pool-katas"
declared=$(grep -E '^[0-9][0-9] *\|' "$two/katas/manifest.txt" | cut -c1-2 | tr '\n' ' ')
folders=$(cd "$two/katas" && ls -d [0-9][0-9]_* | cut -c1-2 | tr '\n' ' ')
hinted=$(cd "$two/harness/hints" && ls [0-9][0-9]_*.md | cut -c1-2 | tr '\n' ' ')
expected=$(grep -E '^(2[1-9]|[3-9][0-9]) *\|' "$root/katas/manifest.txt" | cut -c1-2 | tr '\n' ' ')
[ -n "$expected" ] && [ "$declared" = "$expected" ] && [ "$folders" = "$expected" ] && [ "$hinted" = "$expected" ] ||
  fail "the season-two handout declares '$declared', ships folders '$folders' and hints '$hinted'; expected '$expected'"
# Its README speaks of season two alone; the full handout's speaks of both.
grep -q '^Season two: small C++ programs' "$two/README.md" && ! grep -qiE 'twenty|season one|<!-- season' "$two/README.md" ||
  fail "the season-two handout's README still speaks of season one (or was not rewritten)" "$(sed -n 1,14p "$two/README.md")"
grep -q '^Twenty small C++ programs' "$tree/README.md" && ! grep -qE '^Season two: small|<!-- season' "$tree/README.md" ||
  fail "the handout's README lost its season-one introduction, or kept a season-two one" "$(sed -n 1,14p "$tree/README.md")"
echo "handout: made on a clean checkout; no solutions, fixes or dangling names; make shows 0 of $season_one, two fixed katas show 2 of $katas in make status; SEASON=2 ships katas $expected, with a README of its own"
