#!/bin/sh
# lint.sh BUILD_DIR [SOURCE_DIR] — the suite's facts agree with each other
# (rustlings' `dev check`, Exercism's configlet).
#
# Reads katas.tsv from BUILD_DIR (CMake writes it from katas/manifest.txt) and
# checks, for every kata:
#   * manifest <-> folders <-> solutions: each declared kata has its folder
#     in katas/ and solutions/, and no folder is undeclared;
#   * the files: one *_test.cpp, a README.md, the same program headers in the
#     kata and in its solution;
#   * the READMEs: the title is the manifest's, the sections are there, a
#     season-two kata (21 and up) opens with the report it comes from, no
#     "last test" (name the test), no hint text (hints are in
#     harness/hints/NN_slug.md, 1..n, 2-4 of them), the task says
#     "Run `make kata N=NN` after each change.";
#   * nothing quoted by hand has drifted from the code. In the kata README
#     and the hints, every name in backquotes (`name()`, `name`, a test's
#     name) is one the kata or harness/include/ has. In those, the solution
#     README and the hand-written pages (README.md, docs/*.md not generated),
#     a line of code is quoted as `FILE:N` (`TEXT`), and TEXT is on line N
#     of FILE; "line 19" in words, or FILE:N outside backquotes, is refused
#     (see quoted.awk below);
#   * the diff in each solution README is the real kata -> solution diff
#     (harness/tools/solution_diffs.sh writes it);
#   * docs/katas.md is what harness/tools/katas_md.sh makes of the manifest;
#   * the README's timing figures are those docs/speed.md and
#     docs/facilitator.md record from their runs.
# Prints one line per problem, naming the file and what to do; exits 1 if
# there is any. A handout (no solutions/) skips the solution checks.
set -u
LC_ALL=C
export LC_ALL
build=${1:?usage: lint.sh BUILD_DIR [SOURCE_DIR]}
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
tools=$(cd "$(dirname "$0")" && pwd)
. "$tools/season.sh"
. "$tools/formats.sh"
table=$(kata_table "$build")
problems=0
problem() { printf 'lint: %s\n' "$*"; problems=$((problems + 1)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- quoted by hand --------------------------------------------------------------
# awk -f quoted.awk role=code CODE... role=doc names=0|1 dirs="DIR..." unique=0|1 DOC...
# prints one problem per name or line of code a DOC quotes that the code
# does not have. Only the prose counts: ``` blocks are excerpts, which
# doc_excerpts.sh keeps in step, and a paragraph is read as one line.
#  * names=1: a name in backquotes is a word of the CODE files: `name()` one
#    they call or declare, `name`, `~Name` or `ns::name` any word; std::
#    names, the std_members below and test names (checked apart) aside.
#  * a line of code is quoted as `FILE:N` (`TEXT`): TEXT is on line N of
#    FILE, spaces aside, "..." standing for anything in between; a later
#    `FILE:N` in the same document may leave the text out. "line 19" in
#    words, or FILE:N outside backquotes, cannot be checked and is refused.
#    FILE is a path from the root, or a file name looked up in the DIRs
#    (from the root): the first that has it or, with unique=1, the only one.
cat >"$work/quoted.awk" <<'AWK'
BEGIN { split(std, m, " "); for (i in m) known[m[i]] = 1 }
# A new file: the last one's last paragraph is read with its own settings.
FNR == 1 {
  flush(); fence = 0; split("", quoted); split("", named)
  doc = FILENAME; if (index(doc, root "/") == 1) doc = substr(doc, length(root) + 2)
  check_names = names; only_one = unique; ndirs = split(dirs, dir, " ")
}
role == "code" {
  s = $0
  while (match(s, /[A-Za-z0-9_]+/)) {
    w = substr(s, RSTART, RLENGTH); s = substr(s, RSTART + RLENGTH)
    if (w ~ /^[0-9]/) continue
    word[w] = 1
    if (substr(s, 1, 1) == "(") call[w] = 1
  }
  next
}
/^```/ { flush(); fence = !fence; next }
fence { next }
/^[ \t]*$/ { flush(); next }
{ para = para == "" ? $0 : para " " $0 }
END { flush() }
function say(what) { print doc ": " what }
function squeeze(s) { gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); return s }
function exists(path,   l, r) { r = (getline l < path) >= 0; close(path); return r }
function load(path,   l, k) {
  if (path in lines) return
  k = 0
  while ((getline l < path) > 0) src[path, ++k] = l
  close(path)
  lines[path] = k
}
# has(LINE, TEXT): TEXT's pieces between "..." are on LINE, in that order.
function has(line, text,   piece, n, i, at) {
  line = squeeze(line); n = split(squeeze(text), piece, /\.\.\./)
  for (i = 1; i <= n; i++) {
    piece[i] = squeeze(piece[i])
    if (piece[i] == "") continue
    at = index(line, piece[i]); if (!at) return 0
    line = substr(line, at + length(piece[i]))
  }
  return 1
}
function name(span,   bare, function_) {
  if (span in named || span ~ /^std::/ || span ~ /^[A-Z][a-z0-9]+[A-Z][a-z0-9]*[A-Z][a-z0-9]*[A-Z][a-z0-9]*([A-Z][a-z0-9]*)*$/) return
  named[span] = 1
  bare = span; function_ = sub(/\(\)$/, "", bare); sub(/.*::/, "", bare)
  if (bare in known) return
  if (function_ && bare !~ /^~/) { if (!(bare in call)) print doc " names " bare "(), which neither " kata " nor harness/include/ has"; return }
  sub(/^~/, "", bare)
  if (!(bare in word)) print doc " names " span ", which neither " kata " nor harness/include/ has"
}
function line(ref, text,   file, n, path, found, i, where, shown) {
  file = ref; sub(/:[0-9]+$/, "", file); n = substr(ref, length(file) + 2) + 0
  found = 0
  if (file ~ /\//) { if (exists(root "/" file)) { path = file; found = 1 } }
  else for (i = 1; i <= ndirs; i++)
    if (exists(root "/" dir[i] "/" file)) {
      if (!found) path = dir[i] "/" file
      found++
      if (!only_one) break
    }
  if (!found) {
    where = "the tree"
    if (file !~ /\//) { where = dir[1] "/"; if (ndirs > 2) where = where ", ..."; if (ndirs > 1) where = where " or " dir[ndirs] "/" }
    say("quotes `" ref "`, but " file " is not in " where ": name a file that is there"); return
  }
  if (found > 1) { say("quotes `" ref "`, but " file " is in several folders: write its path, e.g. `" path ":" n "`"); return }
  if (text == "") {
    if (!(ref in quoted)) say("quotes `" ref "` without its text: write `" ref "` (`the code on that line`) so that the lint can check it")
    return
  }
  quoted[ref] = 1
  load(root "/" path)
  if (n < 1 || n > lines[root "/" path]) { say("quotes `" ref "`, but " path " has " lines[root "/" path] " lines: find the line again and fix the number"); return }
  if (has(src[root "/" path, n], text)) return
  shown = squeeze(src[root "/" path, n]); if (length(shown) > 60) shown = substr(shown, 1, 57) "..."
  say("quotes `" ref "` as `" text "`, but line " n " of " path " is `" shown "`: the code moved; find the line again and fix the number")
}
function flush(   s, prose, i, j, span, t, k, text, low) {
  if (para == "") return
  s = para; para = ""; prose = ""
  while ((i = index(s, "`")) > 0) {
    prose = prose substr(s, 1, i - 1) " "
    s = substr(s, i + 1)
    if (!(j = index(s, "`"))) break
    span = substr(s, 1, j - 1); s = substr(s, j + 1)
    if (check_names && span ~ /^~?[A-Za-z_][A-Za-z0-9_]*(::~?[A-Za-z_][A-Za-z0-9_]*)*(\(\))?$/) name(span)
    if (span !~ /^[A-Za-z0-9_.\/-]+\.[A-Za-z]+:[0-9]+$/) continue
    t = s; sub(/^[ \t]*/, "", t); text = ""
    if (substr(t, 1, 2) == "(`") { t = substr(t, 3); if ((k = index(t, "`")) > 0) text = substr(t, 1, k - 1) }
    line(span, text)
  }
  prose = prose s
  low = tolower(prose)
  if (match(low, /(^|[^a-z])lines? [0-9]+/)) {
    t = substr(prose, RSTART, RLENGTH); sub(/^[^A-Za-z]/, "", t)
    say("quotes \"" t "\" in words: quote the line as `FILE:N` (`the code on that line`) so that the lint can check it")
  }
  if (match(prose, /[A-Za-z0-9_]+\.(h|hpp|cpp|cc|c):[0-9]+/))
    say("quotes " substr(prose, RSTART, RLENGTH) " outside backquotes: write `" substr(prose, RSTART, RLENGTH) "` (`the code on that line`) so that the lint can check it")
}
AWK
# quoted KATA_FOLDER [awk operands...]: runs quoted.awk, one problem a line.
quoted() {
  folder=$1
  shift
  awk -v root="$root" -v std="$std_members" -v kata="$folder" -f "$work/quoted.awk" "$@" >"$work/quoted" 2>&1
  while read -r line; do problem "$line"; done <"$work/quoted"
}
# Standard-library members a README or hint may name without the kata using them.
std_members="clear shrink_to_fit reserve resize swap size capacity data assign append erase push_back emplace_back"

