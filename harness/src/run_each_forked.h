// run_each_forked.h — one binary, many judged runs, one start-up.
//
// A kata's wrong fixes are compiled into one binary (harness/cmake/
// WrongFixes.cmake), each fix's tests renamed FixI_*. Judging a fix used to
// start that binary once per fix, and the start-up was most of the cost: the
// sanitizer's shadow memory and every fix's static pools (192 KiB each) are
// set up again for each process, about 0.1 to 0.2 s of CPU a fix against a
// few milliseconds of tests. This runs them all from one start: the process
// starts once, then forks a child per fix, and each child runs that fix's
// tests exactly as a process of its own would (same filter, same flags, same
// race-mode second run, same sanitizer, its own results file and output).
//
// What it promises
//   * Each line of the plan file, `FIX <TAB> wrong|right|gap <TAB> SECONDS
//     <TAB> SEED`, is run in a child forked from the untouched parent: the
//     child sees the state a fresh process has after static initialisation,
//     and nothing any other fix did.
//   * For each line it writes, in OUT_DIR: FIX.out (the child's stdout and
//     stderr), FIX.results.tsv (harness/src/result_file.h), and FIX.status,
//     one line: `exit N`, `signal N`, or `timeout` (the child ran longer than
//     SECONDS and was killed).
//   * "right" and "gap" lines run shuffled, three times over, from SEED, as
//     run_fix.cmake runs them; "wrong" lines run once, in order.
//
// What it does not promise
//   * a judgement: which status means what is harness/cmake/judge_fix.cmake's
//     business;
//   * an order: four children run at a time, each writing only its own files;
//   * a parent with threads: a forked child gets only the forking thread, so
//     when static initialisation started threads the run refuses (exit 3),
//     and the caller runs each fix in a process of its own instead.
#pragma once

namespace harness::detail {

// Runs the plan (see above); `run_tests` runs GoogleTest with the flags the
// child has set and returns the process's exit status. Returns 0 when every
// line was run (whatever each child's verdict), 2 on a bad plan file, 3 when
// the process has other threads and cannot fork safely.
int run_each_forked(const char* plan_path, const char* out_dir, int (*run_tests)());

}  // namespace harness::detail
