#!/bin/sh
# katas_md.sh [--check] KATAS_TSV [SOURCE_DIR]
#
# Writes docs/katas.md, the table of the twenty katas, from katas.tsv (which
# CMake writes from katas/manifest.txt): the page is generated, so it cannot
# disagree with the manifest. With --check nothing is written; it says in one
# line whether the page is out of step, and exits 1 if it is.
set -u
LC_ALL=C
export LC_ALL
check=
[ "${1:-}" = --check ] && { check=yes; shift; }
table=${1:?usage: katas_md.sh [--check] KATAS_TSV [SOURCE_DIR]}
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
tools=$(cd "$(dirname "$0")" && pwd)
. "$tools/formats.sh"
page="$root/docs/katas.md"

render() {
  cat <<'HEAD'
# The katas

<!-- Generated from katas/manifest.txt by harness/tools/katas_md.sh: edit the manifest, not this page. -->

| # | kata | concept | caught by | difficulty |
|---|---|---|---|---|
HEAD
  kata_table_rows "$table" number title slug concept caught_by difficulty | awk -F '\t' '{
    stars = ""
    for (i = 0; i < $6; i++) stars = stars "★"
    printf "| %s | [%s](../katas/%s_%s/) | %s | %s | %s |\n", $1, $2, $1, $3, $4, $5, stars
  }'
  cat <<'TAIL'

★ about 10 minutes, ★★ about 20, ★★★ 30 or more. "caught by" is what stops
the unfixed kata; [sanitizers.md](sanitizers.md) shows how to read each kind
of report. The sanitizer build of each kata and the exact signature it fails
with are in [`katas/manifest.txt`](../katas/manifest.txt).
TAIL
}

new=$(mktemp)
trap 'rm -f "$new"' EXIT
render >"$new"
if [ -n "$check" ]; then
  cmp -s "$new" "$page" && exit 0
  echo "docs/katas.md is out of step with katas/manifest.txt: regenerate it with: sh harness/tools/katas_md.sh $table"
  diff -u "$page" "$new" | sed -n '3,$p' | head -n 20
  exit 1
fi
cp "$new" "$page"
