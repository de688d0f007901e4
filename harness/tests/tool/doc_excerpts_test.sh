#!/bin/sh
# doc_excerpts_test.sh BUILD_DIR SOURCE_DIR — the report excerpts in docs/
# still match what the kata binaries in BUILD_DIR print, and the excerpt tool
# notices a block that drifted and can put it right.
set -u
build=${1:?usage: doc_excerpts_test.sh BUILD_DIR SOURCE_DIR}
root=${2:?usage: doc_excerpts_test.sh BUILD_DIR SOURCE_DIR}
tool="$root/harness/tools/doc_excerpts.sh"
failures=0

fail() { printf 'FAILED: %s\n%s\n' "$1" "${2:-}"; failures=$((failures + 1)); }

# The real check: what `ctest -L harness` guards.
# Each kata runs once for all of the invocations below (doc_excerpts.sh).
EXCERPT_RUNS=$(mktemp -d)
export EXCERPT_RUNS
out=$(sh "$tool" --check "$build" "$root" 2>&1) ||
  fail "the excerpts in docs/ no longer match the katas; regenerate them with: sh harness/tools/doc_excerpts.sh $build" "$out"

# The tool itself, on a scratch copy of the documents.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch" "$EXCERPT_RUNS"' EXIT
cp "$root"/docs/*.md "$scratch"/
doc=$(grep -l '^<!-- excerpt: kata02-report -->$' "$scratch"/*.md | head -n 1)
if [ -z "$doc" ]; then
  fail "no document has the kata02-report excerpt"
else
  # A changed line inside the block is drift, and the message names the block.
  sed -i 's|\(katas/02_use_after_put/render\.h:\)[0-9:]*$|\199|' "$doc"
  out=$(DOCS_DIR=$scratch sh "$tool" --check "$build" "$root" 2>&1)
  [ $? -eq 1 ] && printf '%s' "$out" | grep -q 'excerpt kata02-report has drifted' ||
    fail "--check did not report the drifted kata02-report block" "$out"
  # Without --check the block is rewritten, and then the copy passes again.
  DOCS_DIR=$scratch sh "$tool" "$build" "$root" >/dev/null 2>&1
  out=$(DOCS_DIR=$scratch sh "$tool" --check "$build" "$root" 2>&1) ||
    fail "rewriting did not restore the drifted block" "$out"
  # Nothing else was touched. (The rewritten block itself may show the race's
  # two accesses in the other order, which --check above accepts.)
  without_block() { awk '/^<!-- excerpt: kata02-report -->$/ { skip = 1; next } skip && /^```$/ && seen { skip = 0; next }
                         skip { seen = 1; next } { print }' "$1"; }
  [ "$(without_block "$doc")" = "$(without_block "$root/docs/$(basename "$doc")")" ] ||
    fail "rewriting changed more of the document than the drifted block"
fi

# Prose that cites a line no excerpt shows has drifted too.
printf '# t\n\nSee render.h:99.\n\n<!-- excerpt: kata02-summary -->\n```text\n```\n' >"$scratch/cite.md"
out=$(DOCS_DIR=$scratch sh "$tool" "$build" "$root" 2>&1)
[ $? -eq 1 ] && printf '%s' "$out" | grep -q 'cites render.h:99, which none of its excerpts shows' ||
  fail "a citation of a line no excerpt shows was not reported" "$out"
rm -f "$scratch/cite.md"

# A marker without its block, and an unknown excerpt, are errors.
printf '# t\n\n<!-- excerpt: kata02-report -->\nno block here\n' >"$scratch/marker.md"
out=$(DOCS_DIR=$scratch sh "$tool" --check "$build" "$root" 2>&1)
[ $? -eq 1 ] && printf '%s' "$out" | grep -q 'marker of kata02-report is not followed' ||
  fail "a marker without a text block was not reported" "$out"
rm -f "$scratch/marker.md"
printf '# t\n\n<!-- excerpt: kata99-none -->\n```text\n```\n' >"$scratch/unknown.md"
out=$(DOCS_DIR=$scratch sh "$tool" --check "$build" "$root" 2>&1)
[ $? -eq 1 ] && printf '%s' "$out" | grep -q "unknown excerpt 'kata99-none'" ||
  fail "an unknown excerpt name was not reported" "$out"

[ "$failures" -eq 0 ] || exit 1
echo "doc_excerpts: the excerpts match the katas; drift is reported and repaired"
