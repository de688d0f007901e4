#!/bin/sh
# lint_test.sh BUILD_DIR SOURCE_DIR — the lint passes on the suite, and on a
# copy broken in many ways it fails with one line for each, naming the file.
set -u
build=${1:?usage: lint_test.sh BUILD_DIR SOURCE_DIR}
root=${2:?usage: lint_test.sh BUILD_DIR SOURCE_DIR}
failures=0
fail() { printf 'FAILED: %s\n%s\n' "$1" "${2:-}"; failures=$((failures + 1)); }

out=$(sh "$root/harness/tools/lint.sh" "$build" "$root" 2>&1) || fail "the lint finds problems in the suite" "$out"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# broken WHAT EXPECTED-REGEX: lets the caller's `break_it` damage a copy of
# the suite, and expects the lint to fail with a line matching the regex.
# The breakages land in one copy, which the lint then reads once: it reports
# every problem it finds, one line each, so each case's line must be there
# (a lint run is hundreds of processes; one run per case made this test the
# gate's slowest). The cases touch different files, or different lines.
cases=0
expected="$work/expected"
: >"$expected"
rm -rf "$work/suite" && mkdir -p "$work/suite/harness" "$work/build"
cp -R "$root/katas" "$root/solutions" "$root/docs" "$work/suite/"
cp -R "$root/harness/tools" "$root/harness/hints" "$root/harness/include" "$work/suite/harness/"
cp "$root/README.md" "$work/suite/"
cp "$build/katas.tsv" "$work/build/"
broken() {
  cases=$((cases + 1))
  (cd "$work/suite" && break_it) || fail "lint: could not break the copy for: $1"
  printf '%s\t%s\n' "$1" "$2" >>"$expected"
}
# Runs the lint on the broken copy: it must fail, with every expected line.
lint_the_broken_copy() {
  out=$(sh "$work/suite/harness/tools/lint.sh" "$work/build" "$work/suite" 2>&1)
  status=$?
  [ $status -eq 1 ] || fail "lint: exit $status on the broken copy, not 1" "$out"
  while IFS="$(printf '\t')" read -r what regex; do
    printf '%s\n' "$out" | grep -qE "$regex" || fail "lint: $what" "$out"
  done <"$expected"
}

break_it() { sed -i '/^## Symptom$/d' katas/01_*/README.md; }
broken "a kata README without its Symptom section" "^lint: katas/01_forgotten_reset/README.md: no '## Symptom' section$"

break_it() { sed -i 's/`crc32()` computes/`checksum()` computes/' katas/18_*/README.md; }
broken "a README naming a function the kata does not have" "^lint: katas/18_expensive_factory/README.md names checksum\\(\\), which neither katas/18_expensive_factory/ nor harness/include/ has$"

break_it() { sed -i '1s/.*/# 01 · Forgot to reset/' katas/01_*/README.md; }
broken "a README title that is not the manifest's" "^lint: katas/01_forgotten_reset/README.md: the first line must be '# 01 · Forgotten reset'"

break_it() { sed -i '3s/^\*\*Where it happened:\*\* /Seen in /' katas/22_*/README.md; }
broken "a season-two kata that does not cite its report" 'katas/22_recycled_without_its_deleter/README.md: a season-two kata opens with'

break_it() { printf '\n// a change nobody quoted\n' >>solutions/01_forgotten_reset/greeting.h; }
broken "a solution whose README diff is out of step" "^lint: solutions/01_forgotten_reset/README.md: its diff is not the real kata -> solution diff"

