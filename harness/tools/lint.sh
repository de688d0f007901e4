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
#   * the READMEs: the title is the manifest's, the sections are there, no
#     "last test" (name the test), every test named in backquotes exists,
#     no hint text (hints are in harness/hints/NN_slug.md, 1..n, 2-4 of them),
#     the task says "Run `make kata N=NN` after each change.";
#   * the diff in each solution README is the real kata -> solution diff
#     (harness/tools/solution_diffs.sh writes it);
#   * docs/katas.md is what harness/tools/katas_md.sh makes of the manifest.
# Prints one line per problem, naming the file and what to do; exits 1 if
# there is any. A handout (no solutions/) skips the solution checks.
set -u
LC_ALL=C
export LC_ALL
build=${1:?usage: lint.sh BUILD_DIR [SOURCE_DIR]}
root=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
table="$build/katas.tsv"
problems=0
problem() { printf 'lint: %s\n' "$*"; problems=$((problems + 1)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -f "$table" ] || { echo "lint: $table is missing: configure the tree first (cmake --preset gcc)"; exit 2; }
grep -v '^#' "$table" >"$work/katas"
has_solutions=
[ -d "$root/solutions" ] && has_solutions=yes

# --- manifest <-> folders <-> solutions ----------------------------------------
declared=$(grep -cE '^[0-9][0-9] *\|' "$root/katas/manifest.txt")
present=$(wc -l <"$work/katas" | tr -d ' ')
if [ "$declared" != "$present" ]; then
  grep -E '^[0-9][0-9] *\|' "$root/katas/manifest.txt" | sed -E 's/^([0-9]+) *\| *([a-z0-9_]+).*/\1_\2/' |
    while read -r name; do
      [ -d "$root/katas/$name" ] || echo "katas/manifest.txt declares kata $name, but katas/$name/ does not exist: add the folder or drop the line"
    done >"$work/missing"
  if [ -s "$work/missing" ]; then
    while read -r line; do problem "$line"; done <"$work/missing"
  else
    problem "katas.tsv has $present katas, the manifest declares $declared: reconfigure the tree"
  fi
fi
for dir in "$root"/katas/*/ ${has_solutions:+"$root"/solutions/*/}; do
  [ -d "$dir" ] || continue
  name=$(basename "$dir")
  parent=$(basename "$(dirname "$dir")")
  number=${name%%_*}
  slug=${name#*_}
  awk -F '\t' -v n="$number" -v s="$slug" '$1 == n && $2 == s { found = 1 } END { exit !found }' "$work/katas" ||
    problem "$parent/$name/ is not declared in katas/manifest.txt: add its line, or remove the folder"
done

# --- each kata ---------------------------------------------------------------
# Standard-library members a README or hint may name without the kata using them.
std_members="clear shrink_to_fit reserve resize swap size capacity data assign append erase push_back emplace_back"
while IFS='	' read -r number slug _flavour _difficulty title _rest; do
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
  # The participant's loop, said where the task is.
  sed -n '/^## Your task$/,/^## /p' "$readme" | grep -qF "Run \`make kata N=$number\` after each change." ||
    problem "katas/$name/README.md: its '## Your task' section does not say 'Run \`make kata N=$number\` after each change.'"
  # Hints: out of the README, in harness/hints/NN_slug.md, numbered 1..n.
  grep -qiE '<details>|^#+ *Hint [0-9]' "$readme" &&
    problem "katas/$name/README.md shows hint text: hints belong in harness/hints/$name.md (make hint shows them one at a time)"
  hints="$root/harness/hints/$name.md"
  # A function the README or a hint names in backquotes, as `name()`, is one
  # the kata's program, its test or the harness declares, or a member of the
  # standard containers they use: names drift when the code is renamed.
  for doc in "$readme" "$hints"; do
    [ -f "$doc" ] || continue
    for function in $(grep -oE '`[A-Za-z_][A-Za-z0-9_:~]*\(\)`' "$doc" | tr -d '`' | sed 's/()$//; s/.*:://' | sort -u); do
      case " $std_members " in *" $function "*) continue ;; esac
      grep -qE "(^|[^A-Za-z0-9_])$function\(" "$kata"/*.h "$kata"/*_test.cpp "$root"/harness/include/harness/*.h ||
        problem "${doc#"$root"/} names $function(), which neither katas/$name/ nor harness/include/ has"
    done
  done
  if [ ! -f "$hints" ]; then
    problem "harness/hints/$name.md is missing: every kata has two or three hints"
  else
    numbers=$(sed -n 's/^## Hint \([0-9]*\)$/\1/p' "$hints" | tr '\n' ' ')
    case "$numbers" in
      "1 2 " | "1 2 3 " | "1 2 3 4 ") ;;
      *) problem "harness/hints/$name.md: its sections must be '## Hint 1', '## Hint 2'... in order, two to four of them (found: ${numbers:-none})" ;;
    esac
  fi
  for doc in "$readme" ${has_solutions:+"$solution/README.md"}; do
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
  [ "$(head -n 1 "$doc")" = "# $number · $title — solution" ] ||
    problem "solutions/$name/README.md: the first line must be '# $number · $title — solution'"
  for section in "What went wrong" "The fix" "The rule"; do
    grep -q "^## $section\$" "$doc" || problem "solutions/$name/README.md: no '## $section' section"
  done
done <"$work/katas"

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
echo "lint: $present katas, manifest, folders, READMEs, solution diffs and docs/katas.md agree"
