#!/bin/sh
# compare_allocators.sh [build-dir] — `make bench-allocators`: the pool against
# new+delete under glibc, mimalloc, jemalloc and tcmalloc (one benchmark
# binary per allocator, linked with it), the pool on its fallback fence
# (POOL_KATAS_FENCE=fallback, as without membarrier), and 1 KiB get+put with
# up to 16 threads; one table, from the benchmarks' JSON output
# (harness/bench/allocators_table.py). An allocator that is not installed is
# skipped with one line. Release build in build/bench, as make bench-go uses.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/bench}
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

command -v python3 >/dev/null 2>&1 || { echo "compare_allocators: python3 is needed to read the results (apt-get install python3)"; exit 2; }
[ -f "$build/CMakeCache.txt" ] ||
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake "$build" >/dev/null  # picks up allocators installed since
cmake --build "$build" --target pool_bench >/dev/null ||
  { echo "compare_allocators: the benchmark does not build (is libbenchmark-dev installed?)"; exit 2; }

sizes='(16|1024|65536)'
common="--benchmark_repetitions=3 --benchmark_report_aggregates_only=true --benchmark_format=json"
echo "compare_allocators: glibc and the pool (1 to 16 threads)..." >&2
# shellcheck disable=SC2086
"$build/bin/pool_bench" $common --benchmark_filter="^(PoolGetPut|NewDelete)<$sizes>/real_time/threads:[0-9]+\$" >"$results/pool.json"
echo "compare_allocators: the pool on its fallback fence..." >&2
# shellcheck disable=SC2086
POOL_KATAS_FENCE=fallback "$build/bin/pool_bench" $common --benchmark_filter="^PoolGetPut<$sizes>/real_time/threads:[12]\$" >"$results/pool_fallback.json"
for allocator in mimalloc jemalloc tcmalloc_minimal; do
  if cmake --build "$build" --target "pool_bench_$allocator" >/dev/null 2>&1; then
    echo "compare_allocators: new+delete under $allocator..." >&2
    # shellcheck disable=SC2086
    "$build/bin/pool_bench_$allocator" $common --benchmark_filter="^NewDelete<$sizes>/real_time/threads:[12]\$" >"$results/$allocator.json"
  else
    echo "compare_allocators: $allocator is not installed (apt-get install libmimalloc-dev libjemalloc-dev libgoogle-perftools-dev): its column is left out" >&2
  fi
done
echo "ns per get+put (pool) or new+delete (allocators), median of 3; load: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo
python3 "$here/allocators_table.py" "$results"
