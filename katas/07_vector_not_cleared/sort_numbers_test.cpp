// Kata 07: every line must be sorted on its own, with nothing left over from
// the lines sorted before it.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sort_numbers.h"

const char* const kLeftovers =
    "numbers from an earlier line turned up in this one: the pooled vector came back still holding them";

TEST(VectorNotCleared, SortsALine) {
  EXPECT_EQ(sort_numbers("3 1 2"), "1 2 3");
}

TEST(VectorNotCleared, EachLineIsSortedOnItsOwn) {
  EXPECT_EQ(sort_numbers("30 10 20"), "10 20 30") << kLeftovers;
  EXPECT_EQ(sort_numbers("5 -4"), "-4 5") << kLeftovers;
  EXPECT_EQ(sort_numbers(""), "") << "an empty line must give an empty result; " << kLeftovers;
}

TEST(VectorNotCleared, SortingReusesThePooledVector) {
  sort_numbers("0");  // from here on the pool holds a vector
  const harness::PoolStats before = number_buffers.stats();
  EXPECT_EQ(sort_numbers("2 1"), "1 2") << kLeftovers;
  EXPECT_EQ(sort_numbers("9 7 8"), "7 8 9") << kLeftovers;
  EXPECT_EQ(sort_numbers("6"), "6") << kLeftovers;
  const harness::PoolStats after = number_buffers.stats();
  EXPECT_EQ(after.gets - before.gets, 3u) << "sort_numbers() must parse into a vector taken from number_buffers";
  EXPECT_EQ(after.hits - before.hits, 3u)
      << "each call should reuse the vector the previous call put back, instead of making a new one";
}

TEST(VectorNotCleared, ThePooledVectorKeepsItsCapacity) {
  std::string line;
  for (int i = 100; i > 0; --i) line += std::to_string(i) + " ";
  sort_numbers(line);
  // Borrow the vector sort_numbers() just put back, look at it, return it.
  std::unique_ptr<std::vector<long>> pooled = number_buffers.get();
  ASSERT_NE(pooled, nullptr);
  EXPECT_GE(pooled->capacity(), 100u)
      << "the vector went back to the pool without the room it had grown: "
         "emptying it must keep its capacity, or pooling it gains nothing";
  number_buffers.put(std::move(pooled));
}
