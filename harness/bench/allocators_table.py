#!/usr/bin/env python3
"""allocators_table.py RESULTS_DIR — the tables of `make bench-allocators`.

Reads Google Benchmark's JSON output (one file per run, written by
compare_allocators.sh) and prints Markdown: the pool against new+delete under
each allocator, per object size and thread count, with the ratio to the
fastest allocator; then the same loop with more threads than cores. Times
are the medians of the repetitions, in nanoseconds per get+put (or
new+delete), wall clock per operation as Google Benchmark reports it with
UseRealTime.
"""
import json
import os
import re
import sys

# Columns: title, the run (file stem) and the benchmark it comes from. The
# glibc run is the plain binary, which also measures the pool.
COLUMNS = [
    ("pool", "pool", "PoolGetPut"),
    ("pool, fallback fence", "pool_fallback", "PoolGetPut"),
    ("glibc", "pool", "NewDelete"),
    ("mimalloc", "mimalloc", "NewDelete"),
    ("jemalloc", "jemalloc", "NewDelete"),
    ("tcmalloc", "tcmalloc_minimal", "NewDelete"),
]
ALLOCATORS = [c for c in COLUMNS if c[2] == "NewDelete"]
NAME = re.compile(r"^(PoolGetPut|NewDelete)<(\d+)>/real_time/threads:(\d+)_median$")


def load(directory):
    """{(run, bench, size, threads): ns} for every run that has a file."""
    times = {}
    for stem in {c[1] for c in COLUMNS}:
        path = os.path.join(directory, stem + ".json")
        if not os.path.exists(path):
            continue
        for row in json.load(open(path))["benchmarks"]:
            match = NAME.match(row["name"])
            if match:
                bench, size, threads = match.group(1), int(match.group(2)), int(match.group(3))
                times[(stem, bench, size, threads)] = row["real_time"]
    return times


def cell(value):
    return "—" if value is None else f"{value:.1f}"


def size_name(size):
    return f"{size // 1024} KiB" if size >= 1024 else f"{size} B"


def main():
    times = load(sys.argv[1])
    columns = [c for c in COLUMNS if any(k[0] == c[1] and k[1] == c[2] for k in times)]
    print("| object | threads | " + " | ".join(c[0] for c in columns) + " | pool / fastest allocator |")
    print("|---|---|" + "---|" * (len(columns) + 1))
    for size in (16, 1024, 65536):
        for threads in (1, 2):
            row = [size_name(size), str(threads)]
            row += [cell(times.get((stem, bench, size, threads))) for _, stem, bench in columns]
            pool = times.get(("pool", "PoolGetPut", size, threads))
            fastest = [times.get((stem, bench, size, threads)) for _, stem, bench in ALLOCATORS]
            fastest = [v for v in fastest if v is not None]
            ratio = "—" if pool is None or not fastest else f"{pool / min(fastest):.2f}"
            print("| " + " | ".join(row) + f" | {ratio} |")
    print()
    print("| 1 KiB, threads on 2 cores | pool | new+delete (glibc) | pool / new+delete |")
    print("|---|---|---|---|")
    for threads in (1, 2, 4, 8, 16):
        pool = times.get(("pool", "PoolGetPut", 1024, threads))
        plain = times.get(("pool", "NewDelete", 1024, threads))
        ratio = "—" if pool is None or plain is None else f"{pool / plain:.2f}"
        print(f"| {threads} | {cell(pool)} | {cell(plain)} | {ratio} |")


if __name__ == "__main__":
    main()