[ -f "$table" ] || { echo "lint: $table is missing: configure the tree first (cmake --preset gcc)"; exit 2; }
kata_table_rows "$table" number slug title >"$work/katas"
has_solutions=
[ -d "$root/solutions" ] && has_solutions=yes

# --- manifest <-> folders <-> solutions ----------------------------------------
declared=$(manifest_katas "$(manifest "$root")" | wc -l | tr -d ' ')
present=$(wc -l <"$work/katas" | tr -d ' ')
if [ "$declared" != "$present" ]; then
  manifest_katas "$(manifest "$root")" | tr ' ' _ |
    while read -r name; do
      [ -d "$root/katas/$name" ] || echo "katas/manifest.txt declares kata $name, but katas/$name/ does not exist: add the folder or drop the line"
    done >"$work/missing"
  if [ -s "$work/missing" ]; then
    while read -r line; do problem "$line"; done <"$work/missing"
  else
    problem "katas.tsv has $present katas, the manifest declares $declared: reconfigure the tree"
  fi
fi
# The declared katas' folder names, NN_slug, one a word.
declared_names=$(kata_table_rows "$table" number slug | tr '\t\n' '_ ')
for dir in "$root"/katas/*/ ${has_solutions:+"$root"/solutions/*/}; do
  [ -d "$dir" ] || continue
  dir=${dir%/}
  name=${dir##*/}
  parent=${dir%/*}
  parent=${parent##*/}
  case " $declared_names " in
    *" $name "*) ;;
    *) problem "$parent/$name/ is not declared in katas/manifest.txt: add its line, or remove the folder" ;;
  esac
