// Kata 10: a greeting sent in the background must reach `deliver` intact,
// however long the worker takes and whatever the caller does meanwhile.
#include <chrono>
#include <semaphore>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "harness/testing.h"

#include "send.h"

// A harness::JoiningThread joins when it is destroyed: each block below ends only once
// its workers have delivered.

TEST(ThreadOutlivesLease, DeliversTheGreetingOnAWorkerThread) {
  std::string delivered;
  std::thread::id delivered_on;
  {
    auto worker = send_greeting("alice", [&](const std::string& greeting) {
      delivered = greeting;
      delivered_on = std::this_thread::get_id();
    });
  }
  EXPECT_EQ(delivered, "hello alice") << "deliver() did not receive alice's greeting";
  EXPECT_NE(delivered_on, std::this_thread::get_id())
      << "the greeting must be delivered by the worker thread, not by the caller";
}

TEST(ThreadOutlivesLease, GreetingsAreFormattedInThePooledBuffer) {
  const harness::testing::ExactPool exact("counts reuse: a put() that race mode drops would count as a miss");
  { auto worker = send_greeting("warm-up", [](const std::string&) {}); }
  const harness::testing::PoolActivity activity(outgoing_buffers);
  for (const char* name : {"bob", "carol", "dave"}) {
    std::string delivered;
    { auto worker = send_greeting(name, [&](const std::string& greeting) { delivered = greeting; }); }
    EXPECT_EQ(delivered, std::string("hello ") + name);
  }
  EXPECT_EQ(activity.gets(), 3u) << "send_greeting() must format the greeting in a buffer from outgoing_buffers";
  EXPECT_EQ(activity.factory_calls(), 0u)
      << "one send at a time should keep reusing the pooled buffer, not make new ones";
}

// Delivery is slow: alice's worker reads its greeting only once the caller
// has moved on and is sending to bob. The semaphore orders bob's send after
// alice's, but nothing orders alice's read against bob's send: if both touch
// the same memory, ThreadSanitizer reports it on every run, whichever thread
// happens to be faster. (The timeout only ends the wait if send_greeting()
// never returns before its worker is done; it is not part of the schedule.)
TEST(ThreadOutlivesLease, AGreetingStaysIntactWhileTheCallerSendsTheNext) {
  std::binary_semaphore caller_moved_on(0);
  std::string delivered_to_alice;
  std::string delivered_to_bob;

  {
    auto alice = send_greeting("alice", [&](const std::string& greeting) {
      const bool in_time = caller_moved_on.try_acquire_for(std::chrono::seconds(5));
      EXPECT_TRUE(in_time) << "send_greeting() waited for its worker instead of returning to the caller";
      delivered_to_alice = greeting;
    });
    caller_moved_on.release();
    auto bob = send_greeting("bob", [&](const std::string& greeting) { delivered_to_bob = greeting; });
  }

  EXPECT_EQ(delivered_to_alice, "hello alice") << "alice's greeting changed before her worker delivered it: "
                                                  "the caller was already writing the next greeting into it";
  EXPECT_EQ(delivered_to_bob, "hello bob");
}

// The pool is there so that greetings are formatted in a reused buffer, which
// keeps the room it grew to for the next send.
TEST(ThreadOutlivesLease, TheGreetingIsFormattedInThePooledBuffer) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(outgoing_buffers);  // start from an empty pool, whatever earlier tests left in it
  const std::string name(100, 'z');
  std::string delivered;
  { auto worker = send_greeting(name, [&](const std::string& greeting) { delivered = greeting; }); }
  EXPECT_EQ(delivered, "hello " + name);
  std::unique_ptr<std::string> pooled = outgoing_buffers.get();  // the buffer send_greeting() used, back in the pool
  ASSERT_NE(pooled, nullptr);
  EXPECT_GE(pooled->capacity(), name.size())
      << "the pooled buffer came back without the room the greeting needed: send_greeting() formatted it somewhere "
         "else, or moved the buffer's storage out, so every send allocates again";
  outgoing_buffers.put(std::move(pooled));
}
