// Kata 17: the result of a task must stay intact for as long as the caller
// holds the task, even while other tasks run; and jobs must be reused.
#include <atomic>
#include <cstdint>
#include <latch>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "harness/heap_probe.h"
#include "harness/testing.h"
#include "task.h"

TEST(JobReturnedTooEarly, UpperCasesTheInput) {
  Task task("hello, pool");
  EXPECT_EQ(task.result(), "HELLO, POOL");
}

TEST(JobReturnedTooEarly, TasksReuseThePooledJob) {
  const harness::testing::ExactPool exact("counts reuse: a put() that race mode drops would count as a miss");
  {
    Task warm_up("warm-up");  // from here on the pool holds a job
    EXPECT_EQ(warm_up.result(), "WARM-UP");
  }
  const harness::testing::PoolActivity activity(jobs);
  for (int i = 0; i < 3; ++i) {
    Task task("abc");
    EXPECT_EQ(task.result(), "ABC");
  }
  EXPECT_EQ(activity.gets(), 3u) << "each task should take its job from the pool `jobs`";
  EXPECT_EQ(activity.factory_calls(), 0u)
      << "a task that starts after the previous one ended should reuse its job, not make a new one";
}

// Thread A runs a task and reads its result. Thread B starts a task of its
// own as soon as a job is back in the pool or A has its result, whichever
// comes first; A then waits until B has its result before it reads its own.
// Both wait on relaxed counters and flags, which order the threads in time
// but, for ThreadSanitizer, order nothing. So if A reads the job (in
// result(), or after it) once the job went back to the pool, ThreadSanitizer
// reports it on every run, and always in the same order: B's worker wrote
// first. A stays until B is done: had it exited, its thread's cache would
// pass to B's worker in order.
TEST(JobReturnedTooEarly, AResultStaysIntactWhileTheNextTaskRuns) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(jobs);  // start from an empty pool, whatever earlier tests left in it
  const std::uint64_t puts_before = jobs.stats().puts;
  std::atomic<bool> a_has_result{false};
  std::atomic<bool> b_has_result{false};
  std::latch b_is_done(1);
  std::string read_by_a;
  std::string read_by_b;

  std::thread a([&] {
    Task task("alice");
    const auto& result = task.result();  // binds to a string or a reference alike
    a_has_result.store(true, std::memory_order_relaxed);
    while (!b_has_result.load(std::memory_order_relaxed)) std::this_thread::yield();
    read_by_a = result;
    b_is_done.wait();
  });
  std::thread b([&] {
    while (jobs.stats().puts == puts_before && !a_has_result.load(std::memory_order_relaxed)) {
      std::this_thread::yield();
    }
    {
      Task task("bob");
      read_by_b = task.result();
      b_has_result.store(true, std::memory_order_relaxed);
    }
    b_is_done.count_down();
  });
  a.join();
  b.join();

  EXPECT_EQ(read_by_a, "ALICE") << "alice's result changed while she still held her task: "
                                   "another task was writing into the same job";
  EXPECT_EQ(read_by_b, "BOB");
}

// A caller may give up on a task without asking for its result. Its job must
// still stay with the worker until the worker is done with it: a job that goes
// back to the pool while the worker still writes it is a job two holders share.
TEST(JobReturnedTooEarly, ATaskDroppedUnreadKeepsItsJobUntilTheWorkerIsDone) {
  for (int i = 0; i < 3; ++i) {
    Task dropped("never read");
  }
  Task task("read");
  EXPECT_EQ(task.result(), "READ");
}

TEST(JobReturnedTooEarly, AppliesTheCallersMap) {
  Task task("a-b-c", [](char c) { return c == '-' ? '+' : c; });
  EXPECT_EQ(task.result(), "a+b+c");
}

// A task exists so that the caller can go on while the input is processed:
// the map must run on the task's worker thread, never on the caller's.
TEST(JobReturnedTooEarly, TheInputIsProcessedOnAWorkerThread) {
  std::thread::id processed_on;
  Task task("abc", [&](char c) {
    processed_on = std::this_thread::get_id();
    return upper_case(c);
  });
  EXPECT_EQ(task.result(), "ABC");
  EXPECT_NE(processed_on, std::this_thread::get_id())
      << "the input was processed on the caller's thread: a task must hand the work to a worker thread";
}

// The pool is there so that a job's strings keep the room they grew to for
// the next task.
TEST(JobReturnedTooEarly, TheWorkIsDoneInThePooledJob) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(jobs);  // start from an empty pool, whatever earlier tests left in it
  const std::string input(100, 'z');
  {
    Task task(input);
    EXPECT_EQ(task.result(), std::string(100, 'Z'));
  }
  std::unique_ptr<Job> pooled = jobs.get();  // the job the task used, back in the pool
  ASSERT_NE(pooled, nullptr);
  EXPECT_GE(pooled->input.capacity(), input.size())
      << "the pooled job came back without the room the input needed: the task kept its input somewhere else";
  EXPECT_GE(pooled->result.capacity(), input.size())
      << "the pooled job came back without the room the result needed: the result was built somewhere else, "
         "or moved out of the job, so every task allocates again";
  jobs.put(std::move(pooled));
}

// A finished task gives its job back and keeps nothing else alive: a job kept
// outside the pool (the original held on to while a copy goes back in its
// place, say) is memory that grows with every task.
TEST(JobReturnedTooEarly, FinishedTasksLeaveNothingBehind) {
  const harness::testing::ExactPool exact("counts what stays alive: race mode may leave several jobs cached in other tiers");
  const std::string input(4096, 'x');
  {
    Task warm_up(input);  // from here on the pool holds a job with room for the input
    EXPECT_EQ(warm_up.result(), std::string(4096, 'X'));
  }
  const long long before = static_cast<long long>(harness::live_heap_bytes());
  for (int i = 0; i < 20; ++i) {
    Task task(input);
    EXPECT_EQ(task.result(), std::string(4096, 'X'));
  }
  const long long grown = static_cast<long long>(harness::live_heap_bytes()) - before;
  EXPECT_LT(grown, 32 * 1024) << "after 20 tasks of 4 KiB each the program holds " << grown / 1024
                              << " KiB more than before: each task left a job, or a copy of one, alive outside the pool";
}

#include <type_traits>  // here, not above, so that the lines the docs cite stay where they are
#include <utility>

// A Task that its type lets move hands its job over with the move: the
// result comes with it, and the job goes back once (a second put of the same
// job is the pool's "double put" report). A Task that cannot be moved has
// nothing to show here.
TEST(JobReturnedTooEarly, AMovedTaskKeepsItsResultAndGivesItsJobBackOnce) {
  // A template, so that a Task that cannot be moved compiles this as nothing.
  []<class T>(std::type_identity<T>) {
    if constexpr (std::is_move_constructible_v<T>) {
      T first("moved");
      T second(std::move(first));
      EXPECT_EQ(second.result(), "MOVED") << "a Task moved to another lost its result on the way";
      if constexpr (std::is_move_assignable_v<T>) {
        T third("replaced");
        third = std::move(second);
        EXPECT_EQ(third.result(), "MOVED") << "a Task move-assigned over another did not carry its result with it";
      }
    }
  }(std::type_identity<Task>{});
}
