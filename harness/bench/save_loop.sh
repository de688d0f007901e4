#!/bin/sh
# save_loop.sh [NN...] — the participant's inner loop, measured as they live
# it: a real edit of the kata's program (a line appended to its header, so the
# content changes), then `kata run NN`, timed as a whole: that is the save to
# verdict. For each kata, three edits, and the table shows the medians of
#   total     `kata run NN` after the edit: rebuild, test, report, summary
#   compile   of that, the kata's test file (it includes the edited header)
#   link      of that, the test binary
#   run       the rest: the tool, the test, the sanitizer's report, the summary
# (compile and link come from Ninja's log of the same build; without Ninja
# only the total is shown). The header is put back as it was at the end. Run
# it on an otherwise idle machine: these are wall-clock seconds.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/harness/tools/preset.sh"
export PRESET  # the kata tool's runs below use the same tree
preset=$PRESET
build=$root/build/$preset
export LC_ALL=C
kata="$root/harness/tools/kata"
tools="$root/harness/tools"
. "$tools/formats.sh"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

sh "$kata" status >/dev/null 2>&1 || true  # configured and built once
numbers=${*:-$(kata_table_rows "$(kata_table "$build")" number)}
table="$build/save-loop.txt"
ninja_log="$build/.ninja_log"
# The duration in seconds of the last build step that made $1 (a path as the
# log names it), or - when the log does not say.
step_seconds() {
  [ -f "$ninja_log" ] || { echo -; return; }
  awk -F '\t' -v out="$1" '$4 == out { d = ($2 - $1) / 1000 } END { if (d == "") print "-"; else printf "%.2f", d }' "$ninja_log"
}
printf '%-5s %8s %8s %8s %8s\n' kata compile link run total >"$table"
for number in $numbers; do
  dir=$(ls -d "$root"/katas/"$number"_*/)
  header=$(ls "$dir"*.h | head -n 1)
  test_source=$(ls "$dir"*_test.cpp)
  object="CMakeFiles/kata$number.dir/katas/$(basename "$dir")/$(basename "$test_source").o"
  cp -p "$header" "$build/save-loop.header"
  sh "$kata" run "$number" >/dev/null 2>&1 || true
  compiles= links= runs= totals=
  for edit in 1 2 3; do
    printf '// saved %s\n' "$edit" >>"$header"
    t=$(now); sh "$kata" run "$number" >/dev/null 2>&1 || true; total=$(since "$t")
    c=$(step_seconds "$object"); l=$(step_seconds "bin/kata$number")
    r=$(awk -v t="$total" -v c="$c" -v l="$l" 'BEGIN { if (c == "-" || l == "-") print "-"; else printf "%.2f", t - c - l }')
    compiles="$compiles $c" links="$links $l" runs="$runs $r" totals="$totals $total"
  done
  cp -p "$build/save-loop.header" "$header"
  # shellcheck disable=SC2086 # word lists on purpose
  printf '%-5s %8s %8s %8s %8s\n' "$number" "$(median $compiles)" "$(median $links)" "$(median $runs)" "$(median $totals)" >>"$table"
done
sh "$kata" run "${numbers%% *}" >/dev/null 2>&1 || true  # the build matches the files again
cat "$table"
awk 'NR > 1 { v[++n] = $5 } END {
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
  printf "save to verdict: median %.2f s, slowest %.2f s over %d katas\n", v[int((n + 1) / 2)], v[n], n }' "$table"
