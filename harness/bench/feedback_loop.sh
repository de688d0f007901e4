#!/bin/sh
# feedback_loop.sh — how long a participant waits, median of 5 runs each:
#   save   touch one kata's header, then `kata run 01` (rebuild + run + summary)
#   katas  `ctest -L kata` over all twenty, after a build
#   fresh  a fresh clone to the end of `make` (configure, build, table)
# Usage: harness/bench/feedback_loop.sh [save|katas|fresh]...  (default: all)
# Run it on an otherwise idle machine: the numbers are wall-clock seconds.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/${PRESET:-gcc}
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

save_and_run() {
  touch "$root/katas/01_forgotten_reset/greeting.h"
  sh "$root/harness/tools/kata" run 01
}

fresh_clone_make() {
  scratch=$(mktemp -d)
  git clone -q "$root" "$scratch/pool-katas"
  (cd "$scratch/pool-katas" && make)
  rm -rf "$scratch"
}

for what in ${*:-save katas fresh}; do
  case "$what" in
    save) sh "$root/harness/tools/kata" run 01 >/dev/null 2>&1 || true  # configured and built first
          median_of_5 save save_and_run ;;
    katas) median_of_5 katas ctest --test-dir "$build" -L kata ;;
    fresh) median_of_5 fresh fresh_clone_make ;;
    *) echo "feedback_loop: unknown measurement '$what' (use save, katas or fresh)" >&2; exit 2 ;;
  esac
done
