// Kata 29: a block has one owner at a time, even when another thread takes
// and gives back blocks while a take() is between reading the head and
// swapping it.
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "block_pool.h"
#include "harness/joining_thread.h"

namespace {

constexpr std::uint32_t kNone = BlockPool::kNone;

}  // namespace

// The other thread's work, run at the point where take() called
// on_contention: it takes the head block A and the block B under it, then
// gives A back. The head is A again, but B is now taken.
TEST(AbaInTheFreeList, ABlockHasOneOwnerWhenAnotherThreadStepsIn) {
  BlockPool pool;
  std::uint32_t held_by_other = kNone;
  bool stepped_in = false;
  pool.on_contention = [&] {
    if (stepped_in) return;
    stepped_in = true;
    const std::uint32_t a = pool.take();
    held_by_other = pool.take();
    pool.give_back(a);
  };
  const std::uint32_t mine = pool.take();
  pool.on_contention = nullptr;
  ASSERT_TRUE(stepped_in) << "take() never called on_contention, so the test could not let another thread "
                             "step in: take() must call it between reading the head and swapping it";
  ASSERT_NE(mine, kNone);
  ASSERT_NE(held_by_other, kNone);
  EXPECT_NE(mine, held_by_other) << "take() returned block " << mine << ", which the other thread held";
  std::set<std::uint32_t> taken_after;
  for (std::uint32_t block = pool.take(); block != kNone; block = pool.take()) {
    EXPECT_NE(block, held_by_other)
        << "take() handed out block " << block << " while the other thread still held it. The first take() "
        << "read the head (block " << mine << ") and the block under it (" << held_by_other
        << "); the other thread took both and gave " << mine << " back. The compare-and-swap saw " << mine
        << " at the head again, took the head for unchanged, and made the taken block " << held_by_other
        << " the head";  // for: this kata's bug
    EXPECT_TRUE(taken_after.insert(block).second) << "take() handed out block " << block << " twice";
    if (block == held_by_other || taken_after.size() > BlockPool::kBlocks) break;
  }
}

TEST(AbaInTheFreeList, EveryBlockIsHandedOutOnce) {
  BlockPool pool;
  std::set<std::uint32_t> taken;
  for (std::uint32_t i = 0; i < BlockPool::kBlocks; ++i) {
    const std::uint32_t block = pool.take();
    ASSERT_NE(block, kNone) << "the pool ran out after " << i << " of its " << BlockPool::kBlocks << " blocks";
    EXPECT_TRUE(taken.insert(block).second) << "block " << block << " was handed out twice";
  }
  EXPECT_EQ(pool.take(), kNone) << "a pool with every block taken handed out one more";
}

TEST(AbaInTheFreeList, ABlockGivenBackIsHandedOutAgain) {
  BlockPool pool;
  std::vector<std::uint32_t> all;
  for (std::uint32_t block = pool.take(); block != kNone; block = pool.take()) all.push_back(block);
  ASSERT_EQ(all.size(), BlockPool::kBlocks);
  pool.give_back(all[10]);
  EXPECT_EQ(pool.take(), all[10]);
  for (std::uint32_t block : all) {
    if (block != all[10]) pool.give_back(block);
  }
  pool.give_back(all[10]);
  std::set<std::uint32_t> again;
  for (std::uint32_t block = pool.take(); block != kNone; block = pool.take()) again.insert(block);
  EXPECT_EQ(again.size(), BlockPool::kBlocks) << "blocks were lost on their way back";
}

TEST(AbaInTheFreeList, ThreadsTakingAndGivingBackNeverShareABlock) {
  BlockPool pool;
  std::vector<harness::JoiningThread> threads;
  std::vector<int> clashes(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&pool, &clashes, t] {
      const std::string mark = "thread " + std::to_string(t);
      for (int i = 0; i < 2000; ++i) {
        const std::uint32_t block = pool.take();
        if (block == kNone) continue;
        std::memcpy(pool[block].bytes, mark.c_str(), mark.size() + 1);
        if (std::strcmp(pool[block].bytes, mark.c_str()) != 0) ++clashes[t];
        pool.give_back(block);
      }
    });
  }
  threads.clear();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(clashes[t], 0) << "thread " << t << " found another thread's mark in its block";
}
