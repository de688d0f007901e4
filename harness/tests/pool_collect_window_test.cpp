// collect() while threads are born, steal and put: two collect() calls in a
// row destroy everything the pool held before the first, whatever happens
// inside the first. The first two tests hold collect() in its window (after
// it has counted the threads and claimed their slots, before it drains
// anything: PoolCore's test hook) and act there, so they fail or pass by
// structure; the third lets many new threads steal while collect() runs, by
// natural timing.
//
// Each test needs thread numbers that no thread has had before, and a
// process hands out at most kMaxThreads of them: the gate runs each test in
// a process of its own (harness/CMakeLists.txt).
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/pool.h"
#include "harness/thread_index.h"

namespace {

using harness::Pool;

// A pooled object that counts the live instances of its batch: the objects
// cached before a collect() are told apart from those put during it.
struct Counted {
  explicit Counted(std::atomic<int>& live) : live_(&live) { live_->fetch_add(1); }
  ~Counted() { live_->fetch_sub(1); }
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;
  std::atomic<int>* live_;
};

void put_new(Pool<Counted>& pool, std::atomic<int>& live, int count) {
  for (int i = 0; i < count; ++i) pool.put(std::make_unique<Counted>(live));
}

// Runs `in_window` inside the window of every collect() while it lives.
class CollectWindow {
 public:
  explicit CollectWindow(std::function<void()> in_window) : in_window_(std::move(in_window)) {
    harness::detail::PoolCore::set_collect_window_hook_for_tests(&CollectWindow::call, this);
  }
  ~CollectWindow() { harness::detail::PoolCore::set_collect_window_hook_for_tests(nullptr, nullptr); }
  CollectWindow(const CollectWindow&) = delete;
  CollectWindow& operator=(const CollectWindow&) = delete;

 private:
  static void call(void* self) { static_cast<CollectWindow*>(self)->in_window_(); }
  std::function<void()> in_window_;
};

// Threads that hold every free thread number below threads_seen() until
// this object dies, so that the next thread to ask is given a number no
// thread has had before (numbers go back at thread exit, lowest first).
class NumberHolders {
 public:
  NumberHolders() {
    for (;;) {
      const std::size_t seen = harness::threads_seen();
      std::size_t got = 0;
      std::latch numbered(1);
      threads_.emplace_back([this, &got, &numbered] {
        got = harness::this_thread_index();
        numbered.count_down();
        released_.wait();
      });
      numbered.wait();
      if (got >= seen) return;  // a new number: every lower one is held
    }
  }
  ~NumberHolders() {
    released_.count_down();
    for (std::thread& t : threads_) t.join();
  }
  NumberHolders(const NumberHolders&) = delete;
  NumberHolders& operator=(const NumberHolders&) = delete;

 private:
  std::latch released_{1};
  std::vector<std::thread> threads_;
};

// Parks a thread, numbered now, that runs the jobs it is given one at a time.
class Worker {
 public:
  Worker() : thread_([this] { loop(); }) { run([] { harness::this_thread_index(); }); }
  ~Worker() {
    run(nullptr);
    thread_.join();
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Runs job on the worker and waits for it to finish; nullptr ends the loop.
  void run(std::function<void()> job) {
    std::unique_lock<std::mutex> lock(mu_);
    job_ = std::move(job);
    pending_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return !pending_; });
  }

  std::size_t number() {
    std::size_t n = 0;
    run([&n] { n = harness::this_thread_index(); });
    return n;
  }

 private:
  void loop() {
    for (;;) {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [this] { return pending_; });
      std::function<void()> job = std::move(job_);
      if (job) job();
      pending_ = false;
      changed_.notify_all();
      if (!job) return;
    }
  }

  std::mutex mu_;
  std::condition_variable changed_;
  std::function<void()> job_;
  bool pending_ = false;
  std::thread thread_;
};

// Each test needs `count` thread numbers that no thread of this process has
// had; a process that has used them up (a second run, --gtest_repeat) skips.
bool new_numbers_left(std::size_t count) { return harness::threads_seen() + count <= harness::kMaxThreads; }

void race_mode_off() {
#if HARNESS_POOL_HOSTILE
  harness::detail::set_race_mode_seed(0);  // these tests place every object themselves
#endif
}

// A thread born inside collect() has no claimed slot. Its get() steals from
// a ring collect() has not drained yet; half of that ring goes to the
// thief's own ring, which this collect() did not count.
TEST(PoolCollectWindowTest, ObjectsAThreadBornDuringCollectStoleDieWithinTwoCollects) {
  if (!new_numbers_left(4)) GTEST_SKIP() << "no new thread numbers left in this process: run this test alone";
  race_mode_off();
  std::atomic<int> live{0};
  Pool<Counted> pool;  // no factory: get() finds the cached objects or nothing
  put_new(pool, live, 40);  // from the second put on, into this thread's ring
  ASSERT_EQ(live.load(), 40);

  NumberHolders holders;
  std::unique_ptr<Counted> stolen;
  std::size_t thief_number = 0;
  const std::size_t counted_by_collect = harness::threads_seen();
  {
    CollectWindow window([&] {
      std::thread thief([&] {
        thief_number = harness::this_thread_index();
        stolen = pool.get();
      });
      thief.join();
    });
    pool.collect();
  }
  pool.collect();

  ASSERT_GE(thief_number, counted_by_collect) << "the thief was meant to get a number collect() had not counted";
  ASSERT_NE(stolen, nullptr) << "the thief born during collect() found nothing to take";
  EXPECT_EQ(live.load() - 1, 0)
      << "of 40 objects cached before the first collect(), " << live.load() - 1
      << " (besides the one the thief holds) were still alive after the second: a thread born "
         "during collect() moved them into its own ring, which that collect() did not drain";
}

