// The pool's single-threaded contract: reuse, the factory, collect(), the
// lease and ownership.
#include <stdexcept>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include "harness/pool.h"
#include "tracked.h"

namespace {

using harness::Lease;
using harness::Pool;

class PoolTest : public testing::Test {
 protected:
  void SetUp() override { live_before_ = Tracked::live.load(); }
  void TearDown() override { EXPECT_EQ(Tracked::live.load(), live_before_) << "objects leaked or destroyed twice"; }
  int live_before_ = 0;
};

TEST_F(PoolTest, GivesBackTheObjectPutOnTheSameThread) {
  Pool<Tracked> pool{Tracked::make};
  auto first = pool.get();
  Tracked* address = first.get();
  first->value = 7;
  pool.put(std::move(first));

  auto again = pool.get();
  EXPECT_EQ(again.get(), address);
  EXPECT_EQ(again->value, 7) << "the pool must not reset objects; that is the caller's job";
  pool.put(std::move(again));
}

TEST_F(PoolTest, CallsTheFactoryOnlyOnAMiss) {
  Pool<Tracked> pool{Tracked::make};
  for (int i = 0; i < 100; ++i) pool.put(pool.get());

  const harness::PoolStats s = pool.stats();
  EXPECT_EQ(s.gets, 100u);
  EXPECT_EQ(s.factory_calls, 1u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.hits, 99u);
  EXPECT_EQ(s.puts, 100u);
  EXPECT_EQ(s.cached, 1u);
}

TEST_F(PoolTest, WithoutAFactoryAnEmptyPoolYieldsNothing) {
  Pool<Tracked> pool;
  EXPECT_EQ(pool.get(), nullptr);

  auto made = Tracked::make();
  Tracked* address = made.get();
  pool.put(std::move(made));
  EXPECT_EQ(pool.get().get(), address);
  EXPECT_EQ(pool.get(), nullptr);
  const harness::PoolStats s = pool.stats();
  EXPECT_EQ(s.factory_calls, 0u);
  EXPECT_EQ(s.misses, 2u) << "a get() that finds nothing is a miss, with or without a factory";
  EXPECT_EQ(s.gets, s.hits + s.misses);
}

TEST_F(PoolTest, PuttingNothingIsIgnored) {
  Pool<Tracked> pool;
  pool.put(nullptr);
  EXPECT_EQ(pool.stats().puts, 0u);
  EXPECT_EQ(pool.stats().cached, 0u);
}

TEST_F(PoolTest, OverflowBeyondThePrivateSlotIsKept) {
  Pool<Tracked> pool{Tracked::make};
  auto a = pool.get(), b = pool.get(), c = pool.get();
  pool.put(std::move(a));
  pool.put(std::move(b));
  pool.put(std::move(c));
  EXPECT_EQ(pool.stats().cached, 3u);
  auto x = pool.get(), y = pool.get(), z = pool.get();
  EXPECT_EQ(pool.stats().factory_calls, 3u) << "all three objects should have come from the cache";
}

TEST_F(PoolTest, FirstCollectMovesTheCacheToTheVictimTier) {
  Pool<Tracked> pool{Tracked::make};
  auto a = pool.get(), b = pool.get();
  Tracked* address_a = a.get();
  Tracked* address_b = b.get();
  pool.put(std::move(a));
  pool.put(std::move(b));

  pool.collect();
  EXPECT_EQ(pool.stats().cached, 2u) << "one collect() must keep objects in the victim tier";
  auto x = pool.get();
  EXPECT_TRUE(x.get() == address_a || x.get() == address_b) << "get() must find the victim tier";
  EXPECT_EQ(pool.stats().factory_calls, 2u);
}

TEST_F(PoolTest, SecondCollectDestroysEverything) {
  const int before = Tracked::live.load();
  Pool<Tracked> pool{Tracked::make};
  auto a = pool.get(), b = pool.get(), c = pool.get();
  pool.put(std::move(a));
  pool.put(std::move(b));
  pool.put(std::move(c));
  ASSERT_EQ(Tracked::live.load(), before + 3);

  pool.collect();
  EXPECT_EQ(Tracked::live.load(), before + 3);
  pool.collect();
  EXPECT_EQ(Tracked::live.load(), before) << "two collect() calls must destroy every cached object";
  EXPECT_EQ(pool.stats().cached, 0u);

  pool.get();
  EXPECT_EQ(pool.stats().factory_calls, 4u) << "an emptied pool must call the factory again";
}

TEST_F(PoolTest, PutBetweenCollectsSurvivesTheNextOne) {
  Pool<Tracked> pool{Tracked::make};
  pool.put(pool.get());
  pool.collect();
  pool.put(Tracked::make());  // fresh, after the first cycle
  pool.collect();             // drops the first object, demotes the second
  EXPECT_EQ(pool.stats().cached, 1u);
}

TEST_F(PoolTest, DestroysWhatItHoldsWhenDestroyed) {
  const int before = Tracked::live.load();
  {
    Pool<Tracked> pool{Tracked::make};
    auto a = pool.get(), b = pool.get();
    pool.put(std::move(a));
    pool.put(std::move(b));
    pool.collect();
    pool.put(pool.get());
  }
  EXPECT_EQ(Tracked::live.load(), before);
}

TEST_F(PoolTest, LeasePutsBackOnEveryPath) {
  Pool<Tracked> pool{Tracked::make};
  try {
    Lease<Tracked> lease = pool.lease();
    lease->value = 1;
    throw std::runtime_error("early exit");
  } catch (const std::runtime_error&) {
  }
  {
    Lease<Tracked> lease = pool.lease();
    EXPECT_EQ(lease->value, 1) << "the lease should have put the object back on the throwing path";
  }
  EXPECT_EQ(pool.stats().puts, 2u);
  EXPECT_EQ(pool.stats().factory_calls, 1u);
}

TEST_F(PoolTest, LeaseCanBeMovedAndReleased) {
  Pool<Tracked> pool{Tracked::make};
  Lease<Tracked> outer = pool.lease();
  Lease<Tracked> moved = std::move(outer);
  EXPECT_FALSE(outer);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_TRUE(moved);
  std::unique_ptr<Tracked> kept = moved.release();
  EXPECT_FALSE(moved);
  EXPECT_EQ(pool.stats().puts, 0u) << "a released object must not go back to the pool";
}

TEST_F(PoolTest, LeaseFromAnEmptyPoolWithoutFactoryIsEmpty) {
  Pool<Tracked> pool;
  Lease<Tracked> lease = pool.lease();
  EXPECT_FALSE(lease);
}

TEST_F(PoolTest, FactoryMayThrowAndThePoolStaysUsable) {
  bool fail = true;
  Pool<Tracked> pool{[&]() -> std::unique_ptr<Tracked> {
    if (fail) throw std::runtime_error("no memory today");
    return Tracked::make();
  }};
  EXPECT_THROW(pool.get(), std::runtime_error);
  fail = false;
  EXPECT_NE(pool.get(), nullptr);
}

static_assert(!std::is_copy_constructible_v<Pool<int>>, "a Pool must not be copyable");
static_assert(!std::is_copy_assignable_v<Pool<int>>, "a Pool must not be copyable");
static_assert(!std::is_move_constructible_v<Pool<int>>, "a Pool must not be movable");
static_assert(!std::is_copy_constructible_v<Lease<int>>, "a Lease must not be copyable");

}  // namespace
