// The pool's hostile mode (harness/pool_guard.h): misuse stops the program
// where it happens, in words a participant can act on, and race mode stays
// within the contract. Each misuse runs in a death test of its own.
#include <atomic>
#include <cstddef>
#include <latch>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/pool.h"
#include "harness/testing.h"

namespace {

using harness::Pool;

std::unique_ptr<std::string> make_string() { return std::make_unique<std::string>(); }

// A read the optimiser must keep: a death test's statement discards values.
volatile std::size_t observed;
void observe(std::size_t value) { observed = value; }

class PoolHostileTest : public testing::Test {
 protected:
  // Re-executes the binary for each death test: safe with threads and with
  // ThreadSanitizer, which dislikes fork() in a threaded process.
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(PoolHostileTest, ADoublePutStopsAtTheSecondPut) {
  auto misuse = [] {
    Pool<std::string> pool{make_string};
    std::unique_ptr<std::string> s = pool.get();
    std::string* raw = s.get();
    pool.put(std::move(s));
    pool.put(std::unique_ptr<std::string>(raw));  // the same object again
  };
  EXPECT_DEATH(misuse(), "ERROR: harness::Pool: double put\nput\\(\\) was given an object that is already in this pool");
}

TEST_F(PoolHostileTest, APutOfAnObjectAnotherPoolHoldsStops) {
  auto misuse = [] {
    Pool<std::string> first{make_string};
    Pool<std::string> second{make_string};
    std::unique_ptr<std::string> s = first.get();
    std::string* raw = s.get();
    first.put(std::move(s));
    second.put(std::unique_ptr<std::string>(raw));
  };
  EXPECT_DEATH(misuse(), "ERROR: harness::Pool: foreign put\nput\\(\\) was given an object that another pool holds");
}

// The fix for a misuse must not trip the checks: an object made by the caller
// may be put (as sync.Pool allows), and an object that went out and came back
// may go out and come back again.
TEST_F(PoolHostileTest, PutsOfOwnedObjectsPassTheChecks) {
  Pool<std::string> pool{make_string};
  pool.put(std::make_unique<std::string>("made by the caller"));
  for (int i = 0; i < 100; ++i) pool.put(pool.get());
  harness::testing::drain(pool);
  EXPECT_EQ(pool.stats().cached, 0u);
}

Pool<std::string>& recursive_pool() {
  static Pool<std::string> pool{[] { return recursive_pool().get(); }};
  return pool;
}

TEST_F(PoolHostileTest, AFactoryThatCallsGetOnItsOwnPoolStopsThere) {
  EXPECT_DEATH(recursive_pool().get(), "ERROR: harness::Pool: get\\(\\) inside the pool's own factory");
}

Pool<std::string>& self_filling_pool() {
  static Pool<std::string> pool{[] {
    auto made = std::make_unique<std::string>();
    std::string* raw = made.get();
    self_filling_pool().put(std::move(made));
    return std::unique_ptr<std::string>(raw);
  }};
  return pool;
}

TEST_F(PoolHostileTest, AFactoryThatPutsIntoItsOwnPoolStopsThere) {
  EXPECT_DEATH(self_filling_pool().get(), "ERROR: harness::Pool: put\\(\\) inside the pool's own factory");
}

// A factory may use other pools: only its own is off limits.
TEST_F(PoolHostileTest, AFactoryMayUseAnotherPool) {
  Pool<std::string> parts{make_string};
  Pool<std::string> pool{[&parts] {
    harness::Lease<std::string> part = parts.lease();
    *part = "part";
    return std::make_unique<std::string>(*part);
  }};
  harness::testing::drain(pool);
  EXPECT_EQ(*pool.get(), "part");
}

#ifdef HARNESS_ASAN
TEST_F(PoolHostileTest, AUseAfterPutIsReportedAtTheUseWithThePut) {
  auto misuse = [] {
    Pool<std::string> pool{make_string};
    std::unique_ptr<std::string> s = pool.get();
    const std::string& kept = *s;
    pool.put(std::move(s));
    observe(kept.size());  // the pool has it now
  };
  EXPECT_DEATH(misuse(), "use-after-poison(.|\n)*harness::Pool: this object was used after it went back to the pool");
}

TEST_F(PoolHostileTest, AViewIntoAPooledStringsStorageIsPoisonedToo) {
  auto misuse = [] {
    Pool<std::string> pool{make_string};
    std::unique_ptr<std::string> s = pool.get();
    s->assign(100, 'x');  // on the heap, outside the string object
    const char* view = s->data();
    pool.put(std::move(s));
    observe(static_cast<std::size_t>(view[50]));
  };
  EXPECT_DEATH(misuse(), "harness::Pool: this object was used after it went back to the pool");
}

TEST_F(PoolHostileTest, AUseOnAnotherThreadAfterAJoinIsStillReported) {
  auto misuse = [] {
    Pool<std::string> pool{make_string};
    std::unique_ptr<std::string> s = pool.get();
    std::string* kept = s.get();
    std::thread([&] { pool.put(std::move(s)); }).join();
    observe(kept->size());
  };
  EXPECT_DEATH(misuse(), "used after it went back to the pool");
}

TEST_F(PoolHostileTest, GetHandsOutAnObjectThatCanBeUsedAgain) {
  Pool<std::string> pool{make_string};
  std::unique_ptr<std::string> s = pool.get();
  s->assign(100, 'x');
  pool.put(std::move(s));
  s = pool.get();
  EXPECT_EQ(s->size(), 100u);  // unpoisoned, storage included
  s->append("more");
  pool.put(std::move(s));
}
#endif

#ifdef HARNESS_TSAN
// The old holder reads after put() while the next holder writes, and every
// step is ordered by one mutex: the pool's write at put() is still not
// ordered before the late read, so ThreadSanitizer reports it.
TEST_F(PoolHostileTest, ALateReadIsARaceEvenUnderAMutex) {
  auto misuse = [] {
    Pool<std::string> pool{make_string};
    std::mutex everything;
    std::string* kept = nullptr;
    {
      std::lock_guard<std::mutex> lock(everything);
      std::unique_ptr<std::string> s = pool.get();
      kept = s.get();
      pool.put(std::move(s));
    }
    std::size_t seen = 0;
    std::thread([&] {
      std::lock_guard<std::mutex> lock(everything);
      seen = kept->size();
    }).join();
    observe(seen);
  };
  EXPECT_DEATH(misuse(), "ThreadSanitizer: data race");
}

// A thread that takes an exited thread's number inherits nothing that
// orders a late use: the only edge is put() to the next get().
TEST_F(PoolHostileTest, ALateReadAfterTheThreadExitedIsStillARace) {
  auto misuse = [] {
    Pool<std::string> pool{make_string};
    std::string* kept = nullptr;
    std::size_t seen = 0;
    std::thread([&] {
      std::unique_ptr<std::string> s = pool.get();
      kept = s.get();
      pool.put(std::move(s));
      seen = kept->size();  // late, on the same thread
    }).join();
    std::thread([&] { pool.put(pool.get()); }).join();
    observe(seen);
  };
  EXPECT_DEATH(misuse(), "ThreadSanitizer: data race");
}

TEST_F(PoolHostileTest, TheNextHolderIsOrderedAfterThePut) {
  Pool<std::string> pool{make_string};
  std::unique_ptr<std::string> s = pool.get();
  s->assign("written before put");
  std::thread([&] { pool.put(std::move(s)); }).join();
  std::thread([&] {
    std::unique_ptr<std::string> mine = pool.get();
    mine->append(", read and written after get");
    pool.put(std::move(mine));
  }).join();
  harness::testing::drain(pool);
}
#endif

// Race mode: the same seed makes the same choices; every object still
// reaches exactly one holder at a time and is destroyed once.
TEST_F(PoolHostileTest, RaceModeDropsSpillsAndCollectsWithinTheContract) {
  harness::detail::set_race_mode_seed(12345);
  Pool<int> pool{[] { return std::make_unique<int>(0); }};
  constexpr int kThreads = 4, kRounds = 2000;
  std::vector<std::thread> threads;
  std::mutex holders_mu;
  std::set<int*> held;
  bool shared_holder = false;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRounds; ++i) {
        std::unique_ptr<int> p = pool.get();
        {
          std::lock_guard<std::mutex> lock(holders_mu);
          if (!held.insert(p.get()).second) shared_holder = true;
        }
        ++*p;
        {
          std::lock_guard<std::mutex> lock(holders_mu);
          held.erase(p.get());
        }
        pool.put(std::move(p));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  harness::detail::set_race_mode_seed(0);
  EXPECT_FALSE(shared_holder) << "race mode handed one object to two holders";
  const harness::PoolStats s = pool.stats();
  EXPECT_EQ(s.gets, static_cast<std::uint64_t>(kThreads * kRounds));
  EXPECT_GT(s.factory_calls, static_cast<std::uint64_t>(kThreads * kRounds / 8))
      << "race mode should drop about a quarter of the puts, so the factory runs often";
}

TEST_F(PoolHostileTest, RaceModeIsPausedWhileATestCountsHits) {
  harness::detail::set_race_mode_seed(777);
  Pool<int> pool{[] { return std::make_unique<int>(0); }};
  pool.put(pool.get());
  {
    const harness::testing::PoolActivity activity(pool);
    for (int i = 0; i < 50; ++i) pool.put(pool.get());
    EXPECT_EQ(activity.hits(), 50u);
  }
  harness::detail::set_race_mode_seed(0);
}

TEST_F(PoolHostileTest, TheSameSeedMakesTheSameChoices) {
  auto factory_calls_with = [](std::uint64_t seed) {
    harness::detail::set_race_mode_seed(seed);
    Pool<int> pool{[] { return std::make_unique<int>(0); }};
    for (int i = 0; i < 500; ++i) pool.put(pool.get());
    harness::detail::set_race_mode_seed(0);
    return pool.stats().factory_calls;
  };
  const std::uint64_t first = factory_calls_with(99);
  EXPECT_EQ(factory_calls_with(99), first);
  EXPECT_GT(first, 50u);
  EXPECT_EQ(factory_calls_with(0), 1u) << "without a seed, race mode is off";
}

}  // namespace

namespace {

// The helpers the katas' tests use to see hidden work.
TEST(PoolTestingHelpers, TryGetNeverCallsTheFactory) {
  Pool<std::string> pool{make_string};
  EXPECT_EQ(pool.try_get(), nullptr);
  EXPECT_EQ(pool.stats().factory_calls, 0u);
  pool.put(std::make_unique<std::string>("kept"));
  const harness::testing::ExactPool exact("the object just put must be the one try_get() finds");
  std::unique_ptr<std::string> found = pool.try_get();
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(*found, "kept");
}

TEST(PoolTestingHelpers, EachCachedSeesEveryCachedObjectAndPutsThemBack) {
  Pool<std::string> pool{make_string};
  harness::testing::drain(pool);
  const harness::testing::ExactPool exact("three objects put must be three objects cached");
  for (const char* text : {"a", "b", "c"}) pool.put(std::make_unique<std::string>(text));
  std::multiset<std::string> seen;
  harness::testing::each_cached(pool, [&](const std::string& s) { seen.insert(s); });
  EXPECT_EQ(seen, (std::multiset<std::string>{"a", "b", "c"}));
  EXPECT_EQ(pool.stats().cached, 3u) << "each_cached must put every object back";
}

TEST(PoolTestingHelpers, AllocationsDuringCountsThisThreadsAllocations) {
  std::unique_ptr<std::string> kept;
  EXPECT_EQ(harness::testing::allocations_during([] {}), 0u);
  EXPECT_EQ(harness::testing::allocations_during([&] { kept = std::make_unique<std::string>(100, 'x'); }), 2u)
      << "a new string object and its 100 characters are two allocations";
  // The thread's ten allocations are not this thread's; starting it
  // allocates its state here (one to three blocks, by standard library).
  EXPECT_LT(harness::testing::allocations_during([] {
              std::thread([] {
                for (int i = 0; i < 10; ++i) (void)std::make_unique<int>(i);
              }).join();
            }),
            10u);
}

TEST(PoolTestingHelpers, OnThreadsRunsEveryScenarioAtOnce) {
  std::atomic<int> inside{0};
  std::atomic<int> most{0};
  std::latch all_inside(4);
  harness::testing::on_threads(4, [&](int) {
    const int now = ++inside;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    all_inside.arrive_and_wait();  // returns only once all four run together
    --inside;
  });
  EXPECT_EQ(most.load(), 4);
}

}  // namespace
