// Kata 12: with_lock() must let only one caller at a time into its critical
// section, so that state shared between callers needs no other protection.
#include <latch>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "with_lock.h"

TEST(PooledMutex, RunsTheCriticalSection) {
  int runs = 0;
  with_lock([&] { ++runs; });
  with_lock([&] { ++runs; });
  EXPECT_EQ(runs, 2) << "with_lock() must run the function it is given, once per call";
}

// Alice enters first, lets Bob go, and only then writes the shared journal.
// Bob calls with_lock() as soon as Alice is inside. If the lock works, Bob
// waits at the door until Alice leaves and the lock orders the two writes. If
// it does not, nothing orders Alice's write against Bob's, and
// ThreadSanitizer reports it on every run, whichever thread is faster.
TEST(PooledMutex, CallersTakeTurns) {
  std::string journal;  // shared by both callers, guarded by with_lock() alone
  std::latch alice_is_inside(1);

  std::thread alice([&] {
    with_lock([&] {
      alice_is_inside.count_down();
      journal += "alice;";
    });
  });
  std::thread bob([&] {
    alice_is_inside.wait();
    with_lock([&] { journal += "bob;"; });
  });
  alice.join();
  bob.join();

  EXPECT_EQ(journal, "alice;bob;") << "both callers were inside with_lock() at the same time and "
                                      "wrote the shared journal together";
}