// A put() during collect() goes to the putting thread's ring (its slot is
// claimed). Those new objects must not take the room collect() made for the
// objects of a ring it drains later.
TEST(PoolCollectWindowTest, PutsDuringCollectDoNotCrowdAnotherRingsObjectsOut) {
  race_mode_off();  // needs no new numbers: any two with the putter's below the holder's
  std::atomic<int> live_old{0};
  std::atomic<int> live_new{0};
  Pool<Counted> pool;
  Worker putter;  // numbered first: its ring is drained before the holder's
  Worker holder;
  ASSERT_LT(putter.number(), holder.number()) << "the putter's ring must come first in collect()'s order";
  holder.run([&] { put_new(pool, live_old, 30); });  // into the holder's ring

  {
    CollectWindow window([&] { putter.run([&] { put_new(pool, live_new, 60); }); });
    pool.collect();
  }
  pool.collect();

  // live_new is not checked: objects put during collect() may survive it.
  EXPECT_EQ(live_old.load(), 0) << "of 30 objects cached in one thread's ring before the first collect(), "
                                << live_old.load()
                                << " were still alive after the second: objects another thread put during "
                                   "collect() took the room made for them";
}

// By natural timing: waves of new threads, each born while a collector runs
// two collect() calls, steal from a ring of objects cached before them. After
// the two calls the pool holds none of those objects: every one is either
// held by a thief or destroyed. The threads keep their numbers until the end,
// so that each wave is numbered anew, as threads are the first time a
// program starts them.
TEST(PoolCollectWindowTest, ThievesBornDuringCollectsLeaveNothingBehindTwoCollects) {
  race_mode_off();
  constexpr int kWaves = 20;
  constexpr std::size_t kThievesPerWave = 10;  // 200 in all, within kMaxThreads
  constexpr int kCached = 60;          // within one ring
  static_assert(kCached < static_cast<int>(Pool<Counted>::kRingCapacity));
  if (!new_numbers_left(kWaves * kThievesPerWave + 4)) {
    GTEST_SKIP() << "not enough new thread numbers left in this process: run this test alone";
  }

  std::atomic<int> live{0};
  Pool<Counted> pool;
  NumberHolders holders;
  // What one wave's threads share. Every wave's lives to the end of the
  // test: a thread may still be leaving a latch's count_down() when the
  // collector moves on.
  struct Wave {
    std::vector<std::unique_ptr<Counted>> taken{kThievesPerWave};
    std::latch start{kThievesPerWave + 1};
    std::latch took{kThievesPerWave};
    std::atomic<int> took_during_collect{0};
    std::atomic<bool> collecting{false};
  };
  std::vector<std::unique_ptr<Wave>> waves;
  std::latch end_of_test(1);
  std::vector<std::thread> thieves;
  int survivors = 0;
  int waves_that_overlapped = 0;
  int waves_run = 0;
  for (; waves_run < kWaves; ++waves_run) {
    put_new(pool, live, kCached);  // into this thread's ring
    Wave& w = *waves.emplace_back(std::make_unique<Wave>());
    for (std::size_t t = 0; t < kThievesPerWave; ++t) {
      thieves.emplace_back([&w, &pool, &end_of_test, t] {
        w.start.arrive_and_wait();
        w.taken[t] = pool.get();  // numbered here, by its first call
        if (w.collecting.load()) w.took_during_collect.fetch_add(1);
        w.took.count_down();
        end_of_test.wait();
      });
    }
    w.start.arrive_and_wait();
    w.collecting.store(true);
    pool.collect();
    pool.collect();
    w.collecting.store(false);
    w.took.wait();
    if (w.took_during_collect.load() > 0) ++waves_that_overlapped;
    int held = 0;
    for (const auto& object : w.taken) held += object != nullptr;
    // No object is put after the wave began: what is still alive and not
    // held was cached before the two collect() calls, and survived them.
    survivors += live.load() - held;
    w.taken.clear();
    pool.collect();  // the next wave starts from an empty pool
    pool.collect();
    pool.collect();
    ASSERT_EQ(live.load(), 0) << "three more collect() calls left objects alive";
  }
  end_of_test.count_down();
  for (std::thread& t : thieves) t.join();
  EXPECT_EQ(survivors, 0) << survivors << " objects cached before two collect() calls were still alive after them ("
                          << waves_that_overlapped << " of " << waves_run
                          << " waves had a thief take while collect() ran): threads born during collect() "
                             "kept them from it";
}

}  // namespace
