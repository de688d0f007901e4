#!/bin/sh
# Tests of the participant tooling: the report summariser on real sanitizer
# output captured from the katas (reports/*.log, reviewed summaries in
# reports/*.expected), and the kata command's answers to bad input and hints.
set -u
# The make commands below stand for a participant's own terminal, not for a
# sub-make of `make test` (which would add "Entering directory" lines).
unset MAKELEVEL MAKEFLAGS MFLAGS KATA_DIE_STATUS
# This test runs in the GCC tree (the gate's first): the kata tool must use
# it, not its default (Clang where installed), which may not be built yet.
PRESET=gcc
export PRESET
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
  asan_use_after_free:08_view_into_pooled_buffer ubsan_null_member_call:06_no_factory \
  tsan_pooled_mutex:12_pooled_mutex tsan_job_returned:17_job_returned_too_early \
  pool_factory_get:13_factory_calls_get pool_put_in_factory:16_put_inside_factory \
  asan_use_after_poison:19_reader_kept_past_lease tsan_pool_write:02_use_after_put \
  tsan_helper_lambda:12_pooled_mutex tsan_pool_write_first:10_thread_outlives_lease \
  lsan_never_given_back:08_view_into_pooled_buffer tsan_pool_write_read_first:10_thread_outlives_lease \
  tsan_job_went_back:17_job_returned_too_early; do
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

