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
# The name after "excerpt:" picks a recipe below: which kata to run (and which
# of its tests), and which lines of its output to keep. Everything that
# changes from run to run is normalised: addresses become <addr>, process ids
# <pid>, absolute paths repo-relative, test timings (<n> ms); frames outside
# katas/ (the pool, libstdc++, the sanitizer runtime, GoogleTest) are folded
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

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- running a kata --------------------------------------------------------

# run NN: the kata's whole output, normalised, on stdout.
run() {
  binary="$build/bin/kata$1"
  if [ ! -x "$binary" ]; then
    echo "doc_excerpts: $binary is missing: build the suite first" >&2
    return 1
  fi
  if command -v timeout >/dev/null 2>&1; then
    timeout 60 "$binary" >"$work/raw.log" 2>&1
  else
    "$binary" >"$work/raw.log" 2>&1
  fi
  sed -E \
    -e "s|$root/||g" \
    -e 's/==[0-9]+==/==<pid>==/g' \
    -e 's/\(pid=[0-9]+\)/(pid=<pid>)/g' \
    -e 's/^( +#[0-9]+) 0x[0-9a-f]+ in /\1 /' \
    -e 's/ \([^ ()]+\+0x[0-9a-f]+\)$//' \
    -e 's/0x[0-9a-f]{4,}/<addr>/g' \
    -e 's/\([0-9]+ ms\)/(<n> ms)/g' \
    -e 's/std::char_traits<char> ?>/.../g' \
    -e 's/std::basic_string_view<char, \.\.\./std::basic_string_view<char, ...>/g' \
    "$work/raw.log"
}

# trim [MAX]: keeps the lines a reader needs from a kata's output on stdin:
#  * the "[ RUN ]" line of each test that fails, and its GoogleTest failures;
#  * of a sanitizer report: its first line, the heading of each stack, the
#    first MAX frames (2 unless told) of each stack that lie in katas/, one
#    frame of an allocation stack, and the SUMMARY up to the error kind.
# Skipped frames become one "    ..." line per run. A stack is cut at its
# first frame in harness/: the pool's frames and the numbering of the frames
# after them change whenever the pool does.
trim() {
  awk -v max="${1:-2}" '
    function heading() { if (run != "") { print run; run = "" } }
    function stack(limit) { kept = 0; cut = 0; dots = 0; room = limit }
    /^\[ RUN/ { run = $0; next }
    /^ +#[0-9]+ / {
      if (!in_report || cut) next
      if ($0 ~ / harness\//) { cut = 1; next }
      if ($0 ~ / katas\// && kept < room) {
        if (dots) print "    ..."
        print; kept++; dots = 0
      } else if (kept < room) dots = 1
      next
    }
    /WARNING: ThreadSanitizer:|ERROR: AddressSanitizer:|runtime error:/ {
      heading(); in_report = 1; stack(max); print; next
    }
    in_report && /^  (Previous )?(atomic )?([Rr]ead|[Ww]rite) of size|^(READ|WRITE) of size|^freed by thread/ {
      stack(max); print; next
    }
    in_report && /^previously allocated by thread|^  Location is heap block/ { stack(1); print; next }
    in_report && /^SUMMARY:/ {
      sub(/^SUMMARY: [A-Za-z]+: [a-z-]+( [a-z-]+)*/, "&@@"); sub(/@@.*$/, ""); print
      in_report = 0; next
    }
    in_report && /: note: / { print; next }
    in_report && /^$/ { stack(0); next }
    in_report { next }
    /: Failure$/ { heading(); in_failure = 1; print; next }
    in_failure && /^\[/ { in_failure = 0 }
    in_failure { print }
  '
}

# --- recipes: one per excerpt name -------------------------------------------

# prefer NN REGEX: runs kata NN until its output matches REGEX (up to 10
# times) and prints that output. For race reports, whose two accesses may
# be printed in either order depending on which thread got there first.
prefer() {
  tries=0
  while [ "$tries" -lt 10 ]; do
    tries=$((tries + 1))
    run "$1" >"$work/run.log" || return 1
    if grep -Eq "$2" "$work/run.log"; then
      cat "$work/run.log"
      return 0
    fi
  done
  echo "doc_excerpts: kata$1 never printed /$2/ in 10 runs" >&2
  cat "$work/run.log"
}

recipe() {
  case "$1" in
    kata02-summary)  # what `kata run 02` prints first, from the same run's raw output
      prefer 02 '^  Write of size' >/dev/null &&
        sed "s|$root/||g" "$work/raw.log" | awk -v dir=katas/02_use_after_put/ -f "$root/harness/tools/summarize.awk" ;;
    kata02-tsan)
      prefer 02 '^  Write of size' | trim 2 ;;
    kata08-asan)
      run 08 | trim 1 | sed -n '/ERROR: AddressSanitizer/,$p' ;;
    kata03-ubsan)
      run 03 | trim 2 ;;
    kata05-probe)
      run 05 | trim | sed -E 's/actual: [0-9]+ vs [0-9]+/actual: <bytes> vs <bytes>/' ;;
    *)
      echo "doc_excerpts: unknown excerpt '$1'" >&2
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
for doc in "$docs"/*.md; do
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
