#!/bin/sh
# solution_diffs.sh [--check] [SOURCE_DIR]
#
# The ```diff block of each solutions/NN_slug/README.md is the real diff from
# the kata to its solution (`diff -U2`, per program header), so the fix is
# written once, in code. Without --check the blocks are rewritten in place;
# with --check nothing is written, each README out of step is named in one
# line, and the exit status is 1.
set -u
LC_ALL=C
export LC_ALL
check=
[ "${1:-}" = --check ] && { check=yes; shift; }
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

for solution in "$root"/solutions/*/; do
  name=$(basename "$solution")
  kata="$root/katas/$name"
  doc="$solution/README.md"
  [ -d "$kata" ] && [ -f "$doc" ] || continue
  : >"$work/diff"
  for program in $(cd "$kata" && ls *.h 2>/dev/null); do
    diff -U2 --label "a/$program" --label "b/$program" "$kata/$program" "$solution/$program" >>"$work/diff"
  done
  awk -v diff="$work/diff" '
    !done && /^```diff$/ { print; while ((getline line < diff) > 0) print line; skip = 1; next }
    skip && /^```$/ { skip = 0; done = 1 }
    skip { next }
    { print }
    END { if (!done) exit 3 }
  ' "$doc" >"$work/new"
  case $? in
    0) ;;
    *) echo "solutions/$name/README.md has no \`\`\`diff block under '## The fix'"; status=1; continue ;;
  esac
  cmp -s "$work/new" "$doc" && continue
  if [ -n "$check" ]; then
    echo "solutions/$name/README.md: its diff is not the real kata -> solution diff: regenerate with sh harness/tools/solution_diffs.sh"
    status=1
  else
    cp "$work/new" "$doc"
    echo "solutions/$name/README.md: diff regenerated"
  fi
done
exit "$status"
