#!/bin/sh
# feedback_loop.sh — how long a participant waits, median of 5 runs each:
#   save   for each kata: touch its program header, then `kata run NN`
#          (rebuild + run + summary); a line per kata, then the medians' range
#   katas  `ctest -L kata` over all twenty, after a build
#   fresh  a fresh clone to the end of `make` (configure, build, table)
# Usage: harness/bench/feedback_loop.sh [save|katas|fresh]...  (default: all)
# Run it on an otherwise idle machine: the numbers are wall-clock seconds.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/harness/tools/preset.sh"
export PRESET
build=$root/build/$PRESET
export LC_ALL=C

seconds() {  # runs "$@" quietly, prints its wall time in seconds
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$start $end" | awk '{ printf "%.2f\n", $2 - $1 }'
}

median_of_5() {  # label, then the command
  label=$1
  shift
  times=""
  for _ in 1 2 3 4 5; do times="$times $(seconds "$@")"; done
  median=$(printf '%s\n' $times | sort -n | sed -n 3p)
  printf '%-6s median %6.2f s   runs:%s\n' "$label" "$median" "$times"
}

save_and_run() {  # NN
  touch "$root"/katas/"$1"_*/*.h
  sh "$root/harness/tools/kata" run "$1"
}

save_each_kata() {
  for dir in "$root"/katas/[0-9][0-9]_*/; do
    number=$(basename "$dir" | cut -c1-2)
    sh "$root/harness/tools/kata" run "$number" >/dev/null 2>&1 || true  # built once first
    median_of_5 "save$number" save_and_run "$number"
  done | tee "$build/feedback-save.txt"
  awk '{ print $3 }' "$build/feedback-save.txt" | sort -n |
    awk '{ v[NR] = $1 } END { printf "save   medians from %.2f s to %.2f s over %d katas (middle kata: %.2f s)\n", v[1], v[NR], NR, v[int((NR + 1) / 2)] }'
}

fresh_clone_make() {
  scratch=$(mktemp -d)
  git clone -q "$root" "$scratch/pool-katas"
  (cd "$scratch/pool-katas" && make)
  rm -rf "$scratch"
}

for what in ${*:-save katas fresh}; do
  case "$what" in
    save) save_each_kata ;;
    katas) median_of_5 katas ctest --test-dir "$build" -L kata ;;
    fresh) median_of_5 fresh fresh_clone_make ;;
    *) echo "feedback_loop: unknown measurement '$what' (use save, katas or fresh)" >&2; exit 2 ;;
  esac
done
