// harness/failing_new.h and the heap probe's largest block: the tools the
// katas' tests use to reach the paths and the allocations nobody listed.
// A binary of its own, since the header replaces operator new.
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/failing_new.h"
#include "harness/pool.h"
#include "harness/testing.h"

namespace {

// One allocation through the replaced operator new (new[] goes straight to
// a sanitizer's own operator).
struct Freed {
  void operator()(void* p) const { ::operator delete(p); }
};
using Block = std::unique_ptr<void, Freed>;
Block block(std::size_t size) { return Block(::operator new(size)); }

// Whether block() threw std::bad_alloc; no GoogleTest macro (which may
// allocate) runs while a failure is armed.
bool block_fails(std::size_t size) {
  try {
    block(size);
    return false;
  } catch (const std::bad_alloc&) {
    return true;
  }
}

}  // namespace

// Kata 11 skips its failure test where this is false: it must not be false in
// the build the kata is taught with.
TEST(FailingNewTest, WorksUnderAddressSanitizer) {
  EXPECT_TRUE(harness::testing::FailingAllocation::kWorksInThisBuild);
}

TEST(FailingNewTest, TheChosenAllocationThrowsAndTheOthersSucceed) {
  bool first = true, second = true, third = false, fourth = true, reached_early = true, reached = false;
  {
    const harness::testing::FailingAllocation failing(2);  // the third from here
    first = block_fails(16);
    second = block_fails(16);
    reached_early = failing.failed();
    third = block_fails(16);
    reached = failing.failed();
    fourth = block_fails(16);
  }
  EXPECT_FALSE(first);
  EXPECT_FALSE(second);
  EXPECT_FALSE(reached_early);
  EXPECT_TRUE(third) << "the third allocation must throw std::bad_alloc";
  EXPECT_TRUE(reached);
  EXPECT_FALSE(fourth) << "only one allocation fails: the next one succeeds again";
}

TEST(FailingNewTest, NothingFailsOnceTheScopeEnds) {
  { const harness::testing::FailingAllocation failing(5); }
  bool any = false;
  for (int i = 0; i < 10; ++i) any = block_fails(16) || any;
  EXPECT_FALSE(any);
}

TEST(FailingNewTest, ACallThatMakesFewerAllocationsSaysTheFailureWasNotReached) {
  bool reached = true;
  {
    const harness::testing::FailingAllocation failing(100);
    block(16);
    reached = failing.failed();
  }
  EXPECT_FALSE(reached);
}

// The pool's hostile mode records every put() with allocations of its own;
// those never fail, so the failure lands in the program's next allocation.
TEST(FailingNewTest, ThePoolsOwnBooksNeverTakeTheFailure) {
  const harness::testing::ExactPool exact("the put must keep the object");
  harness::Pool<std::string> pool{[] { return std::make_unique<std::string>(); }};
  std::unique_ptr<std::string> object = pool.get();
  bool put_took_it = true, next_failed = false;
  {
    const harness::testing::FailingAllocation failing(0);  // the very next one
    pool.put(std::move(object));
    put_took_it = failing.failed();
    next_failed = block_fails(16);
  }
  EXPECT_FALSE(put_took_it) << "put() took the failure meant for the program";
  EXPECT_TRUE(next_failed);
  EXPECT_EQ(pool.stats().cached, 1u);
}

TEST(LargestAllocationTest, IsTheLargestBlockTheCallAllocated) {
  const std::size_t largest = harness::testing::largest_allocation_during([] {
    const Block small = block(100);
    const Block large = block(5000);
    const Block middle = block(300);
  });
  EXPECT_EQ(largest, 5000u);
  EXPECT_EQ(harness::testing::largest_allocation_during([] {}), 0u) << "a call that allocates nothing";
}
