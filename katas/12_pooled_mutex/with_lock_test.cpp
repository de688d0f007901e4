// Kata 12: with_lock() and try_with_lock() must let only one caller at a time
// into the critical section, so that state the callers share needs no other
// protection.
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "with_lock.h"

TEST(PooledMutex, RunsTheCriticalSection) {
  int runs = 0;
  with_lock([&] { ++runs; });
  with_lock([&] { ++runs; });
  EXPECT_EQ(runs, 2) << "with_lock() must run the function it is given, once per call";
  EXPECT_TRUE(try_with_lock([&] { ++runs; })) << "try_with_lock() must get in when nobody else is inside";
  EXPECT_EQ(runs, 3) << "try_with_lock() must run the function it is given when it gets in";
}

// Alice goes in, lets Bob go, writes the shared journal, and stays inside
// until Bob has tried to get in too. A working lock turns Bob away; he then
// queues with with_lock() and writes after Alice has left, ordered by the
// lock. If Bob gets in at once, nothing orders Alice's write against his and
// ThreadSanitizer reports it on every run, whichever thread is faster.
//
// The journal is a vector of names, not one string: ThreadSanitizer remembers
// four accesses per 8 bytes, and libc++ keeps a short string's length and its
// characters in the same 8 bytes, so Alice's write of the length could be
// forgotten before Bob reads it. A vector's end pointer has 8 bytes to itself.
TEST(PooledMutex, CallersTakeTurns) {
  std::vector<std::string> journal;  // shared by both callers, guarded by the lock alone
  std::latch alice_is_inside(1);
  std::latch bob_has_tried(1);
  bool bob_got_in_while_alice_was_inside = false;

  std::thread alice([&] {
    with_lock([&] {
      alice_is_inside.count_down();
      journal.push_back("alice");
      bob_has_tried.wait();
    });
  });
  std::thread bob([&] {
    alice_is_inside.wait();
    bob_got_in_while_alice_was_inside = try_with_lock([&] { journal.push_back("bob"); });
    bob_has_tried.count_down();
    if (!bob_got_in_while_alice_was_inside) with_lock([&] { journal.push_back("bob"); });
  });
  alice.join();
  bob.join();

  EXPECT_FALSE(bob_got_in_while_alice_was_inside) << "try_with_lock() let bob in while alice was still inside with_lock()";
  EXPECT_EQ(journal, (std::vector<std::string>{"alice", "bob"})) << "alice and bob were inside at the same time and wrote the shared journal together";
}

// The same with the calls swapped: a caller that got in with try_with_lock()
// keeps everyone out until it leaves, exactly as with_lock() does. Checking
// that nobody is inside and then running f without the lock is not enough.
TEST(PooledMutex, ACallerInsideTryWithLockKeepsOthersOut) {
  std::vector<std::string> journal;  // shared by both callers, guarded by the lock alone
  std::latch alice_is_inside(1);
  std::latch bob_has_tried(1);
  bool alice_got_in = false;
  bool bob_got_in_while_alice_was_inside = false;

  std::thread alice([&] {
    alice_got_in = try_with_lock([&] {
      alice_is_inside.count_down();
      journal.push_back("alice");
      bob_has_tried.wait();
    });
    if (!alice_got_in) alice_is_inside.count_down();  // so that bob does not wait for ever
  });
  std::thread bob([&] {
    alice_is_inside.wait();
    bob_got_in_while_alice_was_inside = try_with_lock([&] { journal.push_back("bob"); });
    bob_has_tried.count_down();
    if (!bob_got_in_while_alice_was_inside) with_lock([&] { journal.push_back("bob"); });
  });
  alice.join();
  bob.join();

  ASSERT_TRUE(alice_got_in) << "try_with_lock() turned alice away although nobody else was inside";
  EXPECT_FALSE(bob_got_in_while_alice_was_inside)
      << "try_with_lock() let bob in while alice was still inside try_with_lock(): getting in must mean holding "
         "the lock until f returns";
  EXPECT_EQ(journal, (std::vector<std::string>{"alice", "bob"})) << "alice and bob were inside at the same time and wrote the shared journal together";
}