break_it() { mkdir katas/99_stray && cp katas/01_*/* katas/99_stray/; }
broken "a kata folder the manifest does not declare" "^lint: katas/99_stray/ is not declared in katas/manifest.txt"

break_it() { printf 'See `TheGreetingIsNeverLost` for why.\n' >>katas/01_forgotten_reset/README.md; }
broken "a README naming a test that does not exist" "^lint: katas/01_forgotten_reset/README.md names the test TheGreetingIsNeverLost"

break_it() { sed -i 's/objects come back dirty/objects come back clean/' docs/katas.md; }
broken "docs/katas.md edited by hand" "^lint: docs/katas.md is out of step with katas/manifest.txt"

break_it() { rm -r solutions/02_*; }
broken "a kata without its solution" "^lint: solutions/02_use_after_put/ is missing$"

break_it() { printf '\n<details><summary>Hint 3</summary>\nThe answer.\n</details>\n' >>katas/01_forgotten_reset/README.md; }
broken "hint text in a kata README" "^lint: katas/01_forgotten_reset/README.md shows hint text"

break_it() { sed -i 's/^## Hint 2$/## Hint 5/' harness/hints/01_forgotten_reset.md; }
broken "hints numbered out of order" "^lint: harness/hints/01_forgotten_reset.md: its sections must be"

# Nothing quoted by hand drifts: the hints' names and quoted lines are the code's.
break_it() { sed -i '1i // Kata 04: one more line on top moves every line of the test down.' katas/04_*/encoder_test.cpp; }
broken "a hint quoting a test line that moved" "^lint: harness/hints/04_copied_pool.md: quotes \`encoder_test.cpp:19\` as \`EXPECT_EQ\\(encode_batch\\(encoder, \\.\\.\\.\`, but line 19 of katas/04_copied_pool/encoder_test.cpp is \`EXPECT_EQ\\(encoder\\.encode\\("

break_it() { sed -i 's/lines_of()/lines_in()/' harness/hints/19_reader_kept_past_lease.md; }
broken "a hint naming a function the kata does not have" "^lint: harness/hints/19_reader_kept_past_lease.md names lines_in\\(\\), which neither katas/19_reader_kept_past_lease/ nor harness/include/ has$"

break_it() { sed -i 's/ThePooledVectorKeepsItsCapacity/ThePooledVectorKeepsItsSize/' harness/hints/07_*.md; }
broken "a hint naming a test that does not exist" "^lint: harness/hints/07_vector_not_cleared.md names the test ThePooledVectorKeepsItsSize, which katas/07_vector_not_cleared/ does not have$"

break_it() { sed -i 's/line_buffers/log_buffers/g' katas/06_*/log_line.h katas/06_*/log_line_test.cpp; }
broken "a hint naming a pool the kata renamed" "^lint: harness/hints/06_no_factory.md names line_buffers, which neither katas/06_no_factory/ nor harness/include/ has$"

break_it() { printf '\nThe check that fails is line 18 of the test.\n' >>harness/hints/01_forgotten_reset.md; }
broken "a hint quoting a line number in words" "^lint: harness/hints/01_forgotten_reset.md: quotes \"line 18\" in words: quote the line as"

break_it() { printf '\nThe check that fails is `greeting_test.cpp:18`.\n' >>katas/01_forgotten_reset/README.md; }
broken "a README quoting a line without its text" "^lint: katas/01_forgotten_reset/README.md: quotes \`greeting_test.cpp:18\` without its text"

break_it() { sed -i '1i // Renders greetings.' katas/02_*/render.h; }
broken "docs/ quoting a program line that moved" "^lint: docs/sanitizers.md: quotes \`render.h:19\` as \`render_buffers.put\\(std::move\\(buffer\\)\\);\`, but line 19 of katas/02_use_after_put/render.h is"

break_it() { sed -i 's/^save to verdict: median 0.80 s/save to verdict: median 0.85 s/' docs/speed.md; }
broken "a README figure that docs/speed.md's recorded run no longer gives" "^lint: README.md: its save-to-verdict figures are not docs/speed.md's recorded run"

break_it() { sed -i 's/(55 to 63 s in three runs)/(70 to 80 s in three runs)/' docs/facilitator.md; }
broken "a first-make figure outside the facilitator's measured range" "^lint: README.md: its first-make figure \\(60\\) is not within docs/facilitator.md's measured range \\(70 80\\)"

lint_the_broken_copy
[ "$failures" -eq 0 ] && echo "lint_test: the lint passes on the suite and catches each of $cases breakages"
[ "$failures" -eq 0 ]
