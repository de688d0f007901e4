// The pool's lock-free per-thread ring (harness/pool_ring.h) on its own and
// inside the pool: order and room, the fall-back to the locked overflow, a
// stress with owners, thieves and collect() at once. Run under
// AddressSanitizer and ThreadSanitizer like the other pool tests; every
// interleaving of small push/pop/steal scenarios is pool_ring_model_test.cpp.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/pool.h"
#include "harness/pool_ring.h"
#include "harness/testing.h"
#include "tracked.h"

namespace {

using harness::Pool;
using harness::detail::SpmcRing;

// ---- the ring alone, on one thread

TEST(PoolRingTest, OwnerPopsNewestFirstThievesOldestFirst) {
  int v[4] = {};
  SpmcRing<int, 4> ring;
  EXPECT_EQ(ring.pop_head(), nullptr);
  EXPECT_EQ(ring.pop_tail(), nullptr);
  for (int& x : v) EXPECT_TRUE(ring.push_head(&x));
  EXPECT_EQ(ring.size(), 4u);
  EXPECT_FALSE(ring.push_head(&v[0])) << "a full ring must refuse";
  EXPECT_EQ(ring.pop_head(), &v[3]);
  EXPECT_EQ(ring.pop_tail(), &v[0]);
  EXPECT_EQ(ring.pop_tail(), &v[1]);
  EXPECT_EQ(ring.pop_head(), &v[2]);
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_EQ(ring.pop_head(), nullptr);
  EXPECT_EQ(ring.pop_tail(), nullptr);
}

TEST(PoolRingTest, WrapsAroundManyTimesWithoutLosingAnything) {
  int v[3] = {};
  SpmcRing<int, 2> ring;
  for (int round = 0; round < 1000; ++round) {
    ASSERT_TRUE(ring.push_head(&v[0]));
    ASSERT_TRUE(ring.push_head(&v[1]));
    ASSERT_FALSE(ring.push_head(&v[2]));
    ASSERT_EQ(ring.pop_tail(), &v[0]);
    ASSERT_TRUE(ring.push_head(&v[2]));
    ASSERT_EQ(ring.pop_head(), &v[2]);
    ASSERT_EQ(ring.pop_tail(), &v[1]);
    ASSERT_EQ(ring.size(), 0u);
  }
}

// ---- the ring inside the pool

class PoolRingInPoolTest : public testing::Test {
 protected:
  void SetUp() override { live_before_ = Tracked::live.load(); }
  void TearDown() override { EXPECT_EQ(Tracked::live.load(), live_before_) << "objects leaked or destroyed twice"; }
  int live_before_ = 0;
};

constexpr std::size_t kRing = Pool<Tracked>::kRingCapacity;

// A put() right after a get() fills the slot; a put() after a put() moves
// the slot's object and the new one to the ring; once the ring is full the
// object goes to the locked overflow. A thief takes the oldest half of a
// ring at once: one for its caller, the rest into its own ring.
TEST_F(PoolRingInPoolTest, AFullRingFallsBackToTheSharedOverflow) {
  const harness::testing::ExactPool exact("where each object waits is checked exactly");
  Pool<Tracked> pool;  // no factory: a miss is a nullptr
  std::vector<Tracked*> put_order;
  for (std::size_t i = 0; i < kRing + 2; ++i) {
    auto object = Tracked::make();
    put_order.push_back(object.get());
    pool.put(std::move(object));
  }
  EXPECT_EQ(pool.stats().cached, kRing + 2) << "ring and overflow both count as cached";
  EXPECT_EQ(pool.stats().puts, kRing + 2);

  // Another thread steals from the ring's oldest end: the first object put
  // for its caller, the next kRing / 2 - 1 into its own ring, which it
  // leaves to the pool when it exits.
  Tracked* stolen = nullptr;
  std::thread([&] { stolen = pool.try_get().release(); }).join();
  EXPECT_EQ(stolen, put_order[0]);
  std::unique_ptr<Tracked> keep_stolen(stolen);
  EXPECT_EQ(pool.stats().cached, kRing + 1);

  // The owner: what is left of its ring, newest first (its slot is empty:
  // the second put() moved the first object to the ring).
  for (std::size_t i = kRing - 1; i >= kRing / 2; --i) {
    std::unique_ptr<Tracked> object = pool.get();
    ASSERT_EQ(object.get(), put_order[i]) << "ring position " << i;
  }
  // Then the exited thief's ring and the overflow, in an order not promised.
  std::vector<Tracked*> rest;
  while (std::unique_ptr<Tracked> object = pool.get()) rest.push_back(object.get());
  std::vector<Tracked*> expected(put_order.begin() + 1, put_order.begin() + kRing / 2);
  expected.push_back(put_order[kRing]);
  expected.push_back(put_order[kRing + 1]);
  std::sort(rest.begin(), rest.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(rest, expected);

  const harness::PoolStats s = pool.stats();
  EXPECT_EQ(s.gets, kRing + 3);
  EXPECT_EQ(s.hits, kRing + 2);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.cached, 0u);
}

// The idiom get(), use, put() stays on the slot; a thread that only gives
// leaves its slot empty, so that takers find everything in its ring.
TEST_F(PoolRingInPoolTest, AGetPutThreadUsesItsSlotAGiverItsRing) {
  const harness::testing::ExactPool exact("where each object waits is checked exactly");
  Pool<Tracked> pool{Tracked::make};
  Tracked* first = nullptr;
  for (int i = 0; i < 10; ++i) {
    auto object = pool.get();
    if (i == 0) first = object.get();
    EXPECT_EQ(object.get(), first) << "get() after put() must find the object in the slot";
    pool.put(std::move(object));
  }
  EXPECT_EQ(pool.stats().factory_calls, 1u);

  Pool<Tracked> given;
  std::latch gave(1), took(1);
  std::thread giver([&] {
    for (int i = 0; i < 3; ++i) given.put(Tracked::make());
    gave.count_down();
    took.wait();  // alive while the taker takes
  });
  gave.wait();
  std::vector<std::unique_ptr<Tracked>> taken;
  for (int i = 0; i < 3; ++i) taken.push_back(given.try_get());
  took.count_down();
  giver.join();
  for (const auto& object : taken) EXPECT_NE(object, nullptr);
  // Served from the giver's ring (lock-free): nothing was left in its slot.
  EXPECT_EQ(given.stats().hits, 3u);
}

TEST_F(PoolRingInPoolTest, TwoCollectsEmptyEveryRing) {
  const harness::testing::ExactPool exact("counts of cached objects are exact");
  const int before = Tracked::live.load();
  Pool<Tracked> pool{Tracked::make};
  std::latch filled(2);
  std::latch collected(1);
  std::vector<std::thread> owners;
  for (int t = 0; t < 2; ++t) {
    owners.emplace_back([&] {
      for (int i = 0; i < 10; ++i) pool.put(Tracked::make());  // slot + 9 in the ring
      filled.count_down();
      collected.wait();  // still running while collect() reaches into its ring
    });
  }
  filled.wait();
  EXPECT_EQ(pool.stats().cached, 20u);
  pool.collect();
  EXPECT_EQ(pool.stats().cached, 20u) << "one collect() moves everything to the victim tier";
  EXPECT_EQ(Tracked::live.load(), before + 20);
  pool.collect();
  EXPECT_EQ(pool.stats().cached, 0u);
  EXPECT_EQ(Tracked::live.load(), before) << "two collect() calls must destroy what the rings held";
  collected.count_down();
  for (auto& t : owners) t.join();
}

// The object in the slot when collect() begins may be moved to the ring by a
// put() running at that moment; it must not slip past collect() there.
struct Marked {
  explicit Marked(std::atomic<bool>* gone) : gone(gone) {}
  ~Marked() { gone->store(true); }
  std::atomic<bool>* gone;
};

TEST_F(PoolRingInPoolTest, AnObjectMovedFromSlotToRingDuringCollectIsStillCollected) {
  const harness::testing::ExactPool exact("every put must be kept for this check");
  for (int round = 0; round < 50; ++round) {
    // Declared before the pool, so that they outlive the objects it destroys.
    std::atomic<bool> first_gone{false}, others_gone{false};
    Pool<Marked> pool;
    std::atomic<bool> stop{false};
    std::latch first_put(1);
    std::thread owner([&] {
      pool.put(std::make_unique<Marked>(&first_gone));
      first_put.count_down();
      for (int i = 0; i < 50 && !stop.load(); ++i) pool.put(std::make_unique<Marked>(&others_gone));
    });
    first_put.wait();
    pool.collect();
    pool.collect();
    const bool collected = first_gone.load();
    stop.store(true);
    owner.join();
    ASSERT_TRUE(collected) << "round " << round << ": cached before the first collect(), alive after two";
  }
}

// Owners put and get, thieves take (try_get: only what is cached), keep for a
// moment and give back or destroy, one thread collects all the while. Every
// object is created once, destroyed once, and held by one holder at a time.
TEST_F(PoolRingInPoolTest, OwnersThievesAndCollectNeverShareOrLoseAnObject) {
  const int created_before = Tracked::created.load();
  std::atomic<int> double_holds{0};
  std::atomic<long> stolen{0};
  std::uint64_t factory_calls = 0;
  {
    Pool<Tracked> pool{Tracked::make};
    constexpr int kOwners = 2, kThieves = 2, kRounds = 15000;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
    std::atomic<int> owners_left{kOwners};
    auto hold = [&](Tracked& object, int value) {
      if (object.held.exchange(true)) double_holds.fetch_add(1);
      object.value = value;  // a plain write: ThreadSanitizer sees two holders at once
      object.held.store(false);
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < kOwners; ++t) {
      threads.emplace_back([&, t] {
        std::vector<std::unique_ptr<Tracked>> held;
        for (int i = 0; i < kRounds && std::chrono::steady_clock::now() < deadline; ++i) {
          // Up to five at a time, so that puts spill from the slot into the ring.
          for (int k = 0; k <= i % 5; ++k) {
            held.push_back(pool.get());
            hold(*held.back(), t);
          }
          for (auto& h : held) pool.put(std::move(h));
          held.clear();
        }
        owners_left.fetch_sub(1);
      });
    }
    for (int t = 0; t < kThieves; ++t) {
      threads.emplace_back([&, t] {
        int i = 0;
        while (owners_left.load() > 0) {
          std::unique_ptr<Tracked> object = pool.try_get();
          if (!object) {
            std::this_thread::yield();
            continue;
          }
          stolen.fetch_add(1);
          hold(*object, 100 + t);
          if (++i % 4 == 0) continue;  // destroyed here: a holder may keep or drop what it got
          pool.put(std::move(object));
        }
      });
    }
    threads.emplace_back([&] {
      while (owners_left.load() > 0) {
        pool.collect();
        std::this_thread::yield();
      }
    });
    for (auto& t : threads) t.join();
    const harness::PoolStats s = pool.stats();
    factory_calls = s.factory_calls;
    EXPECT_EQ(s.gets, s.hits + s.misses);
  }
  EXPECT_EQ(double_holds.load(), 0) << "an object was handed to two holders at once";
  EXPECT_EQ(static_cast<std::uint64_t>(Tracked::created.load() - created_before), factory_calls)
      << "every object comes from the factory";
  EXPECT_GT(stolen.load(), 0) << "the thieves never took anything: the stress tested nothing";
  // TearDown: every object made was destroyed exactly once (live is back).
}

}  // namespace
