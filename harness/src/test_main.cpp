// The main() of every kata, solution and harness test binary.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "harness/pool_guard.h"
#include "result_file.h"
#include "run_each_forked.h"

namespace {

#if HARNESS_POOL_HOSTILE
// Race mode's seed, said where a failure is read: a failing run replays with it.
class RaceModeSeed : public ::testing::EmptyTestEventListener {
  void OnTestEnd(const ::testing::TestInfo& test) override {
    if (test.result()->Failed()) say("failed");
  }
  void OnTestProgramStart(const ::testing::UnitTest&) override { say("on"); }

  static void say(const char* what) {
    const unsigned long long seed = harness::detail::race_mode_seed();
    if (seed == 0) return;
    std::printf("harness::Pool race mode %s: seed %llu (POOL_KATAS_RACE_SEED=%llu replays it)\n", what, seed, seed);
  }
};

// The seed of the second run: fixed, so that a failure replays.
constexpr std::uint64_t kRerunSeed = 1;

// Whether a run that passed goes again in race mode: not when race mode was
// on already (POOL_KATAS_RACE_SEED), nor for the harness's own tests, which
// set race mode themselves (their ctest entries set POOL_KATAS_RACE_RERUN=0),
// nor when GoogleTest only listed the tests.
bool rerun_in_race_mode() {
  const char* rerun = std::getenv("POOL_KATAS_RACE_RERUN");
  if (rerun && std::strcmp(rerun, "0") == 0) return false;
  return harness::detail::race_mode_seed() == 0 && !GTEST_FLAG_GET(list_tests);
}

// A program that waits for an object the pool was free to drop waits
// forever in race mode. Said, and ended, after a limit rather than at the
// test runner's timeout: five seconds more than four times what the first
// run took, generous for any program that is only slow.
class RaceRunWatchdog {
 public:
  explicit RaceRunWatchdog(std::chrono::steady_clock::duration first_run)
      : limit_(std::chrono::seconds(5) + 4 * first_run), thread_([this] { watch(); }) {}
  ~RaceRunWatchdog() {
    {
      const std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    finished_.notify_one();
    thread_.join();
  }
  RaceRunWatchdog(const RaceRunWatchdog&) = delete;
  RaceRunWatchdog& operator=(const RaceRunWatchdog&) = delete;

 private:
  void watch() {
    std::unique_lock<std::mutex> lock(mu_);
    if (finished_.wait_for(lock, limit_, [this] { return done_; })) return;
    std::printf("harness::Pool: the run in race mode did not finish within %lld s: the program waits for an object "
                "the pool was free to drop or to hand to someone else (POOL_KATAS_RACE_SEED=%llu replays it)\n",
                static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(limit_).count()),
                static_cast<unsigned long long>(kRerunSeed));
    std::fflush(stdout);
    harness::detail::record_unfinished(std::chrono::duration_cast<std::chrono::seconds>(limit_).count());
    std::_Exit(1);
  }

  const std::chrono::steady_clock::duration limit_;
  std::mutex mu_;
  std::condition_variable finished_;
  bool done_ = false;
  std::thread thread_;  // last: it starts once the rest is ready
};
#endif

// The tests, as this process's run of them: the results file when asked,
// then GoogleTest, then (when the first run passed) race mode's second run.
int run_tests() {
  // The kata tool reads what failed from this file, not from the text above.
  harness::detail::write_results_when_asked();
  [[maybe_unused]] const auto started = std::chrono::steady_clock::now();
  int status = RUN_ALL_TESTS();
#if HARNESS_POOL_HOSTILE
  // Green once is not green yet: every test again with the pool using the
  // freedom its contract gives it (dropping, moving and collecting objects,
  // harness/pool_guard.h). A program that leans on getting its own object
  // back, or on a cached object surviving, passes the first run and fails
  // this one; a correct one passes both.
  if (status == 0 && rerun_in_race_mode()) {
    std::printf("harness::Pool: every test passed; again in race mode, where the pool drops, moves and collects "
                "objects as its contract allows\n");
    const RaceRunWatchdog watchdog(std::chrono::steady_clock::now() - started);
    harness::detail::set_race_mode_seed(kRerunSeed);
    status = RUN_ALL_TESTS();
  }
#endif
  return status;
}

// The value of --NAME=VALUE among the arguments GoogleTest left, or null.
const char* option(int argc, char** argv, const char* name) {
  const std::size_t length = std::strlen(name);
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], name, length) == 0 && argv[i][length] == '=') return argv[i] + length + 1;
  }
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  // A sanitizer ends the process with _exit(), which throws away whatever
  // stdout still buffers; line buffering keeps GoogleTest's progress lines
  // (which test was running) in the log next to the report.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  testing::InitGoogleTest(&argc, argv);
#if HARNESS_POOL_HOSTILE
  ::testing::UnitTest::GetInstance()->listeners().Append(new RaceModeSeed);
#endif
  // The wrong fixes' judge: many fixes' runs from one start-up
  // (run_each_forked.h; harness/cmake/judge_fixes.cmake).
  const char* plan = option(argc, argv, "--pool_katas_plan");
  const char* out_dir = option(argc, argv, "--pool_katas_out");
  if (plan || out_dir) {
    if (!plan || !out_dir) {
      std::fprintf(stderr, "--pool_katas_plan=FILE and --pool_katas_out=DIR go together\n");
      return 2;
    }
    return harness::detail::run_each_forked(plan, out_dir, run_tests);
  }
  return run_tests();
}
