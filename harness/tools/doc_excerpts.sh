#!/bin/sh
# doc_excerpts.sh [--check | --print NAME] BUILD_DIR [SOURCE_DIR]
#
# Regenerates the report excerpts in docs/*.md from the kata binaries in
# BUILD_DIR, so that the documents show what the katas really print. An
# excerpt is a marker line followed by a ```text block:
#
#   <!-- excerpt: kata02-tsan -->
#   ```text
#   ...regenerated...
#   ```
#
# The name after "excerpt:" is kataNN-RECIPE: which kata to run, and what of
# its run to show (recipe() below): its summary, its sanitizer report, its
# failed assertions, or its symptom (what `make kata` leads with). Failed
# assertions come from the results file the test binary writes
# (harness/src/result_file.h), never from GoogleTest's text. Everything that
# changes from run to run is normalised: addresses become <addr>, process ids
# <pid>, absolute paths repo-relative, test timings (<n> ms), the heap
# probe's byte counts (four digits or more on both sides, never a small count)
# <bytes>; frames outside katas/ (the pool, libstdc++, the sanitizer runtime, GoogleTest) are folded
# into "...", so that the excerpts survive changes to harness/include.
#
# Without options the blocks are rewritten in place. With --check nothing is
# written; the script names each block that differs, shows the difference and
# exits 1. --print NAME prints one excerpt (to try a recipe).
# SOURCE_DIR defaults to the repository this script is in; DOCS_DIR (from the
# environment) to SOURCE_DIR/docs.
set -u
LC_ALL=C
export LC_ALL

check=
print=
case "${1:-}" in
  --check) check=yes; shift ;;
  --print) print=${2:?usage: doc_excerpts.sh --print NAME BUILD_DIR [SOURCE_DIR]}; shift 2 ;;
esac
build=${1:?usage: doc_excerpts.sh [--check | --print NAME] BUILD_DIR [SOURCE_DIR]}
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
build=$(cd "$build" && pwd) || exit 2
root=$(cd "$root" && pwd) || exit 2
tools=$(cd "$(dirname "$0")" && pwd)
. "$tools/formats.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- running a kata --------------------------------------------------------

# run NN [TRY]: runs kata NN; its whole output, normalised, on stdout, its
# raw output in $work/raw.log and its results file in $work/results.tsv. Run
# TRY (default 1) of a kata happens once per invocation, however many
# excerpts it feeds, and once for several invocations that share EXCERPT_RUNS
# (a folder: the test of this script runs it five times); settled() asks for
# five different runs.
runs=${EXCERPT_RUNS:-$work/runs}
mkdir -p "$runs"
run() {
  binary="$build/bin/kata$1"
  if [ ! -x "$binary" ]; then
    echo "doc_excerpts: $binary is missing: build the suite first" >&2
    return 1
  fi
  saved="$runs/$1.${2:-1}"
  if [ ! -f "$saved.log" ] || [ "$binary" -nt "$saved.log" ]; then
    seconds=$(kata_table_field "$(kata_table "$build")" "$1" seconds)
    rm -f "$saved.tsv"
    if command -v timeout >/dev/null 2>&1; then
      KATA_RESULT_FILE=$saved.tsv timeout "${seconds:-60}" "$binary" >"$saved.raw" 2>&1
    else
      KATA_RESULT_FILE=$saved.tsv "$binary" >"$saved.raw" 2>&1
    fi
    mv "$saved.raw" "$saved.log"
  fi
  cp "$saved.log" "$work/raw.log"
  rm -f "$work/results.tsv"
  [ -f "$saved.tsv" ] && cp "$saved.tsv" "$work/results.tsv"
  normalise <"$work/raw.log"
}

normalise() {
  sed -E \
    -e "s|$root/||g" \
    -e 's/==[0-9]+==/==<pid>==/g' \
    -e 's/\(pid=[0-9]+\)/(pid=<pid>)/g' \
    -e 's/^( +#[0-9]+) 0x[0-9a-f]+ in /\1 /' \
    -e 's/ \([^ ()]+\+0x[0-9a-f]+\)( \(BuildId: [0-9a-f]+\))?$//' \
    -e 's/0x[0-9a-f]{4,}/<addr>/g' \
    -e 's/\([0-9]+ ms\)/(<n> ms)/g' \
    -e 's/std::char_traits<char> ?>/.../g' \
    -e 's/std::basic_string_view<char, \.\.\./std::basic_string_view<char, ...>/g' \
    -e 's/actual: [0-9]{4,} vs [0-9]{4,}/actual: <bytes> vs <bytes>/'
}

