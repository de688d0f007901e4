// Kata 12: with_lock() and try_with_lock() must let only one caller at a time
// into the critical section, so that state the callers share needs no other
// protection.
#include <chrono>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/testing.h"
#include "with_lock.h"

TEST(PooledMutex, RunsTheCriticalSection) {
  int runs = 0;
  with_lock([&] { ++runs; });
  with_lock([&] { ++runs; });
  EXPECT_EQ(runs, 2) << "with_lock() must run the function it is given, once per call";
  EXPECT_TRUE(try_with_lock([&] { ++runs; })) << "try_with_lock() must get in when nobody else is inside";
  EXPECT_EQ(runs, 3) << "try_with_lock() must run the function it is given when it gets in";
}

namespace {

enum class AliceGoesIn { kWithLock, kWithTryWithLock };

// What two callers saw when they tried to take turns.
struct Turns {
  bool alice_got_in = false;
  bool bob_was_answered_at_once = false;  // his try_with_lock() returned while alice was inside
  bool bob_got_in_while_alice_was_inside = false;
  std::vector<std::string> journal;  // shared by both callers, guarded by the lock alone
};

// Alice goes in (with with_lock() or with try_with_lock(), as told), lets
// Bob go, writes the shared journal, and stays inside until Bob has tried to
// get in too (five seconds at most: a try_with_lock() that waits for the lock
// would otherwise hang the test). A working lock turns Bob away at once; he
// then queues with with_lock() and writes after Alice has left, ordered by
// the lock. If Bob gets in at once, nothing orders Alice's write against his
// and ThreadSanitizer reports it on every run, whichever thread is faster.
//
// The journal is a vector of names, not one string: ThreadSanitizer remembers
// four accesses per 8 bytes, and libc++ keeps a short string's length and its
// characters in the same 8 bytes, so Alice's write of the length could be
// forgotten before Bob reads it. A vector's end pointer has 8 bytes to itself.
Turns take_turns(AliceGoesIn how) {
  // The lambdas capture this one reference, which a std::function keeps
  // without allocating (GCC's -fanalyzer takes such an allocation for a leak).
  struct {
    Turns turns;
    std::latch alice_is_inside{1};
    harness::testing::TimedLatch bob_has_tried{1};
  } scene;

  std::thread alice([&scene, how] {
    const auto inside = [&scene] {
      scene.alice_is_inside.count_down();
      scene.turns.journal.push_back("alice");
      scene.turns.bob_was_answered_at_once = scene.bob_has_tried.wait_for(std::chrono::seconds(5));
    };
    if (how == AliceGoesIn::kWithLock) {
      with_lock(inside);
      scene.turns.alice_got_in = true;
    } else {
      scene.turns.alice_got_in = try_with_lock(inside);
    }
    if (!scene.turns.alice_got_in) scene.alice_is_inside.count_down();  // so that bob does not wait for ever
  });
  std::thread bob([&scene] {
    scene.alice_is_inside.wait();
    scene.turns.bob_got_in_while_alice_was_inside = try_with_lock([&scene] { scene.turns.journal.push_back("bob"); });
    scene.bob_has_tried.count_down();
    if (!scene.turns.bob_got_in_while_alice_was_inside) with_lock([&scene] { scene.turns.journal.push_back("bob"); });
  });
  alice.join();
  bob.join();
  return scene.turns;
}

}  // namespace

TEST(PooledMutex, CallersTakeTurns) {
  const Turns turns = take_turns(AliceGoesIn::kWithLock);
  ASSERT_TRUE(turns.bob_was_answered_at_once)
      << "try_with_lock() made bob wait while alice was inside: it must give up at once and return false, not "
         "wait for the lock";
  EXPECT_FALSE(turns.bob_got_in_while_alice_was_inside)
      << "try_with_lock() let bob in while alice was still inside with_lock()";
  EXPECT_EQ(turns.journal, (std::vector<std::string>{"alice", "bob"}))
      << "alice and bob were inside at the same time and wrote the shared journal together";
}

// The same with Alice inside try_with_lock(): a caller that got in keeps
// everyone out until it leaves, exactly as with_lock() does. Checking that
// nobody is inside and then running f without the lock is not enough.
TEST(PooledMutex, ACallerInsideTryWithLockKeepsOthersOut) {
  const Turns turns = take_turns(AliceGoesIn::kWithTryWithLock);
  ASSERT_TRUE(turns.alice_got_in) << "try_with_lock() turned alice away although nobody else was inside";
  ASSERT_TRUE(turns.bob_was_answered_at_once)
      << "try_with_lock() made bob wait while alice was inside: it must give up at once and return false, not "
         "wait for the lock";
  EXPECT_FALSE(turns.bob_got_in_while_alice_was_inside)
      << "try_with_lock() let bob in while alice was still inside try_with_lock(): getting in must mean holding "
         "the lock until f returns";
  EXPECT_EQ(turns.journal, (std::vector<std::string>{"alice", "bob"}))
      << "alice and bob were inside at the same time and wrote the shared journal together";
}

#include <functional>  // these two here, not above, so that the lines the docs cite stay where they are
#include <stdexcept>

// A critical section may throw: the exception leaves with_lock() or
// try_with_lock(), and the lock must leave with it, or every caller after it
// is kept out for good.
TEST(PooledMutex, ACriticalSectionThatThrowsLeavesNobodyInside) {
  const std::function<void()> fails = [] { throw std::runtime_error("the critical section failed"); };
  for (const bool through_try : {false, true}) {
    const char* const through = through_try ? "try_with_lock()" : "with_lock()";
    if (through_try) {
      EXPECT_THROW(try_with_lock(fails), std::runtime_error) << "try_with_lock() did not pass on f's exception";
    } else {
      EXPECT_THROW(with_lock(fails), std::runtime_error) << "with_lock() did not pass on f's exception";
    }
    // Asked from another thread: the thread that holds a std::mutex may not
    // try it again.
    bool answered = false;
    bool ran = false;
    std::thread([&] { answered = try_with_lock([&] { ran = true; }); }).join();
    EXPECT_TRUE(answered && ran) << "after a critical section threw out of " << through << ", try_with_lock() on "
                                 << "another thread was turned away with nobody inside: the exception left the lock "
                                    "held";
  }
}
