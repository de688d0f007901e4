// result_file.h — what a test run found, written as data for the kata tool.
//
// What it promises
//   * When the environment names a file in KATA_RESULT_FILE, every test binary
//     writes one line per event to it, tab-separated, flushed at once (a
//     sanitizer may end the process at the next instruction):
//
//       run        <TAB> plain|race-mode
//       started    <TAB> Suite.Test
//       failed     <TAB> Suite.Test <TAB> file <TAB> line <TAB> what <TAB> message
//       passed     <TAB> Suite.Test
//       unfinished <TAB> Suite.Test <TAB> seconds
//       done       <TAB> passed|failed
//
//     A "run" line opens each run of the tests: a binary whose tests pass
//     runs them again in the pool's race mode (test_main.cpp), so a file
//     can hold two. "unfinished" is written when that second run is ended
//     for taking too long: the test that was running, and the limit.
//     `what` is the last line of the failure's message: the test's own words
//     ("the buffer came back from the pool still holding ..."), or
//     GoogleTest's when the test gave none. `message` is the whole message
//     with newlines written as \n and backslashes as \\. `file` is as the
//     compiler saw it (an absolute path in the build).
//   * A run that crashes leaves a "started" line with no "passed" or
//     "failed" after it: the test that was running.
//
// What it does not promise
//   * anything without KATA_RESULT_FILE: no file, no cost;
//   * a "done" line after a crash or a sanitizer report.
#pragma once

namespace harness::detail {

// Registers the writer with GoogleTest when KATA_RESULT_FILE is set.
// Call after testing::InitGoogleTest().
void write_results_when_asked();

// Records that the running test did not finish within `seconds` (from any
// thread; nothing without KATA_RESULT_FILE).
void record_unfinished(long long seconds);

}  // namespace harness::detail
