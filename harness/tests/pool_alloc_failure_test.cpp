// The pool when an allocation fails. This binary replaces operator new so
// that the allocation a test chooses throws std::bad_alloc; it is a program
// of its own, so that no other test runs with that operator.
//
// put() must throw nothing and lose nothing: an object it cannot make room
// for is destroyed. collect() must throw before it moves anything, so that
// no object is lost and no thread's slot stays claimed.
#include <atomic>
#include <cstdlib>
#include <new>

#include <gtest/gtest.h>

// The pool itself, without its hostile mode: the mode's own record of cached
// objects allocates too, and would take the failure meant for the pool (it
// gives up recording rather than throw; pool_hostile_test.cpp covers it).
#undef HARNESS_POOL_HOSTILE
#define HARNESS_POOL_HOSTILE 0
#include "harness/pool.h"
#include "tracked.h"

namespace {

// How many allocations may still succeed before one fails; -1: all succeed.
std::atomic<int> allocations_left{-1};

void fail_allocation_after(int count) { allocations_left.store(count); }

}  // namespace

// GCC cannot see that these two are a matched pair and warns about free().
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t size) {
  int left = allocations_left.load();
  while (left >= 0) {
    if (allocations_left.compare_exchange_weak(left, left - 1)) {
      if (left == 0) throw std::bad_alloc();
      break;
    }
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

constexpr int kRing = static_cast<int>(harness::Pool<Tracked>::kRingCapacity);

TEST(PoolAllocationFailure, PutDestroysWhatItCannotMakeRoomFor) {
  const int live_before = Tracked::live.load();
  {
    harness::Pool<Tracked> pool;
    // Puts in a row go to the thread's ring: kRing fill it, one more goes to
    // the shared overflow (a vector of capacity one now).
    for (int i = 0; i < 1 + kRing; ++i) pool.put(Tracked::make());
    auto last = Tracked::make();
    fail_allocation_after(0);  // the shared overflow needs room for one more: none
    pool.put(std::move(last));
    fail_allocation_after(-1);
    EXPECT_EQ(Tracked::live.load(), live_before + 1 + kRing)
        << "put() could not cache the object and should have destroyed it, not leaked it";
    EXPECT_EQ(pool.stats().cached, static_cast<std::size_t>(1 + kRing));
    EXPECT_NE(pool.get(), nullptr) << "the objects already cached must still be there";
  }
  EXPECT_EQ(Tracked::live.load(), live_before) << "objects leaked or destroyed twice";
}

TEST(PoolAllocationFailure, CollectThrowsBeforeItMovesAnything) {
  const int live_before = Tracked::live.load();
  {
    harness::Pool<Tracked> pool;
    // A full ring and two objects in the shared overflow.
    for (int i = 0; i < 2 + kRing; ++i) pool.put(Tracked::make());
    fail_allocation_after(0);
    EXPECT_THROW(pool.collect(), std::bad_alloc);
    fail_allocation_after(-1);
    EXPECT_EQ(pool.stats().cached, static_cast<std::size_t>(2 + kRing))
        << "a collect() that failed must leave the pool as it was";
    // The slot is not left claimed: put and get still use it.
    auto object = pool.get();
    ASSERT_NE(object, nullptr);
    pool.put(std::move(object));
    pool.collect();
    pool.collect();
    EXPECT_EQ(pool.stats().cached, 0u);
    EXPECT_EQ(Tracked::live.load(), live_before) << "two collect() calls should have destroyed every object";
  }
  EXPECT_EQ(Tracked::live.load(), live_before) << "objects leaked or destroyed twice";
}
