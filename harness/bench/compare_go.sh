#!/bin/sh
# compare_go.sh — harness::Pool against Go's sync.Pool, same object, same loop,
# one run, two tables (get/put, then the pipeline: handed from one thread to
# another, with new+delete and Go's allocation beside the pools). Usage: harness/bench/compare_go.sh [build-dir]
# (default build/bench, configured Release on first use). Without Go it says
# so and exits 0, so `make bench-go` never fails on a machine without Go.
set -eu

if ! command -v go >/dev/null 2>&1; then
  echo "compare_go: Go is not installed (apt-get install golang-go); skipping the sync.Pool comparison"
  exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/bench}
export LC_ALL=C   # '.' as the decimal point for sort -n and awk

# Release, not the presets' RelWithDebInfo + sanitizers: the numbers must mean
# something. Only configure once; the build is a no-op when up to date.
[ -f "$build/CMakeCache.txt" ] ||
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target pool_bench >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# C++: five repetitions, keep the medians. Names become the Go ones:
# PoolGetPut<1024>/real_time/threads:2 -> PoolGetPut/1024/threads:2, and
# MakeUnique<N> (value-initialised, like Go's new) -> Alloc/N. The pipeline
# rows keep their names: PoolHandoff/1024/threads:4 is also the Go name,
# NewDeleteHandoff/1024/threads:4 has AllocHandoff as its Go counterpart.
echo "compare_go: running pool_bench (C++), 5 repetitions..." >&2
"$build/bin/pool_bench" \
  --benchmark_filter='^(PoolGetPut|MakeUnique|PoolHandoff|NewDeleteHandoff|MutexTierHandoff)<' \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_format=console --benchmark_color=false 2>/dev/null >"$tmp/cpp.txt"
awk '$1 ~ /_median$/ && $3 == "ns" {
       n = $1; sub(/_median$/, "", n); sub(/real_time\//, "", n)
       sub(/</, "/", n); sub(/>/, "", n); sub(/^MakeUnique/, "Alloc", n)
       print n, $2 }' "$tmp/cpp.txt" >"$tmp/cpp.med"

# Go: never touch the network (no dependencies, no toolchain download).
# -cpu 2 sets GOMAXPROCS=2, so RunParallel runs two goroutines, one per P.
# -benchtime 500ms matches Google Benchmark's default minimum time per run.
echo "compare_go: running go test -bench (sync.Pool), -count=5..." >&2
(cd "$here/go" && GOFLAGS=-mod=mod GOTOOLCHAIN=local GOPROXY=off GOWORK=off \
  go test -run '^$' -bench . -benchtime=500ms -count=5 -cpu 2) >"$tmp/go.txt"
# BenchmarkPoolGetPut/1024/threads:2-2  N  17.9 ns/op: drop the prefix and the
# -GOMAXPROCS suffix, sort each name's five values, print the middle one.
# The pipeline's rows are sub-benchmarks of BenchmarkHandoff:
# BenchmarkHandoff/PoolHandoff/1024/threads:4-2 -> PoolHandoff/1024/threads:4.
awk '/^Benchmark/ && $4 == "ns/op" { n = $1; sub(/^Benchmark/, "", n)
       sub(/^Handoff\//, "", n); sub(/-[0-9]+$/, "", n); print n, $3 }' "$tmp/go.txt" |
  sort -k1,1 -k2,2n |
  awk '{ k[NR] = $1; v[NR] = $2 }
       END { for (i = 1; i <= NR; i = j + 1) {
               for (j = i; j < NR && k[j + 1] == k[i]; j++) ;
               print k[i], v[int((i + j) / 2)] } }' >"$tmp/go.med"

if [ ! -s "$tmp/cpp.med" ] || [ ! -s "$tmp/go.med" ]; then
  echo "compare_go: could not read the benchmark output:" >&2
  cat "$tmp/cpp.txt" "$tmp/go.txt" >&2
  exit 1
fi

# Both columns are wall time per operation. For threads:2 that is the
# aggregate: Google Benchmark with UseRealTime divides the (per-thread
# averaged) wall time by the iterations of both threads together, and Go's
# RunParallel divides wall time by b.N, the operations of all goroutines.
# So 2-thread rows are throughput; perfect scaling would halve the 1-thread ns.
awk 'NR == FNR { go[$1] = $2; next }
     FNR == 1 { printf "%-6s %7s %7s %10s %10s %8s\n", "what", "size",
                "threads", "C++ ns/op", "Go ns/op", "C++/Go" }
     ($1 in go) && $1 !~ /Handoff/ { split($1, f, "/"); t = f[3]; sub(/threads:/, "", t)
       s = f[2] >= 1024 ? f[2] / 1024 " KiB" : f[2] " B"
       printf "%-6s %7s %7s %10.1f %10.1f %8.2f\n", f[1] == "Alloc" ? "alloc" : "pool",
              s, t, $2, go[$1], $2 / go[$1] }' "$tmp/go.med" "$tmp/cpp.med"
echo "(medians of 5; pool: harness::Pool vs sync.Pool; alloc: make_unique+delete vs Go new,"
echo " which also pays its share of garbage collection; C++/Go > 1 means C++ is slower)"

# The pipeline, 1 KiB objects: threads in pairs, the even one of a pair takes
# an object and pushes it to the pair's 64-cell ring, the odd one pops it and
# gives it back. Same meaning on both sides: wall time / the iterations of all
# threads together, and one object handed over is two iterations (one per side).
awk 'NR == FNR { go[$1] = $2; next }
     { cpp[$1] = $2 }
     END { for (t = 2; t <= 16; t *= 2) {
             k = "/1024/threads:" t
             p = "PoolHandoff" k; d = "NewDeleteHandoff" k; a = "AllocHandoff" k
             m = "MutexTierHandoff" k
             if (!(p in cpp) || !(d in cpp) || !(m in cpp) || !(p in go) || !(a in go)) continue
             if (!shown++) {
               print ""
               print "pipeline, 1 KiB, ns/op (one side of one handoff; 2 ops per object)"
               printf "%7s %9s %10s %11s %12s %9s %12s %14s %11s\n", "threads", "C++ pool",
                      "mutex tier", "C++ new+del", "Go sync.Pool", "Go alloc", "pool/new+del",
                      "pool/sync.Pool", "pool/mutex" }
             printf "%7d %9.1f %10.1f %11.1f %12.1f %9.1f %12.2f %14.2f %11.2f\n", t, cpp[p], cpp[m],
                    cpp[d], go[p], go[a], cpp[p] / cpp[d], cpp[p] / go[p], cpp[p] / cpp[m] }
           if (shown) {
             print "(medians of 5; ratios < 1 mean the pool is faster; mutex tier: the pool before its"
             print " lock-free rings, harness/bench/pool_with_mutex_tier.h; 4 to 16 threads share the 2 cores)" } }' \
  "$tmp/go.med" "$tmp/cpp.med"