# The pool's own reports, in its words: a factory calling back into its pool
# shows both halves of the loop (the call in the factory, the get() that ran
# the factory); a put inside the factory points at that put(), in the program;
# a use after put names the put() that gave the object back.
summarize pool_factory_get 13_factory_calls_get | grep -q '^  the factory ran for the get() at: .*table.h:[0-9]* in format_table'
check "factory calls get: the get() that ran the factory" $?
# The recorded reports are old runs: the pool's functions the summary keys
# on must still exist under those names, or a rename (get_slow became
# run_factory once) would leave the real summary without its clue while
# these checks stay green.
for frame in run_factory guard_put; do
  grep -q "harness::[^/]*$frame" "$root/harness/tools/summarize.awk" &&
    grep -Eq "[ :]$frame[(<]" "$root"/harness/include/harness/*.h
  check "summarize.awk's pool frame $frame exists in the pool" $?
done
summarize pool_put_in_factory 16_put_inside_factory | grep -q '^  here: katas/16_put_inside_factory/key_value.h:[0-9]* in the lambda in field_buffers$'
check "put inside the factory: the put() in key_value.h" $?
summarize tsan_pool_write 02_use_after_put | grep -q '^  went back to the pool at: .*render.h:[0-9]* in render'
check "use after put under TSan: the pool's write is named as the put()" $?

# UBSan's summary names the function from its stack, and no address (they
# change from run to run).
summarize ubsan_null_member_call 06_no_factory | grep -q '^  here: katas/06_no_factory/log_line.h:15 in log_line, called from log_line_test.cpp:11$'
check "UBSan: file:line function" $?
! summarize ubsan_downcast 03_wrong_type_in_factory | grep -q '0x[0-9a-f]'
check "UBSan: no addresses in the summary" $?

# The clues stay in the summary: the two destructor calls of a double free
# come from different test lines; the racing threads held different mutexes;
# a worker's lambda is named by the function it is written in.
got=$(summarize asan_double_free 04_copied_pool)
printf '%s' "$got" | grep -q '^  where it happened: .*encoder.h:23 in Encoder::~Encoder, called from encoder_test.cpp:19$' &&
  printf '%s' "$got" | grep -q '^  freed by: .*encoder.h:23 in Encoder::~Encoder, called from encoder_test.cpp:18$'
check "double free: both sides, with their distinct test lines" $? "$got"
got=$(summarize tsan_pooled_mutex 12_pooled_mutex)
printf '%s' "$got" | grep -q 'by thread T2 holding mutex M44:' && printf '%s' "$got" | grep -q 'by thread T1 holding mutex M38:' &&
  printf '%s' "$got" | grep -q '^  each thread held a mutex, but not the same one (M44, M38)'
check "pooled mutex: the mutexes each thread held, and that they differ" $? "$got"
got=$(summarize tsan_job_returned 17_job_returned_too_early)
printf '%s' "$got" | grep -q 'by thread T9: katas/17_job_returned_too_early/task.h:35 in the lambda in Task::Task$'
check "a worker's write is the lambda in Task::Task, run by the worker thread" $? "$got"

# ASan on a null pointer says so.
printf '==1==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000 (pc 0x1 bp 0x2 sp 0x3 T0)\n    #0 0x1 in f() katas/01_x/a.h:3\n' >"${TMPDIR:-/tmp}/kata-tool-segv.log"
got=$(awk -v dir=katas/01_x/ -f "$root/harness/tools/summarize.awk" "${TMPDIR:-/tmp}/kata-tool-segv.log")
[ "$got" = "$(printf 'AddressSanitizer: SEGV (null dereference)\n  where it happened: katas/01_x/a.h:3 in f')" ]
check "ASan: SEGV on null is a null dereference" $? "$got"

# Output of a passing run has no report, so no summary.
printf '[  PASSED  ] 3 tests.\n' >"${TMPDIR:-/tmp}/kata-tool-pass.log"
[ -z "$(awk -v dir=katas/01_x/ -f "$root/harness/tools/summarize.awk" "${TMPDIR:-/tmp}/kata-tool-pass.log")" ]
check "no summary without a report" $?

out=$(sh "$kata" run 99 2>&1)
[ $? -eq 2 ] && printf '%s' "$out" | grep -q "there is no kata '99': choose one of 01"
check "unknown kata number" $? "$out"

# The detector matrix's generator: bad input is one line and exit 2, before
# it measures anything.
detectors="$root/harness/tools/detectors.py"
build="$root/build/gcc"  # the tree this test runs in (GCC only)
out=$(python3 "$detectors" --build "$build" --katas 99 2>&1)
[ $? -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q "no kata 99 in katas/manifest.txt"
check "detectors: unknown kata, one line" $? "$out"
out=$(python3 "$detectors" --build "$build" --detectors purify 2>&1)
[ $? -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q "unknown detector purify: use plain, address"
check "detectors: unknown detector, one line" $? "$out"
# A tool that is missing gets a column that says so, never a silent pass.
trial=$(mktemp -d)
interpreter=$(python3 -c 'import sys; print(sys.executable)')
PATH=/nonexistent "$interpreter" "$detectors" --build "$build" --docs "$trial" --katas 01 --detectors cppcheck >/dev/null 2>&1
grep -q "^01	forgotten_reset	kata	cppcheck	not installed	" "$trial/detectors.tsv" 2>/dev/null &&
  grep -q "| 01 forgotten_reset |.*| not installed |" "$trial/detectors.md"
check "detectors: a missing tool's column says not installed" $? "$(cat "$trial/detectors.tsv" 2>/dev/null)"
rm -rf "$trial"

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
[ "$(cat "$state/hints-01")" = 2 ]
check "the hint level is remembered in the state directory" $?
third=$(KATA_STATE_DIR=$state sh "$kata" hint 1)
again=$(KATA_STATE_DIR=$state sh "$kata" hint 1)
printf '%s' "$third" | grep -q 'that was the last hint' && printf '%s' "$again" | grep -q '^Hint 3 of 3'
check "the last hint says so, and stays the last" $? "$third / $again"
rm -rf "$state"

# --- the kata command on a small suite of its own ----------------------------
# A copy of the tool over three "katas" whose "compiler" is a shell script
# (fixture/cc.sh): status, run, watch and reset end to end, in seconds, without
# touching this tree.
suite=$(mktemp -d)/suite
trap 'rm -rf "$(dirname "$suite")"' EXIT
mkdir -p "$suite/harness/tools"
cp "$root/harness/tools/kata" "$root/harness/tools/preset.sh" "$root/harness/tools/season.sh" "$root/harness/tools/summarize.awk" "$root/harness/tools/formats.sh" "$root/harness/tools/suite.sh" "$suite/harness/tools/"
cp "$root/Makefile" "$suite/"
cp -R "$here/fixture/." "$suite/"
cp "$here/reports/tsan_data_race.log" "$here/reports/lsan_never_given_back.log" "$suite/katas/02_use_after_put/"
cp -R "$suite/katas" "$suite/.pristine-katas" && mkdir "$suite/.pristine" && mv "$suite/.pristine-katas" "$suite/.pristine/katas"
k() { sh "$suite/harness/tools/kata" "$@"; }
# set_state FILE FROM TO: a fixture kata's "state=" line changed, as an
# editor would save it (a new file moved into place).
set_state() { sed "s/^state=$2\$/state=$3/" "$1" >"$1.new" && mv "$1.new" "$1"; }

out=$(k status 2>&1)
[ $? -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q 'not configured yet: run make'
check "status on an unconfigured tree: one line, which command to run" $? "$out"

# A suite that cannot be configured (here: GoogleTest missing) is not the
# normal failing state of a workshop: make says why in one line, exits non-zero.
broken=$(dirname "$suite")/broken
cp -R "$suite" "$broken"
printf '%s\n' 'cmake_minimum_required(VERSION 3.20)' 'project(broken NONE)' \
  'message(FATAL_ERROR "pool-katas: GoogleTest is missing: install it (apt-get install libgtest-dev) and run again.")' \
  >"$broken/CMakeLists.txt"
out=$(cd "$broken" && make 2>&1)
[ $? -ne 0 ] && printf '%s' "$out" | grep -q '^kata: cannot configure the suite: GoogleTest is missing: install it'
check "make: a suite that cannot configure exits non-zero, saying what to install" $? "$out"

out=$(cd "$suite" && make 2>&1)
[ $? -eq 0 ] && ! printf '%s' "$out" | grep -q 'make: \*\*\*' && printf '%s' "$out" | grep -q '0 of 3 done' &&
  printf '%s' "$out" | grep -q 'Next: read katas/01_forgotten_reset/README.md'
check "make: exit 0 and no make noise while katas fail" $? "$out"
printf '%s' "$out" | grep -q '^  02  use_after_put  *failing  *ThreadSanitizer: data race$'
check "status: a sanitizer's kind as the reason" $? "$out"
printf '%s' "$out" | grep -q '^  03  crash  *failing  *aborted (SIGABRT) without a sanitizer report'
check "status: an abort without a report is explained" $? "$out"
# What the table showed is kept as each kata's verdict row, for share.py and
# the room: the kind in fixed words and the kata's own place, read back
# through formats.sh as they are.
row() { (tools="$suite/harness/tools"; . "$tools/formats.sh"; kata_table_rows "$(verdict_row "$suite/build/gcc" "$1")" "$2"); }
[ "$(row 02 state)" = failing ] && [ "$(row 02 kind)" = "ThreadSanitizer: data race" ] &&
  printf '%s' "$(row 02 place)" | grep -qE '^[a-z_]+\.[a-z]+:[0-9]+$'
check "status: a failing kata's row keeps the report's kind and the kata's own place" $? "$(cat "$suite/build/gcc/kata-logs/02.row" 2>&1)"
[ "$(row 03 kind)" = "aborted (SIGABRT) without a sanitizer report" ] && [ -z "$(row 03 place)" ]
check "status: a crash's row keeps fixed words and no place" $? "$(cat "$suite/build/gcc/kata-logs/03.row" 2>&1)"

for bad in 99 abc 0; do
  out=$(cd "$suite" && make kata N=$bad 2>&1)
  [ $? -eq 0 ] && [ "$out" = "kata: there is no kata '$bad': choose one of 01 02 03" ]
  check "make kata N=$bad: one line with the valid numbers" $? "$out"
done

# Input the make shortcuts cannot use gets one line that says what to type.
for target in kata hint; do
  out=$(cd "$suite" && make $target N="02 03" 2>&1)
  [ $? -eq 0 ] && [ "$out" = "kata: one kata at a time: make $target N=02, then N=03" ]
  check "make $target N=\"02 03\": one line, not a run of 02 alone" $? "$out"
done
out=$(cd "$suite" && make kata N="02 03" PLAIN=1 2>&1)
[ $? -eq 0 ] && [ "$out" = "kata: one kata at a time: make kata N=02 PLAIN=1, then N=03" ]
check "make kata N=\"02 03\" PLAIN=1: one line, not 03 runs of 02" $? "$out"
out=$(cd "$suite" && make reset N=02 </dev/null 2>&1)
[ $? -eq 0 ] && [ "$out" = "kata: reset needs a yes: run it in a terminal, or add YES=1: make reset N=02 YES=1" ]
check "make reset without a terminal: tells a make user YES=1, not --yes" $? "$out"
done_state=$(mktemp -d)
printf '01 done\n02 done\n03 done\n' >"$done_state/progress"
out=$(cd "$suite" && KATA_STATE_DIR=$done_state make hint 2>&1)
[ $? -eq 0 ] && [ "$out" = "kata: every kata is done: name one, e.g. make hint N=01" ]
check "make hint with every kata done: suggests make hint, not make kata" $? "$out"
rm -rf "$done_state"

# The verdict as an exit status, for a script: 1 while the kata fails, and
# make's shortcut says the same and exits 0.
k run 02 >/dev/null 2>&1
[ $? -eq 1 ]
check "run: exits 1 when the kata fails" $?
(cd "$suite" && make kata N=02 >/dev/null 2>&1)
check "make kata: exits 0 when the kata fails" $?

# A kata that passes, then never finishes its second run in race mode: the
# verdict says so in the participant's words. The fixture writes the records
# harness/src/result_file.cpp writes; they must still be written there.
for record in 'run\trace-mode' 'unfinished\t'; do
  grep -qF "\"$record" "$root/harness/src/result_file.cpp"
  check "result_file.cpp still writes the record $record" $?
done
set_state "$suite/katas/01_forgotten_reset/greeting.sh" broken racehang
out=$(k run 01 2>&1)
[ $? -eq 1 ] && printf '%s' "$out" | grep -q 'fails: in race mode it never finished: it waits for an object the pool was free to drop (in ForgottenReset' &&
  printf '%s' "$out" | grep -q '^Every test passed once, and failed when the pool used its freedom'
check "run: a kata that hangs only in race mode is told so" $? "$out"
set_state "$suite/katas/01_forgotten_reset/greeting.sh" racehang broken

out=$(k run 02 2>&1)
printf '%s\n' "$out" | sed -n 1,3p | grep -c 'ThreadSanitizer: data race\|render.h:15 in render\|render_test.cpp:37' | grep -q '^3$'
check "run: the summary leads, with both sides of the race" $? "$out"
printf '%s\n' "$out" | tail -n 4 | grep -q 'Write of size 8 by thread T2: katas/02_use_after_put/render.h:15 in render'
check "run: the summary again at the end of a long report" $? "$(printf '%s\n' "$out" | tail -n 4)"

# A test's own message and a report at exit (LeakSanitizer's): the verdict
# leads with the test's words, the more specific cause.
set_state "$suite/katas/02_use_after_put/render.sh" broken leaky
out=$(k status 2>&1)
printf '%s' "$out" | grep -q '^  02  use_after_put  *failing  *every record was kept for good$'
check "status: a test's failure leads over LeakSanitizer's report at exit" $? "$out"
out=$(k run 02 2>&1)
printf '%s\n' "$out" | grep -q '^kata 02 (use_after_put) fails: every record was kept for good$'
check "run: the verdict line leads with the test's words over LeakSanitizer's report at exit" $? "$(printf '%s\n' "$out" | tail -n 3)"
set_state "$suite/katas/02_use_after_put/render.sh" leaky leaky_quiet
out=$(k run 02 2>&1)
printf '%s\n' "$out" | grep -q '^kata 02 (use_after_put) fails: a test check failed at render.h:9$'
check "run: a failed check without words still leads, by its place, over a report at exit" $? "$(printf '%s\n' "$out" | tail -n 3)"
set_state "$suite/katas/02_use_after_put/render.sh" leaky_quiet broken

out=$(k run 3 2>&1)
printf '%s\n' "$out" | head -n 1 | grep -q '^kata 03 aborted (SIGABRT) without a sanitizer report'
check "run: a crash without a report gets a line" $? "$out"

# One kata that does not compile: named with file:line on one line, the
# others still run.
set_state "$suite/katas/01_forgotten_reset/greeting.sh" broken "broken SYNTAX"
out=$(k status 2>&1)
printf '%s' "$out" | grep -q "^  01  forgotten_reset  *does not compile  katas/01_forgotten_reset/greeting.sh:3: expected ';' before 'SYNTAX'\$" &&
  printf '%s' "$out" | grep -q '^  02  use_after_put  *failing' && printf '%s' "$out" | grep -q '^  03  crash  *failing'
check "status: a compile error in one kata, the others still report" $? "$out"
out=$(k run 01 2>&1)
printf '%s' "$out" | grep -q "greeting.sh:3:7: error: expected ';'" && printf '%s' "$out" | grep -q 'kata 01 does not compile: fix katas/01_forgotten_reset/'
check "run: a compile error is shown with its file" $? "$out"

# A kata this tree leaves out (a standard header its library lacks:
# harness/cmake/Katas.cmake writes why to build/TREE/skipped/NN): the table
# says so with the reason, the others still report, and running it is one
# line that fails.
mkdir -p "$suite/build/gcc/skipped"
printf '%s\n' "this standard library has no <memory_resource> (libc++ has it from LLVM 16): use GCC, or a newer libc++" \
  >"$suite/build/gcc/skipped/03"
out=$(k status 2>&1)
printf '%s' "$out" | grep -q '^  03  crash  *left out  *this standard library has no <memory_resource>' &&
  printf '%s' "$out" | grep -q '^  02  use_after_put  *failing'
check "status: a kata this tree leaves out says why, the others still report" $? "$out"
out=$(k run 03 2>&1)
status=$?
[ $status -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] &&
  printf '%s' "$out" | grep -q '^kata 03 is not built here: this standard library has no <memory_resource>'
check "run: a kata this tree leaves out is one line, and fails" $? "exit $status: $out"
rm -r "$suite/build/gcc/skipped"

# reset: asks first; --yes (either side) and make's YES=1 skip the question.
if command -v script >/dev/null 2>&1; then  # util-linux: a terminal to answer in
  out=$(printf 'n\n' | script -qec "sh '$suite/harness/tools/kata' reset 01" /dev/null 2>&1)
  printf '%s' "$out" | grep -q 'Put back katas/01_forgotten_reset as shipped? .*\[y/N\]' && printf '%s' "$out" | grep -q 'Nothing changed' &&
    grep -q SYNTAX "$suite/katas/01_forgotten_reset/greeting.sh"
  check "reset: no unless you say yes" $? "$out"
fi
out=$(k reset --yes 01 2>&1)
[ $? -eq 0 ] && ! grep -q SYNTAX "$suite/katas/01_forgotten_reset/greeting.sh"
check "reset --yes 01" $? "$out"
echo 'state=fixed' >>"$suite/katas/02_use_after_put/render.sh"
out=$(cd "$suite" && make reset N=2 YES=1 2>&1)
printf '%s' "$out" | grep -q 'katas/02_use_after_put is back as shipped' && ! grep -q '^state=fixed' "$suite/katas/02_use_after_put/render.sh"
check "make reset N=2 YES=1" $? "$out"

# watch turns kata 01 green after a burst of saves, runs it once for the
# burst (200 ms debounce) and moves on to the next failing kata: by polling
# (what it does without inotifywait), and with inotifywait when installed.
watch_test() {  # watch_test poll|inotify
  k reset all --yes >/dev/null 2>&1
  k status >/dev/null 2>&1
  log="$suite/watch-$1.log"
  : >"$log"
  if [ "$1" = poll ]; then
    KATA_WATCH_POLL=0.2 sh "$suite/harness/tools/kata" watch 01 >"$log" 2>&1 &
  else
    sh "$suite/harness/tools/kata" watch 01 >"$log" 2>&1 &
  fi
  watcher=$!
  waited=0
  until grep -q 'to run it again' "$log" || [ $waited -ge 100 ]; do sleep 0.1; waited=$((waited + 1)); done
  sleep 0.3  # inotifywait is listening
  f="$suite/katas/01_forgotten_reset/greeting.sh"
  cp "$f" "$suite/orig"
  sed 's/^state=broken$/state=half/' "$suite/orig" >"$f"
  sleep 0.05
  sed 's/^state=broken$/state=fixed/' "$suite/orig" >"$f"
  rm -f "$suite/orig"
  waited=0
  until grep -q 'Moving on to kata 02' "$log" || [ $waited -ge 150 ]; do sleep 0.1; waited=$((waited + 1)); done
  kill "$watcher" 2>/dev/null
  wait "$watcher" 2>/dev/null
  if [ "$1" = poll ]; then
    grep -q 'polling every 0.2 s;' "$log"
  else
    grep -q 'woken by inotifywait' "$log"
  fi
  check "watch ($1): says how it watches" $? "$(cat "$log")"
  grep -q '^kata 01 is green. Moving on to kata 02: read katas/02_use_after_put/README.md$' "$log" &&
    grep -q '^watching katas/02_use_after_put' "$log"
  check "watch ($1): green, then the next failing kata" $? "$(cat "$log")"
  [ "$(grep -c '^watching katas/01_forgotten_reset (Ctrl-C' "$log")" -eq 2 ] && ! grep -q 'state: half' "$log"
  check "watch ($1): one run for a burst of saves" $? "$(cat "$log")"
  grep -q '^01 done$' "$suite/.kata-state/progress"
  check "watch ($1): progress is remembered" $?
}
watch_test poll
if command -v inotifywait >/dev/null 2>&1; then watch_test inotify; fi
# Ctrl-C in make watch, typed in a terminal (script(1) gives it one): the
# terminal sends SIGINT to make and the tool alike.
if command -v script >/dev/null 2>&1; then
  k status >/dev/null 2>&1
  log="$suite/interrupted.log"
  : >"$log"
  {
    waited=0
    until grep -q 'to run it again' "$log" || [ $waited -ge 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    printf '\003'
    sleep 1
  } | (cd "$suite" && KATA_WATCH_POLL=0.2 timeout 30 script -qec 'make watch N=1' /dev/null) >"$log" 2>&1
  tr -d '\r' <"$log" | grep -q '^Stopped watching.$' && ! grep -q 'make: \*\*\*' "$log"
  check "Ctrl-C ends make watch without make noise" $? "$(cat "$log")"
fi

# PLAIN=1: the kata without sanitizers, N runs, and how many showed the bug.
k reset all --yes >/dev/null 2>&1
out=$(cd "$suite" && KATA_PLAIN_RUNS=5 make kata N=01 PLAIN=1 2>&1)
printf '%s' "$out" | grep -q '^the test failed in 5 of 5 runs without AddressSanitizer and UBSan$' &&
  printf '%s' "$out" | grep -q "the first run that failed: the buffer came back from the pool still holding" &&
  ! printf '%s' "$out" | grep -q "a run can miss it"
check "make kata PLAIN=1: how many plain runs showed the bug, and what they showed" $? "$out"
out=$(k plain 02 3 2>&1)
printf '%s' "$out" | grep -q '^the test failed in 3 of 3 runs without ThreadSanitizer$'
check "kata plain N RUNS: the run count, and the sanitizer named" $? "$out"
# A fixed kata: the runs say they saw nothing, and no word of a bug.
cp "$suite/katas/01_forgotten_reset/greeting.sh" "$suite/greeting.sh.keep"
set_state "$suite/katas/01_forgotten_reset/greeting.sh" broken fixed
out=$(k plain 01 3 2>&1)
printf '%s' "$out" | grep -q '^the test failed in 0 of 3 runs without AddressSanitizer and UBSan$' &&
  printf '%s' "$out" | grep -q '^No run failed without AddressSanitizer and UBSan;' &&
  ! printf '%s' "$out" | grep -qiE 'bug|can miss it|the test fails every run|as shipped'
check "kata plain on a fixed kata: reports 0 failures and claims no bug" $? "$out"
# ... and says what its last sanitizer run of this very build said.
k run 01 >/dev/null 2>&1
out=$(k plain 01 3 2>&1)
printf '%s' "$out" | grep -q '^No run failed without AddressSanitizer and UBSan; with it, this code passes too'
check "kata plain on a fixed kata after make kata: says this code passes with the sanitizer too" $? "$out"
# ... but not of code edited since: PLAIN=1 rebuilds only its own binary, so
# the sanitizer's verdict is of the code before the edit. (A later time on the
# file, not a sleep: the edit is newer than the sanitizer's binary.)
printf '# an edit after the last make kata\n' >>"$suite/katas/01_forgotten_reset/greeting.sh"
touch -d "@$(($(date +%s) + 5))" "$suite/katas/01_forgotten_reset/greeting.sh"
out=$(k plain 01 3 2>&1)
printf '%s' "$out" | grep -q '^No run failed without AddressSanitizer and UBSan; make kata N=01 runs it with' &&
  ! printf '%s' "$out" | grep -q 'this code passes too'
check "kata plain after an edit: does not pass off the last sanitizer verdict as this code's" $? "$out"
cp "$suite/greeting.sh.keep" "$suite/katas/01_forgotten_reset/greeting.sh"
out=$(k plain 01 many 2>&1)
[ $? -eq 2 ] && printf '%s' "$out" | grep -q "^kata: runs must be a positive number, not 'many'$"
check "kata plain with a bad run count: one line" $? "$out"

# A workshop folder copied with its build tree: the tool notices that the
# tree was configured for the old folder and configures it again, so that the
# copy's own files are what runs.
k status >/dev/null 2>&1
moved="$(dirname "$suite")/moved"
cp -a "$suite" "$moved"
set_state "$moved/katas/01_forgotten_reset/greeting.sh" broken "fixed"
out=$(cd "$moved" && make status 2>&1)
printf '%s' "$out" | grep -q "^build/gcc was configured for $suite, not this folder: configuring it again here.\$" &&
  printf '%s' "$out" | grep -q '^  01  forgotten_reset  *done'
check "a copied workshop folder is configured again and runs its own files" $? "$out"
rm -rf "$moved"

# Without N, make kata and make hint take the first kata not done yet; a
# kata that passes names the next one.
k reset all --yes >/dev/null 2>&1
out=$(cd "$suite" && make kata 2>&1)
printf '%s\n' "$out" | head -n 1 | grep -q '^kata 01, the first one not done yet' && printf '%s' "$out" | grep -q 'kata 01 (forgotten_reset) fails'
check "make kata without N: the first unfinished kata" $? "$out"
out=$(cd "$suite" && make hint 2>&1)
printf '%s\n' "$out" | head -n 1 | grep -q '^Hint 1 of 2 for kata 01:$'
check "make hint without N: the first unfinished kata" $? "$out"
set_state "$suite/katas/01_forgotten_reset/greeting.sh" broken "fixed"
out=$(cd "$suite" && make kata 2>&1)
printf '%s' "$out" | grep -q '^kata 01 (forgotten_reset) passes.$' &&
  printf '%s' "$out" | grep -q '^Next: kata 02, read katas/02_use_after_put/README.md, then run: make kata N=02$'
check "a passing kata names the next one" $? "$out"
out=$(cd "$suite" && make kata 2>&1)
printf '%s\n' "$out" | head -n 1 | grep -q '^kata 02, the first one not done yet'
check "make kata without N moves on once a kata is done" $? "$out"

# make status with nothing changed reruns nothing: the verdicts are cached by
# the binaries' checksums.
k status >/dev/null 2>&1
: >"$suite/runs.log"
out=$(KATA_RUNS_LOG=$suite/runs.log k status 2>&1)
[ ! -s "$suite/runs.log" ] && printf '%s' "$out" | grep -q '^  01  forgotten_reset  *done'
check "status with nothing changed runs no kata again" $? "$out"
set_state "$suite/katas/01_forgotten_reset/greeting.sh" fixed "fixed # touched"
out=$(KATA_RUNS_LOG=$suite/runs.log k status 2>&1)
[ "$(cat "$suite/runs.log")" = "01" ]
check "status reruns exactly the kata that changed" $? "$(cat "$suite/runs.log") / $out"
k reset all --yes >/dev/null 2>&1

# The watch keys, typed into a real terminal (tmux): h hint, l list, r rerun,
# n next kata, and on green a pause until Enter; q quits.
if command -v tmux >/dev/null 2>&1; then
  k status >/dev/null 2>&1
  sock="$(dirname "$suite")/tmux.sock"
  screen() { tmux -S "$sock" capture-pane -p -S -300 -t watch 2>/dev/null; }
  await() {  # await REGEX: until the terminal shows it (10 s at most)
    waited=0
    until screen | grep -qE "$1" || [ $waited -ge 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    screen | grep -qE "$1"
  }
  key() { tmux -S "$sock" send-keys -t watch "$1"; }
  # after_table DONE REGEX: under the table that l showed ("DONE of 3 done"),
  # watch's own prompt (10 s at most), and no other next step: no "Next:"
  # line of the table's, no make kata.
  after_table() {
    waited=0
    until screen | sed -n "/Pool Katas: $1 of 3 done/,\$p" | grep -qE "$2" || [ $waited -ge 100 ]; do
      sleep 0.1; waited=$((waited + 1))
    done
    screen | sed -n "/Pool Katas: $1 of 3 done/,\$p" | grep -qE "$2" &&
      ! screen | sed -n "/Pool Katas: $1 of 3 done/,\$p" | grep -qE '^Next: |make kata N='
  }
  : >"$suite/runs.log"
  tmux -S "$sock" new-session -d -s watch -x 160 -y 60 \
    "cd '$suite' && KATA_RUNS_LOG='$suite/runs.log' KATA_WATCH_POLL=0.2 sh harness/tools/kata watch 01; echo WATCH-ENDED; sleep 60"
  await 'Keys: h next hint, r rerun, n next kata, l list all katas, q quit'
  check "watch keys: listed under the report" $? "$(screen)"
  key h && await '^Hint 1 of 2 for kata 01:'
  check "watch key h: the next hint" $? "$(screen)"
  await '^\(press h again for hint 2\)$' && ! screen | grep -q 'run it again for hint'
  check "watch key h: the next hint is a key away, not a command" $? "$(screen)"
  key l && await 'Pool Katas: 0 of 3 done'
  check "watch key l: the status table" $? "$(screen)"
  after_table 0 'Keys: h next hint, r rerun, n next kata, l list all katas, q quit'
  check "watch key l: under the table, watch's own prompt again" $? "$(screen)"
  runs=$(grep -c 01 "$suite/runs.log")
  key r
  # The run itself, not the screen (which already says "watching"): 5 s at most.
  waited=0
  until [ "$(grep -c 01 "$suite/runs.log")" -gt "$runs" ] || [ $waited -ge 50 ]; do sleep 0.1; waited=$((waited + 1)); done
  [ "$(grep -c 01 "$suite/runs.log")" -gt "$runs" ]
  check "watch key r: runs the kata again" $? "$(cat "$suite/runs.log")"
  key n && await 'watching katas/02_use_after_put'
  check "watch key n: the next kata" $? "$(screen)"
  set_state "$suite/katas/02_use_after_put/render.sh" broken "fixed"
  await 'Press Enter \(or n\) to go on to kata 03, q to stop watching'
  check "watch: green says what is next and waits" $? "$(screen)"
  sleep 1.5
  ! screen | grep -q 'watching katas/03_crash'
  check "watch: green waits for the participant, it does not move on alone" $? "$(screen)"
  # While green, the keys work as they do while waiting for a save (but h:
  # a solved kata needs no hint), and a save runs the kata again at once.
  key l && await 'Pool Katas: 1 of 3 done'
  check "watch key l while green: the status table" $? "$(screen)"
  # Kata 01 is still failing: the table alone would name it; watch goes on
  # to the kata after 02, and both must say the same.
  after_table 1 'Press Enter \(or n\) to go on to kata 03'
  check "watch key l while green: the same next kata as watch's prompt" $? "$(screen)"
  key h && await '^kata 02 is green: no hint spent on it; Enter \(or n\) goes on to kata 03\.$' &&
    [ ! -f "$suite/.kata-state/hints-02" ] && ! screen | grep -q 'for kata 02:'
  check "watch key h while green: one line, and no hint spent" $? "$(screen)"
  runs=$(grep -c 02 "$suite/runs.log")
  set_state "$suite/katas/02_use_after_put/render.sh" fixed "fixed # saved again"
  waited=0
  until [ "$(grep -c 02 "$suite/runs.log")" -gt "$runs" ] || [ $waited -ge 50 ]; do sleep 0.1; waited=$((waited + 1)); done
  [ "$(grep -c 02 "$suite/runs.log")" -gt "$runs" ]
  check "watch: a save while green runs the kata again, without Enter" $? "$(cat "$suite/runs.log")"
  await 'Press Enter \(or n\) to go on to kata 03'
  key Enter && await 'watching katas/03_crash'
  check "watch: Enter goes on to the next kata" $? "$(screen)"
  await 'Keys: h' && key q && await '^WATCH-ENDED'
  check "watch key q: stops watching" $? "$(screen)"
  tmux -S "$sock" kill-server 2>/dev/null
fi

k reset all --yes >/dev/null 2>&1
! grep -q '^01 ' "$suite/.kata-state/progress"
check "reset forgets the kata's progress" $? "$(cat "$suite/.kata-state/progress")"

# Seasons: katas 21 and up are season two. make shows the current season
# (season one until it is done), make status every season, and make kata
# without N goes on to 21 once 01-03 pass; SEASON=2 chooses season two now.
seasons="$(dirname "$suite")/seasons"
cp -R "$here/fixture/." "$seasons/"
cp -R "$seasons/katas/01_forgotten_reset" "$seasons/katas/21_later"
mv "$seasons/katas/21_later/greeting.sh" "$seasons/katas/21_later/later.sh"
echo '21 | later | address | 1 | Later | a later bug | test assertion | still holding' >>"$seasons/katas/manifest.txt"
mkdir -p "$seasons/harness/tools" && cp "$suite/harness/tools/"* "$seasons/harness/tools/" && cp "$root/Makefile" "$seasons/"
out=$(cd "$seasons" && make 2>&1)
printf '%s' "$out" | grep -q '^Pool Katas: 0 of 3 done$' && ! printf '%s' "$out" | grep -q '^  21 ' &&
  printf '%s' "$out" | grep -q '^Also here: season two (bugs real C++ projects shipped), 0 of 1 done (make status shows every season)\.$'
check "make: season one alone, and one line for season two" $? "$out"
out=$(cd "$seasons" && make status 2>&1)
printf '%s' "$out" | grep -q '^Pool Katas: 0 of 4 done$' && printf '%s' "$out" | grep -q '^  -- season two (bugs real C++ projects shipped) --$' &&
  printf '%s' "$out" | grep -q '^  21  later  *failing'
check "make status: every season, season two under its heading" $? "$out"
out=$(cd "$seasons" && make SEASON=2 2>&1)
printf '%s' "$out" | grep -q '^Pool Katas, season two (bugs real C++ projects shipped): 0 of 1 done$' &&
  printf '%s' "$out" | grep -q '^Next: read katas/21_later/README.md'
check "make SEASON=2: season two now" $? "$out"
out=$(cd "$seasons" && make SEASON=3 2>&1)
[ "$out" = "kata: there is no season '3': SEASON=1 is the twenty sync.Pool bugs, SEASON=2 the bugs real C++ projects shipped" ]
check "make SEASON=3: one line" $? "$out"
for kata in 01_forgotten_reset/greeting 02_use_after_put/render; do
  set_state "$seasons/katas/$kata.sh" broken fixed
done
printf '#!/bin/sh\necho "[  PASSED  ] 1 test."\n' >"$seasons/katas/03_crash/crash.sh"
out=$(cd "$seasons" && make 2>&1)
printf '%s' "$out" | grep -q '^Pool Katas, season two (bugs real C++ projects shipped): 0 of 1 done$' &&
  printf '%s' "$out" | grep -q '^Also here: season one, 3 of 3 done'
check "make: season two once season one is done" $? "$out"
out=$(cd "$seasons" && make kata 2>&1)
printf '%s\n' "$out" | head -n 1 | grep -q '^kata 21, the first one not done yet'
check "make kata without N: goes on to 21 after season one" $? "$out"
# A season-two handout has no season one: its table is named all the same.
alone="$(dirname "$suite")/season-two-alone"
cp -R "$seasons" "$alone" && rm -rf "$alone/build" "$alone/.kata-state" "$alone"/katas/0[1-3]_*
sed -i '/^0[1-3] /d' "$alone/katas/manifest.txt"
out=$(cd "$alone" && make 2>&1)
printf '%s' "$out" | grep -q '^Pool Katas, season two (bugs real C++ projects shipped): 0 of 1 done$' &&
  printf '%s' "$out" | grep -q '^Building the harness and the 1 katas' && ! printf '%s' "$out" | grep -q '^Also here'
check "make in a season-two handout: season two by name, and the number of katas it builds" $? "$out"

printf '%s passed, %s failed\n' "$passed" "$failures"
[ "$failures" -eq 0 ]