done

# --- each kata ---------------------------------------------------------------
while IFS='	' read -r number slug title; do
  name=${number}_$slug
  kata="$root/katas/$name"
  solution="$root/solutions/$name"
  tests=$(ls "$kata"/*_test.cpp 2>/dev/null | wc -l | tr -d ' ')
  [ "$tests" = 1 ] || problem "katas/$name/ has $tests *_test.cpp files: a kata has exactly one test source"
  [ -f "$kata/README.md" ] || { problem "katas/$name/README.md is missing"; continue; }
  programs=$(cd "$kata" && ls *.h 2>/dev/null | sort | tr '\n' ' ')
  [ -n "$programs" ] || problem "katas/$name/ has no program header (*.h)"

  readme="$kata/README.md"
  [ "$(head -n 1 "$readme")" = "# $number · $title" ] ||
    problem "katas/$name/README.md: the first line must be '# $number · $title' (the manifest's title)"
  for section in Symptom "Your task" Hints; do
    grep -q "^## $section\$" "$readme" || problem "katas/$name/README.md: no '## $section' section"
  done
  # Season two (katas 21 and up) cites its source first: the project and the
  # number of its issue or pull request.
  if [ "$(season_of "$number")" = 2 ]; then
    sed -n 3p "$readme" | grep -qE '^\*\*Where it happened:\*\* [A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+, (issue|pull request) #[0-9]+' ||
      problem "katas/$name/README.md: a season-two kata opens with '**Where it happened:** owner/project, issue #N' (or pull request #N) under its title"
  fi
  # The participant's loop, said where the task is.
  sed -n '/^## Your task$/,/^## /p' "$readme" | grep -qF "Run \`make kata N=$number\` after each change." ||
    problem "katas/$name/README.md: its '## Your task' section does not say 'Run \`make kata N=$number\` after each change.'"
  # Hints: out of the README, in harness/hints/NN_slug.md, numbered 1..n.
  grep -qiE '<details>|^#+ *Hint [0-9]' "$readme" &&
    problem "katas/$name/README.md shows hint text: hints belong in harness/hints/$name.md (make hint shows them one at a time)"
  hints="$root/harness/hints/$name.md"
  # What the README and the hints quote: names of the kata's code or the
  # harness's, and lines of them (quoted.awk above).
  set -- "$readme"
  [ -f "$hints" ] && set -- "$readme" "$hints"
  quoted "katas/$name/" role=code "$kata"/*.h "$kata"/*_test.cpp "$root"/harness/include/harness/*.h \
    role=doc names=1 unique=0 dirs="katas/$name harness/include/harness" "$@"
  if [ ! -f "$hints" ]; then
    problem "harness/hints/$name.md is missing: every kata has two or three hints"
  else
    numbers=$(sed -n 's/^## Hint \([0-9]*\)$/\1/p' "$hints" | tr '\n' ' ')
    case "$numbers" in
      "1 2 " | "1 2 3 " | "1 2 3 4 ") ;;
      *) problem "harness/hints/$name.md: its sections must be '## Hint 1', '## Hint 2'... in order, two to four of them (found: ${numbers:-none})" ;;
    esac
  fi
  for doc in "$readme" "$hints" ${has_solutions:+"$solution/README.md"}; do
    [ -f "$doc" ] || continue
    rel=${doc#"$root"/}
    tr '\n' ' ' <"$doc" | tr -s ' ' | grep -qi 'last test' && problem "$rel: says 'the last test': name the test instead (tests run in any order)"
    # A test named in backquotes: four or more capitalised words (test names
    # are sentences). Each must be a TEST(...) of the kata's test source.
    for test in $(grep -oE '`[A-Z][a-z0-9]+([A-Z][a-z0-9]*){3,}`' "$doc" | tr -d '`' | sort -u); do
      grep -qE "^TEST(_F)?\([A-Za-z0-9_]+, *$test\)" "$kata"/*_test.cpp ||
        problem "$rel names the test $test, which katas/$name/ does not have"
    done
  done

  [ -n "$has_solutions" ] || continue
  [ -d "$solution" ] || { problem "solutions/$name/ is missing"; continue; }
  [ "$(cd "$solution" && ls *.h 2>/dev/null | sort | tr '\n' ' ')" = "$programs" ] ||
    problem "solutions/$name/ must have the same program headers as the kata ($programs)"
  doc="$solution/README.md"
  [ -f "$doc" ] || { problem "solutions/$name/README.md is missing"; continue; }
  quoted "solutions/$name/" role=doc names=0 unique=0 dirs="solutions/$name katas/$name harness/include/harness" "$doc"
  [ "$(head -n 1 "$doc")" = "# $number · $title — solution" ] ||
    problem "solutions/$name/README.md: the first line must be '# $number · $title — solution'"
  for section in "What went wrong" "The fix" "The rule"; do
    grep -q "^## $section\$" "$doc" || problem "solutions/$name/README.md: no '## $section' section"
  done
done <"$work/katas"

# --- the hand-written pages ------------------------------------------------------
# Their quoted lines, in any kata or the harness; a page that says it is
# generated is checked by its generator instead.
set --
for doc in "$root/README.md" "$root"/docs/*.md; do
  [ -f "$doc" ] || continue
  head -n 5 "$doc" | grep -qi '^<!-- generated' || set -- "$@" "$doc"
done
# shellcheck disable=SC2086 # one kata folder a word
[ $# -eq 0 ] || quoted docs/ role=doc names=0 unique=1 dirs="$(printf 'katas/%s ' $declared_names)harness/include/harness" "$@"

# --- figures quoted from a recorded run ------------------------------------------
# The README's save-to-verdict figures are those of the make bench-loop run
# that docs/speed.md records (fastest, slowest and median of its "total"
# column), and its first-make figure lies in the range docs/facilitator.md
# measured. Either page changed alone is a drift.
if [ -f "$root/docs/speed.md" ] && [ -f "$root/docs/facilitator.md" ]; then
  recorded=$(awk '/^save to verdict: median/ { median = $5; found = 1 }
                  /^[0-9][0-9] +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$/ {
                    if (n == 0 || $5 < low) low = $5
                    if (n == 0 || $5 > high) high = $5
                    n++ }
                  END { if (found && n) print low " to " high " s, " median " s for the middle kata" }' "$root/docs/speed.md")
  quoted=$(tr '\n' ' ' <"$root/README.md" | tr -s ' ')
  case "$quoted" in
    *"$recorded"*) ;;
    *) problem "README.md: its save-to-verdict figures are not docs/speed.md's recorded run ('${recorded:-no table found}')" ;;
  esac
  first_make=$(printf '%s' "$quoted" | sed -n 's/.*the first `make` takes about \([0-9]*\) s\..*/\1/p')
  range=$(tr '\n' ' ' <"$root/docs/facilitator.md" | tr -s ' ' | sed -n 's/.*(\([0-9]*\) to \([0-9]*\) s in [a-z]* runs).*/\1 \2/p')
  # shellcheck disable=SC2086 # two numbers
  if [ -z "$first_make" ] || [ -z "$range" ] || ! printf '%s %s\n' "$first_make" "$range" | awk '{ exit !($1 >= $2 && $1 <= $3) }'; then
    problem "README.md: its first-make figure (${first_make:-none found}) is not within docs/facilitator.md's measured range (${range:-none found})"
  fi
fi

# --- one reader per format --------------------------------------------------------
# The manifest, the kata table, the results file and a sanitizer report are
# read by formats.sh in shell (with summarize.awk) and formats.py in Python,
# and once each in CMake; any other tool that reads one itself is refused. A
# tool reads one when a line of its code (comments aside) builds the file's
# path (the manifest's, the kata table's), matches the results file's events
# ($1 == "failed", fields[0] == "started"), runs summarize.awk, or matches a
# report's SUMMARY line. Tests are left out: they write these files; so is
# this file, which names what the check looks for.
readers=" harness/tools/formats.sh harness/tools/formats.py harness/tools/summarize.awk \
 harness/cmake/Katas.cmake harness/cmake/kata_table.cmake harness/cmake/results_file.cmake harness/tools/lint.sh "
for file in $(cd "$root" && find harness/tools harness/bench harness/room harness/cmake -type f \
                \( -name '*.sh' -o -name '*.py' -o -name '*.awk' -o -name '*.cmake' -o -name kata \) \
                ! -name 'test_*' ! -name room_testlib.py | sort) CMakeLists.txt harness/CMakeLists.txt Makefile; do
  case "$readers" in *" $file "*) continue ;; esac
  [ -f "$root/$file" ] || continue
  awk -v file="$file" '
    /^[ \t]*#/ { next }
    /\$[{(]?[A-Za-z_]+[})]?\/katas\/manifest\.txt|"manifest\.txt"|\$[{(]?[A-Za-z_]+[})]?\/katas\.tsv|"katas\.tsv"/ {
      print file ":" FNR ": builds the path of the manifest or the kata table: read it through formats.sh (manifest, kata_table) or formats.py"; next }
    /(\$1|fields\[0\]|event) *== *"(started|failed|passed|unfinished|done|run)"|\^\(?(started|failed|unfinished)[\\|)]/ {
      print file ":" FNR ": matches the results file'"'"'s events itself: use formats.sh'"'"'s results_* or formats.py'"'"'s Results"; next }
    /summarize\.awk|\^SUMMARY:/ {
      print file ":" FNR ": reads a sanitizer report itself: use formats.sh'"'"'s sanitizer_summary or formats.py"; next }
  ' "$root/$file"
done >"$work/readers"
while read -r line; do problem "$line"; done <"$work/readers"

# --- generated pages -----------------------------------------------------------
out=$(sh "$root/harness/tools/katas_md.sh" --check "$table" "$root") || problem "$(printf '%s\n' "$out" | head -n 1)"
if [ -n "$has_solutions" ]; then
  sh "$root/harness/tools/solution_diffs.sh" --check "$root" >"$work/diffs" ||
    while read -r line; do problem "$line"; done <"$work/diffs"
fi

if [ "$problems" -gt 0 ]; then
  echo "lint: $problems problem(s)"
  exit 1
fi
echo "lint: $present katas, manifest, folders, READMEs, hints, quoted names and lines, one reader per format, solution diffs and docs/katas.md agree"
