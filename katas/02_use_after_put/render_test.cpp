// Kata 02: a greeting returned by render() must stay intact for as long as
// the caller reads it, even while other threads render.
#include <atomic>
#include <cstdint>
#include <deque>
#include <latch>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "harness/testing.h"
#include "render.h"

TEST(UseAfterPut, RendersTheGreeting) {
  const std::string& greeting = render("alice");
  EXPECT_EQ(greeting, "hello alice");
}

TEST(UseAfterPut, RenderingReusesThePooledBuffer) {
  const harness::testing::ExactPool exact("counts reuse: a put() that race mode drops would count as a miss");
  render("warm-up");
  const harness::testing::PoolActivity activity(render_buffers);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(render("bob"), "hello bob");
  EXPECT_EQ(activity.gets(), 3u) << "render() must build the greeting in a buffer from render_buffers";
  EXPECT_EQ(activity.factory_calls(), 0u) << "render() should reuse the pooled buffer, not make new ones";
}

// Thread A renders and then reads its greeting. Thread B renders as soon as
// A's render() has put its buffer back, which B sees by watching the pool's
// counters: that tells B when to go without ordering anything A does. The pool
// orders only what A did before put(); whatever A reads of the buffer after
// put() (inside render() or after it returned) races with B's writes, and
// ThreadSanitizer reports it on every run, whichever thread is faster. (A
// render() that never puts its buffer back lets B go once it returns.) The
// pool is drained first, so that B's render() can only get A's buffer. A stays
// until B is done: had it exited, its thread's cache would pass to B in order.
TEST(UseAfterPut, AGreetingStaysIntactWhileAnotherThreadRenders) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(render_buffers);
  const std::uint64_t puts_before = render_buffers.stats().puts;
  std::atomic<bool> a_has_rendered{false};  // relaxed: it orders nothing either
  std::latch b_is_done(1);
  std::string read_by_a;
  std::string read_by_b;

  std::thread a([&] {
    const auto& greeting = render("alice");  // binds to a string or a reference alike
    a_has_rendered.store(true, std::memory_order_relaxed);
    read_by_a = greeting;
    b_is_done.wait();
  });
  std::thread b([&] {
    while (render_buffers.stats().puts == puts_before && !a_has_rendered.load(std::memory_order_relaxed)) {
      std::this_thread::yield();
    }
    read_by_b = render("bob");
    b_is_done.count_down();
  });
  a.join();
  b.join();

  EXPECT_EQ(read_by_a, "hello alice") << "alice's greeting changed after render() put its buffer back: "
                                         "another caller was writing into the same buffer";
  EXPECT_EQ(read_by_b, "hello bob");
}

TEST(UseAfterPut, AGreetingStaysIntactWhenTheSameThreadRendersAgain) {
  const auto& alice = render("alice");  // binds to a string or a reference alike
  const auto& bob = render("bob");
  EXPECT_EQ(alice, "hello alice") << "alice's greeting changed when the same thread rendered bob's: "
                                     "it still lived in storage that render() writes again";
  EXPECT_EQ(bob, "hello bob");
}

// However many greetings a caller holds at once, each keeps its own text:
// render() may not hand out storage that a later call writes again, and a
// fixed set of places to keep results, however large, runs out.
TEST(UseAfterPut, AHundredGreetingsHeldAtOnceEachKeepTheirOwnText) {
  using Greeting = decltype(render(""));  // a string or a reference alike
  struct Held {
    Greeting greeting;
  };
  std::deque<Held> held;
  for (int i = 0; i < 100; ++i) held.push_back(Held{render("guest " + std::to_string(i))});
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(held[i].greeting, "hello guest " + std::to_string(i))
        << "greeting " << i << " changed while the caller still held it: a later render() wrote into the "
                               "storage it lives in";
  }
}

// The pool is there so that greetings are built in a reused buffer, which
// keeps the room it grew to for the next caller.
TEST(UseAfterPut, TheGreetingIsBuiltInThePooledBuffer) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(render_buffers);  // start from an empty pool, whatever earlier tests left in it
  const std::string name(100, 'z');
  EXPECT_EQ(render(name), "hello " + name);
  std::unique_ptr<std::string> pooled = render_buffers.try_get();  // the buffer render() just put back, never the factory's
  ASSERT_NE(pooled, nullptr) << "render() put no buffer back into render_buffers";
  EXPECT_GE(pooled->capacity(), name.size())
      << "the pooled buffer came back without the room the greeting needed: render() built it somewhere else, or moved the buffer's storage out, so every call allocates again";
  render_buffers.put(std::move(pooled));
}