# failures [MAX]: the first MAX (default 1) failed assertions of the last run,
# from its results file, as GoogleTest shows them: the test, file:line, message.
failures() { results_failures_shown "$work/results.tsv" "${1:-1}" | normalise; }

# The test that was running when a sanitizer ended the process.
crashed_in() {
  test=$(results_running_test "$work/results.tsv")
  [ -z "$test" ] || printf '[ RUN      ] %s\n' "$test"
}

# trim [MAX]: the lines a reader needs of the sanitizer report in a kata's
# output on stdin, after the test that was running (formats.sh says which).
trim() { sanitizer_report_excerpt "${1:-2}" "$(crashed_in)"; }

# --- recipes: one per excerpt name -------------------------------------------

# settled NN: a race report prints its two accesses in the order the threads
# happened to run, and which of a racing function's writes is seen first can
# vary too (kata 15: one run in twenty names the heading's second line).
# Runs kata NN five times and prints the run whose report, compared as
# comparable() does, came most often (of equally frequent ones, the one that
# sorts first), so that the excerpt shows what a participant usually sees,
# the same each time (and leaves that run's output in $work/raw.log and
# $work/results.tsv).
settled() {
  for try in 1 2 3 4 5; do
    run "$1" "$try" >"$work/try$try.log" || return 1
    cp "$work/raw.log" "$work/try$try.raw"
    cp "$work/results.tsv" "$work/try$try.tsv" 2>/dev/null
    trim 1 <"$work/try$try.log" | comparable | cksum | cut -d' ' -f1 >"$work/try$try.key"
  done
  best=$(for try in 1 2 3 4 5; do printf '%s %s\n' "$(cat "$work/try$try.key")" "$try"; done |
    sort | awk '{ n[$1]++; if (!($1 in first)) first[$1] = $2 }
                END { for (k in n) if (n[k] > most || (n[k] == most && k < key)) { most = n[k]; key = k }
                      print first[key] }')
  cp "$work/try$best.raw" "$work/raw.log"
  rm -f "$work/results.tsv"
  cp "$work/try$best.tsv" "$work/results.tsv" 2>/dev/null
  cat "$work/try$best.log"
}

# comparable: an excerpt on stdin without what differs between two runs of
# the same bug: frame numbers, and the order of a race's two accesses (put
# in sorted order, "Previous " dropped).
comparable() {
  sed -E 's/^( +)#[0-9]+ /\1# /' | awk '
    function flush() { if (n) { blocks[++count] = block; block = ""; n = 0 } }
    /^  (Previous )?([Aa]tomic )?([Rr]ead|[Ww]rite) of size / {
      flush(); n = 1
      line = $0; sub(/^  Previous /, "  ", line)
      block = toupper(substr(line, 1, 3)) substr(line, 4) "\n"; next
    }
    n && /^    / { block = block $0 "\n"; next }
    { flush(); if (count) { emit() } print }
    function emit(   i, j, t) {
      for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++)
        if (blocks[j] < blocks[i]) { t = blocks[i]; blocks[i] = blocks[j]; blocks[j] = t }
      for (i = 1; i <= count; i++) printf "%s", blocks[i]
      count = 0
    }
    END { flush(); if (count) emit() }
  '
}

# summary NN: what `make kata NN` leads with when a sanitizer fired.
summary() {
  dir="$1_$(kata_table_field "$(kata_table "$build")" "$1" slug)"
  # From the raw output (the chosen run's), as the kata tool reads it.
  sed "s|$root/||g" "$work/raw.log" | sanitizer_summary - "katas/$dir/"
}

# recipe kataNN-WHAT: one excerpt of kata NN.
#   summary       the summary of its sanitizer report
#   report        the report: two frames in katas/ per stack
#   report-short  the report: one frame per stack
#   failure       its first failed assertion
#   symptom       for a kata README: the first failed assertion, then the
#                 sanitizer's report with one frame per stack
# A race report prints its two accesses in the order the threads ran; the
# excerpts take the run settled() picks, so they stay put.
recipe() {
  number=$(printf '%s' "$1" | sed -n 's/^kata\([0-9][0-9]\)-.*/\1/p')
  what=${1#kata??-}
  flavour=$(kata_table_field "$(kata_table "$build")" "$number" sanitizer)
  if [ -z "$flavour" ]; then
    echo "doc_excerpts: unknown excerpt '$1' (expected kataNN-summary|report|report-short|failure|symptom)" >&2
    return 1
  fi
  # One run per kata serves all of its excerpts.
  cache="$work/cache/$number"
  if [ -f "$cache/run.log" ]; then
    rm -f "$work/results.tsv"
    cp "$cache/run.log" "$cache/raw.log" "$work/"
    cp "$cache/results.tsv" "$work/" 2>/dev/null
  else
    if [ "$flavour" = thread ]; then
      settled "$number" >"$work/run.log" || return 1
    else
      run "$number" >"$work/run.log" || return 1
    fi
    mkdir -p "$cache"
    cp "$work/run.log" "$work/raw.log" "$cache/"
    cp "$work/results.tsv" "$cache/" 2>/dev/null
  fi
  case "$what" in
    summary) summary "$number" ;;
    report) trim 2 <"$work/run.log" ;;
    report-short) trim 1 <"$work/run.log" ;;
    failure) failures 1 ;;
    symptom)
      # The first failed assertion, then the sanitizer's report, if any.
      failures 1
      trim 1 <"$work/run.log" ;;
    *)
      echo "doc_excerpts: unknown excerpt '$1' (expected kataNN-summary|report|report-short|failure|symptom)" >&2
      return 1 ;;
  esac
}

