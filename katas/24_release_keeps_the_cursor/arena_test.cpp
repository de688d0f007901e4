// Kata 24: after release(), the arena is as it was built: what it hands out
// is fresh memory, and its blocks start again at the first size.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "arena.h"
#include "harness/heap_probe.h"
#include "harness/testing.h"

TEST(ReleaseKeepsTheCursor, CopiesAreIntactAndApart) {
  Arena arena;
  std::vector<std::string_view> copies;
  for (int i = 0; i < 200; ++i) copies.push_back(copy_into(arena, "line " + std::to_string(i)));
  for (int i = 0; i < 200; ++i) EXPECT_EQ(copies[i], "line " + std::to_string(i));
  EXPECT_GT(arena.blocks(), 1u);
}

TEST(ReleaseKeepsTheCursor, ManyCopiesShareAFewBlocks) {
  Arena arena;
  const std::string line(20, 'l');
  const std::size_t allocations = harness::testing::allocations_during([&] {
    for (int i = 0; i < 100; ++i) copy_into(arena, line);
  });
  EXPECT_LE(allocations, 10u) << "100 copies of 20 bytes made " << allocations
                             << " heap allocations: an arena serves many allocations from each block it takes";
}

TEST(ReleaseKeepsTheCursor, AllocationsAreAligned) {
  Arena arena;
  for (std::size_t size : {1u, 3u, 8u, 24u, 100u, 5000u}) {
    void* p = arena.allocate(size, 16);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 16, 0u);
  }
}

TEST(ReleaseKeepsTheCursor, AReleasedArenaCanBeUsedAgain) {
  Arena arena;
  copy_into(arena, std::string(600, 'a'));  // the first block is now in use
  arena.release();
  const std::string_view copy = copy_into(arena, "after release");  // for: this kata's bug
  EXPECT_EQ(copy, "after release");
  EXPECT_EQ(arena.blocks(), 1u);
}

TEST(ReleaseKeepsTheCursor, ReleaseFreesEveryBlock) {
  const std::size_t before = harness::live_heap_bytes();
  Arena arena;
  for (int i = 0; i < 100; ++i) copy_into(arena, std::string(1000, 'x'));
  arena.release();
  EXPECT_EQ(arena.blocks(), 0u) << "release() kept " << arena.blocks() << " of the arena's blocks";
  const long long left = static_cast<long long>(harness::live_heap_bytes()) - static_cast<long long>(before);
  EXPECT_LT(left, 4 * 1024) << "release() left " << left << " bytes of blocks on the heap";
}

TEST(ReleaseKeepsTheCursor, EveryRequestStartsAgainFromTheFirstBlockSize) {
  Arena arena(1024);
  std::size_t first_cycle = 0;
  std::size_t last_cycle = 0;
  for (int cycle = 0; cycle < 12; ++cycle) {
    const std::size_t largest = harness::testing::largest_allocation_during([&] {
      for (int i = 0; i < 40; ++i) copy_into(arena, std::string(100, 'r'));
    });
    if (cycle == 0) first_cycle = largest;
    last_cycle = largest;
    arena.release();  // for: this kata's bug
  }
  EXPECT_LE(last_cycle, first_cycle)
      << "the same request, served after 11 release() calls, took a block of " << last_cycle / 1024
      << " KiB where the first took " << first_cycle / 1024
      << " KiB: release() must start the block sizes over, or every request makes them grow";
}

TEST(ReleaseKeepsTheCursor, ReleasingAnEmptyArenaIsHarmless) {
  Arena arena;
  arena.release();
  arena.release();
  EXPECT_EQ(copy_into(arena, "fresh"), "fresh");
}
