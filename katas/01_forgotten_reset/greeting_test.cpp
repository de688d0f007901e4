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
