// Kata 02: a greeting returned by render() must stay intact for as long as
// the caller reads it, even while other threads render.
#include <latch>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "render.h"

TEST(UseAfterPut, RendersTheGreeting) {
  const std::string& greeting = render("alice");
  EXPECT_EQ(greeting, "hello alice");
}

TEST(UseAfterPut, RenderingReusesThePooledBuffer) {
  render("warm-up");
  const harness::PoolStats before = render_buffers.stats();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(render("bob"), "hello bob");
  const harness::PoolStats after = render_buffers.stats();
  EXPECT_EQ(after.gets - before.gets, 3u) << "render() must build the greeting in a buffer from render_buffers";
  EXPECT_EQ(after.factory_calls, before.factory_calls) << "render() should reuse the pooled buffer, not make new ones";
}

// Thread A renders, lets B go, then reads its greeting. B renders right
// after. The latch orders B's render after A's, but nothing orders A's read
// against B's render: if both touch the same memory, ThreadSanitizer reports
// it on every run, whichever thread happens to be faster. A stays until B is
// done: had it exited, its thread's cache would pass to B in order.
TEST(UseAfterPut, AGreetingStaysIntactWhileAnotherThreadRenders) {
  std::latch a_has_rendered(1);
  std::latch b_is_done(1);
  std::string read_by_a;
  std::string read_by_b;

  std::thread a([&] {
    const std::string& greeting = render("alice");
    a_has_rendered.count_down();
    read_by_a = greeting;
    b_is_done.wait();
  });
  std::thread b([&] {
    a_has_rendered.wait();
    read_by_b = render("bob");
    b_is_done.count_down();
  });
  a.join();
  b.join();

  EXPECT_EQ(read_by_a, "hello alice") << "alice's greeting changed after render() returned it: "
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

// The pool is there so that greetings are built in a reused buffer, which
// keeps the room it grew to for the next caller.
TEST(UseAfterPut, TheGreetingIsBuiltInThePooledBuffer) {
  render_buffers.collect();  // start from an empty pool, whatever earlier tests left in it
  render_buffers.collect();
  const std::string name(100, 'z');
  EXPECT_EQ(render(name), "hello " + name);
  std::unique_ptr<std::string> pooled = render_buffers.get();  // the buffer render() just put back
  ASSERT_NE(pooled, nullptr);
  EXPECT_GE(pooled->capacity(), name.size())
      << "the pooled buffer came back without the room the greeting needed: render() built it somewhere else, or moved the buffer's storage out, so every call allocates again";
  render_buffers.put(std::move(pooled));
}
