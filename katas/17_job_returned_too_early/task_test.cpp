// Kata 17: the result of a task must stay intact for as long as the caller
// holds the task, even while other tasks run; and jobs must be reused.
#include <latch>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "task.h"

TEST(JobReturnedTooEarly, UpperCasesTheInput) {
  Task task("hello, pool");
  EXPECT_EQ(task.result(), "HELLO, POOL");
}

TEST(JobReturnedTooEarly, TasksReuseThePooledJob) {
  {
    Task warm_up("warm-up");  // from here on the pool holds a job
    EXPECT_EQ(warm_up.result(), "WARM-UP");
  }
  const harness::PoolStats before = jobs.stats();
  for (int i = 0; i < 3; ++i) {
    Task task("abc");
    EXPECT_EQ(task.result(), "ABC");
  }
  const harness::PoolStats after = jobs.stats();
  EXPECT_EQ(after.gets - before.gets, 3u) << "each task should take its job from the pool `jobs`";
  EXPECT_EQ(after.factory_calls, before.factory_calls)
      << "a task that starts after the previous one ended should reuse its job, not make a new one";
}

// Thread A runs a task, waits for its result, lets B go, then reads the
// result. B starts a task of its own right after. The latch orders B's task
// after A has its result, but nothing orders A's reading against B's task:
// if both use the same memory, ThreadSanitizer reports it on every run,
// whichever thread happens to be faster. A stays until B is done: had it
// exited, its thread's cache would pass to B's worker in order.
TEST(JobReturnedTooEarly, AResultStaysIntactWhileTheNextTaskRuns) {
  jobs.collect();  // start from an empty pool, whatever earlier tests left in it
  jobs.collect();
  std::latch a_has_result(1);
  std::latch b_is_done(1);
  std::string read_by_a;
  std::string read_by_b;

  std::thread a([&] {
    Task task("alice");
    const std::string& result = task.result();
    a_has_result.count_down();
    read_by_a = result;
    b_is_done.wait();
  });
  std::thread b([&] {
    a_has_result.wait();
    {
      Task task("bob");
      read_by_b = task.result();
    }
    b_is_done.count_down();
  });
  a.join();
  b.join();

  EXPECT_EQ(read_by_a, "ALICE") << "alice's result changed while she still held her task: "
                                   "another task was writing into the same job";
  EXPECT_EQ(read_by_b, "BOB");
}