# --- the documents ---------------------------------------------------------

# block NAME FILE: the current contents of the ```text block after NAME's marker.
block() {
  awk -v name="$1" '
    state == 0 && $0 == "<!-- excerpt: " name " -->" { state = 1; next }
    state == 1 && /^```text$/ { state = 2; next }
    state == 1 { exit 1 }
    state == 2 && /^```$/ { exit 0 }
    state == 2 { print }
    END { if (state != 2) exit 1 }
  ' "$2"
}

# replace NAME EXCERPT FILE: FILE with that block's contents replaced.
replace() {
  awk -v name="$1" -v excerpt="$2" '
    state == 0 && $0 == "<!-- excerpt: " name " -->" { state = 1; print; next }
    state == 1 && /^```text$/ {
      print
      while ((getline line < excerpt) > 0) print line
      state = 2; next
    }
    state == 2 && /^```$/ { state = 3 }
    state == 2 { next }
    { print }
  ' "$3"
}

if [ -n "$print" ]; then
  recipe "$print"
  exit
fi

status=0
docs=${DOCS_DIR:-$root/docs}
# The kata READMEs' symptoms too, unless a test points DOCS_DIR elsewhere.
readmes=
[ -n "${DOCS_DIR:-}" ] || readmes=$(ls "$root"/katas/*/README.md 2>/dev/null)
for doc in "$docs"/*.md $readmes; do
  [ -f "$doc" ] || continue
  names=$(sed -n 's/^<!-- excerpt: \([a-z0-9-]*\) -->$/\1/p' "$doc")
  [ -n "$names" ] || continue
  rel=${doc#"$root"/}  # repo-relative when it is in the repository
  : >"$work/shown"
  for name in $names; do
    if ! block "$name" "$doc" >"$work/old"; then
      echo "doc_excerpts: $rel: the marker of $name is not followed by a \`\`\`text block" >&2
      status=1
      continue
    fi
    if ! recipe "$name" >"$work/new" || [ ! -s "$work/new" ]; then
      echo "doc_excerpts: $rel: could not make excerpt $name" >&2
      status=1
      continue
    fi
    cat "$work/new" >>"$work/shown"
    cmp -s "$work/old" "$work/new" && continue
    # Not drift, so neither reported nor rewritten: the same race seen with
    # its two accesses the other way round (settled() makes that rare, not
    # impossible), or a stack that overflowed one frame deeper inside the
    # allocator.
    comparable <"$work/old" >"$work/old.comparable"
    comparable <"$work/new" >"$work/new.comparable"
    cmp -s "$work/old.comparable" "$work/new.comparable" && continue
    if [ -n "$check" ]; then
      echo "doc_excerpts: $rel: excerpt $name has drifted from what the kata prints:"
      diff -u "$work/old" "$work/new" | sed -n '3,$p'
      status=1
    else
      replace "$name" "$work/new" "$doc" >"$work/doc" && cp "$work/doc" "$doc"
      echo "doc_excerpts: $rel: updated excerpt $name"
    fi
  done
  # The prose around the excerpts cites lines (render.h:15); each must still
  # be one the excerpts show, or the text has drifted from the report.
  refs=$(awk '/^<!-- excerpt: / { skip = 1; next } skip && /^```$/ && fenced { skip = 0; fenced = 0; next }
              skip && /^```text$/ { fenced = 1; next } !skip { print }' "$doc" |
    grep -oE '[A-Za-z0-9_]+\.(h|cpp):[0-9]+' | sort -u)
  for ref in $refs; do
    grep -qE "[/ ]$ref(\$|[^0-9])" "$work/shown" && continue
    echo "doc_excerpts: $rel: the text cites $ref, which none of its excerpts shows"
    status=1
  done
done
[ -n "$check" ] && [ "$status" -eq 0 ] && echo "doc_excerpts: every excerpt matches what the katas print"
exit "$status"
