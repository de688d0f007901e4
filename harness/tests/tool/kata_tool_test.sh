#!/bin/sh
# Tests of the participant tooling: the report summariser on real sanitizer
# output captured from the katas (reports/*.log, reviewed summaries in
# reports/*.expected), and the kata command's answers to bad input and hints.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
kata="$root/harness/tools/kata"
failures=0
passed=0

check() {  # check NAME CONDITION-EXIT-STATUS [DETAIL]
  if [ "$2" -eq 0 ]; then
    passed=$((passed + 1))
  else
    failures=$((failures + 1))
    printf 'FAILED: %s\n%s\n' "$1" "${3:-}"
  fi
}

summarize() { awk -v dir="katas/$2/" -f "$root/harness/tools/summarize.awk" "$here/reports/$1.log"; }

for spec in tsan_data_race:02_use_after_put asan_double_free:04_copied_pool \
  ubsan_downcast:03_wrong_type_in_factory asan_stack_overflow:13_factory_calls_get \
  asan_use_after_free:08_view_into_pooled_buffer; do
  name=${spec%%:*}
  got=$(summarize "$name" "${spec#*:}")
  [ "$got" = "$(cat "$here/reports/$name.expected")" ]
  check "summary of $name" $? "$got"
done

# Both sides of a race, each at the kata's own line.
summarize tsan_data_race 02_use_after_put | grep -q 'Write .*render.h:15 in render'
check "race: the writing side" $?
summarize tsan_data_race 02_use_after_put | grep -q 'read .*render_test.cpp:37'
check "race: the reading side" $?

# Output of a passing run has no report, so no summary.
printf '[  PASSED  ] 3 tests.\n' >"${TMPDIR:-/tmp}/kata-tool-pass.log"
[ -z "$(awk -v dir=katas/01_x/ -f "$root/harness/tools/summarize.awk" "${TMPDIR:-/tmp}/kata-tool-pass.log")" ]
check "no summary without a report" $?

out=$(sh "$kata" run 99 2>&1)
[ $? -eq 2 ] && printf '%s' "$out" | grep -q "there is no kata '99': choose one of 01"
check "unknown kata number" $? "$out"

out=$(sh "$kata" run 2>&1)
[ $? -eq 2 ] && printf '%s' "$out" | grep -q 'which kata?'
check "missing kata number" $? "$out"

out=$(sh "$kata" frobnicate 2>&1)
[ $? -eq 2 ] && printf '%s' "$out" | grep -q "unknown command 'frobnicate'"
check "unknown command" $? "$out"

out=$(sh "$kata" reset 01 </dev/null 2>&1)
[ $? -eq 2 ] && printf '%s' "$out" | grep -q 'add --yes'
check "reset asks before it changes anything" $? "$out"

state=$(mktemp -d)
first=$(KATA_STATE_DIR=$state sh "$kata" hint 1)
second=$(KATA_STATE_DIR=$state sh "$kata" hint 01)
printf '%s' "$first" | grep -q '^Hint 1 of ' && printf '%s' "$second" | grep -q '^Hint 2 of '
check "hints come one level at a time" $? "$first / $second"
rm -rf "$state"

printf '%s passed, %s failed\n' "$passed" "$failures"
[ "$failures" -eq 0 ]
