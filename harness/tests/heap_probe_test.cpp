#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "harness/heap_probe.h"

namespace {

using harness::kMiB;
using harness::live_heap_bytes;

TEST(HeapProbeTest, SeesALargeAllocationAndItsRelease) {
  const std::size_t before = live_heap_bytes();
  auto block = std::make_unique<std::vector<char>>(8 * kMiB, 'x');
  const std::size_t during = live_heap_bytes();
  block.reset();
  const std::size_t after = live_heap_bytes();

  EXPECT_GE(during, before + 8 * kMiB);
  EXPECT_LT(after, before + 64 * 1024) << "freed memory should not count as live";
}

TEST(HeapProbeTest, SeesManySmallAllocations) {
  const std::size_t before = live_heap_bytes();
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 4096; ++i) blocks.push_back(std::make_unique<char[]>(512));
  EXPECT_GE(live_heap_bytes(), before + 4096 * 512);
}

}  // namespace
