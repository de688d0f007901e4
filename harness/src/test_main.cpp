// The main() of every kata, solution and harness test binary.
#include <cstdio>

#include <gtest/gtest.h>

#include "harness/pool_guard.h"
#include "result_file.h"

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
#endif

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
  // The kata tool reads what failed from this file, not from the text above.
  harness::detail::write_results_when_asked();
  return RUN_ALL_TESTS();
}
