// Kata 25: a pool made for one thread, used by many, must be used by one.
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/testing.h"
#include "scratch_pool.h"

namespace {

std::vector<std::vector<float>> batches(int count, int size) {
  std::vector<std::vector<float>> all(static_cast<std::size_t>(count));
  for (int b = 0; b < count; ++b)
    for (int v = 0; v < size; ++v) all[static_cast<std::size_t>(b)].push_back(static_cast<float>(b + v));
  return all;
}

float expected_sum(const std::vector<float>& batch, float scale) {
  float sum = 0;
  for (const float v : batch) sum += v * scale;
  return sum;
}

}  // namespace

TEST(OnePoolForEveryThread, SumsOneBatch) {
  EXPECT_FLOAT_EQ(scaled_sum({1, 2, 3}, 2.0f), 12.0f);
}

TEST(OnePoolForEveryThread, ABatchAfterTheFirstAllocatesNothing) {
  const std::vector<float> batch(1000, 1.0f);
  scaled_sum(batch, 1.0f);  // this thread's scratch buffer now has the room
  const std::size_t allocations = harness::testing::allocations_during([&] { scaled_sum(batch, 3.0f); });
  EXPECT_EQ(allocations, 0u) << "a batch that fits the scratch buffer already used on this thread allocated "
                             << allocations << " times: the buffer should be reused";
}

// A second thread sums a batch once the first is done with its own, and
// nothing orders the two: the first thread says it is done with a relaxed
// store, which publishes nothing (so ThreadSanitizer sees the two threads'
// pool calls as unordered, as they are in the program), and the second is
// started only after that.
TEST(OnePoolForEveryThread, ASecondThreadSumsAfterTheFirst) {
  const std::vector<float> batch{1, 2, 3, 4};
  std::atomic<bool> first_done{false};
  float first = 0;
  float second = 0;
  std::thread one([&] {
    first = scaled_sum(batch, 1.0f);
    first_done.store(true, std::memory_order_relaxed);
  });
  while (!first_done.load(std::memory_order_relaxed)) std::this_thread::yield();
  std::thread two([&] { second = scaled_sum(batch, 2.0f); });  // for: this kata's bug
  two.join();
  one.join();
  EXPECT_FLOAT_EQ(first, 10.0f);
  EXPECT_FLOAT_EQ(second, 20.0f);
}

TEST(OnePoolForEveryThread, BatchesSummedOnTwoThreadsAreRight) {
  const std::vector<std::vector<float>> all = batches(64, 200);
  const std::vector<float> sums = scaled_sums(all, 0.5f, 2);  // for: this kata's bug
  ASSERT_EQ(sums.size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_FLOAT_EQ(sums[i], expected_sum(all[i], 0.5f));
}

TEST(OnePoolForEveryThread, BatchesSummedOnFourThreadsAreRight) {
  const std::vector<std::vector<float>> all = batches(100, 50);
  const std::vector<float> sums = scaled_sums(all, 2.0f, 4);  // for: this kata's bug
  for (std::size_t i = 0; i < all.size(); ++i) EXPECT_FLOAT_EQ(sums[i], expected_sum(all[i], 2.0f));
}

TEST(OnePoolForEveryThread, EachWorkerReusesItsScratchBuffer) {
  const std::vector<std::vector<float>> all = batches(40, 1000);
  std::size_t allocations = 0;
  std::thread worker([&] {
    scaled_sum(all[0], 1.0f);  // this thread's buffer now has the room
    allocations = harness::testing::allocations_during([&] {
      for (const std::vector<float>& batch : all) scaled_sum(batch, 1.0f);
    });
  });
  worker.join();
  EXPECT_EQ(allocations, 0u) << "40 batches on one worker thread allocated " << allocations
                             << " times after its first: each thread's scratch buffer should be reused";
}
