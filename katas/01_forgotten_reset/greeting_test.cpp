// Kata 01: each greeting must contain its own name and nothing else.
#include <gtest/gtest.h>

#include "greeting.h"

TEST(ForgottenReset, FirstGreetingIsCorrect) {
  EXPECT_EQ(greet("alice"), "hello alice");
}

TEST(ForgottenReset, EachGreetingHoldsOnlyItsOwnName) {
  const std::string first = greet("alice");
  const std::string second = greet("bob");
  const std::string third = greet("carol");
  EXPECT_EQ(second, "hello bob") << "the buffer came back from the pool still holding the previous caller's text";
  EXPECT_EQ(third, "hello carol") << "the buffer came back from the pool still holding the previous callers' text";
}

TEST(ForgottenReset, GreetingsReuseOnePooledBuffer) {
  greet("warm-up");  // from here on the pool holds a buffer
  const harness::PoolStats before = greeting_buffers.stats();
  for (const char* name : {"dave", "erin", "frank", "grace"}) EXPECT_EQ(greet(name), std::string("hello ") + name);
  const harness::PoolStats after = greeting_buffers.stats();
  EXPECT_EQ(after.gets - before.gets, 4u) << "greet() must format in a buffer taken from greeting_buffers";
  EXPECT_EQ(after.hits - before.hits, 4u) << "each call should reuse the pooled buffer instead of making a new one";
}

// The pool is there so that greetings are formatted in a reused buffer, which
// keeps the room it grew to for the next caller.
TEST(ForgottenReset, TheGreetingIsFormattedInThePooledBuffer) {
  greeting_buffers.collect();  // start from an empty pool, whatever earlier tests left in it
  greeting_buffers.collect();
  const std::string name(100, 'z');
  EXPECT_EQ(greet(name), "hello " + name);
  std::unique_ptr<std::string> pooled = greeting_buffers.get();  // the buffer greet() just put back
  ASSERT_NE(pooled, nullptr);
  EXPECT_GE(pooled->capacity(), name.size())
      << "the pooled buffer came back without the room the greeting needed: greet() formatted it somewhere else, or moved the buffer's storage out, so every call allocates again";
  greeting_buffers.put(std::move(pooled));
}
