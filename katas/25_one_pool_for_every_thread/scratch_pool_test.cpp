// Kata 25: a pool made for one thread, used by many, must be used by one.
#include <atomic>
#include <climits>
#include <cstddef>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

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

// One thread tells another it may go on, in a way that orders nothing for
// ThreadSanitizer: no happens-before (a mutex or a condition variable would
// order the two threads' pool calls, and hide the race), and no long run of
// atomic loads while it waits (on a loaded core a spinning loop made so many
// that ThreadSanitizer's runtime reset its books and forgot the first
// thread's accesses: 4 to 6 of 100 loaded runs, Clang 14 with libc++). On
// Linux the waiter sleeps in the kernel (futex), which ThreadSanitizer does
// not see; elsewhere it spins.
class UnorderedSignal {
 public:
  void give() {
    flag_.store(1, std::memory_order_relaxed);
#if defined(__linux__)
    syscall(SYS_futex, reinterpret_cast<int*>(&flag_), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
#endif
  }
  void wait() {
    while (flag_.load(std::memory_order_relaxed) == 0) {
#if defined(__linux__)
      syscall(SYS_futex, reinterpret_cast<int*>(&flag_), FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
#else
      std::this_thread::yield();
#endif
    }
  }

 private:
  std::atomic<int> flag_{0};
};

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
// nothing orders the two (UnorderedSignal), as nothing does in the program:
// ThreadSanitizer sees the two threads' pool calls as unordered. The first
// thread lives until the second is done, so that its place in
// ThreadSanitizer's books is not given to another thread meanwhile.
TEST(OnePoolForEveryThread, ASecondThreadSumsAfterTheFirst) {
  const std::vector<float> batch{1, 2, 3, 4};
  UnorderedSignal first_done;
  UnorderedSignal second_done;
  float first = 0;
  float second = 0;
  std::thread one([&] {
    first = scaled_sum(batch, 1.0f);
    first_done.give();
    second_done.wait();
  });
  first_done.wait();
  std::thread two([&] { second = scaled_sum(batch, 2.0f); });  // for: this kata's bug
  two.join();
  second_done.give();
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
