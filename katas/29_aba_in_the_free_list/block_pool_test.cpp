// Kata 29: a block has one owner at a time, even when another thread takes
// and gives back blocks right after any read a take() makes.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "block_pool.h"
#include "harness/joining_thread.h"

namespace {

constexpr std::uint32_t kNone = BlockPool::kNone;

// Runs `calls` on a thread of its own and waits for them. They can only get
// stuck on something the waiting thread holds (a lock held across a
// Steppable read): then the test says so and ends the program, since the
// stuck thread cannot be joined. The limit is for that failure alone; a
// passing run never waits for it.
void on_another_thread(const std::function<void()>& calls, const std::string& stuck) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> finished = done->get_future();
  std::thread([calls, done] {
    calls();
    done->set_value();
  }).detach();
  if (finished.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    ADD_FAILURE() << stuck;
    std::fflush(stdout);
    std::_Exit(1);
  }
}

// The other thread's calls: it takes the head block A and the `held`
// blocks under it, takes and gives back one more block `cycles` times, then
// gives A back. The head is A again, and the blocks it held under it are
// taken.
struct OtherThread {
  int held = 2;
  int cycles = 0;
  bool gives_back_at_once = false;  // gives its blocks back as soon as the first take() has returned
};

struct SteppedTake {
  bool stepped_in = false;  // false: take() made fewer reads than `point`
  bool other_found_none = false;
  std::uint32_t mine = kNone;
  std::vector<std::uint32_t> held_by_other;
};

// One take(), with the other thread's calls landing right after take()'s
// read number `point` (of the head or a link).
SteppedTake take_with_another_thread_after_read(BlockPool& pool, int point, OtherThread other) {
  SteppedTake run;
  int reads = 0;
  after_each_read = [&] {
    if (run.stepped_in || ++reads != point) return;
    run.stepped_in = true;
    on_another_thread(
        [&] {
          std::vector<std::uint32_t> taken;
          for (int i = 0; i < other.held + 1; ++i) {
            const std::uint32_t block = pool.take();
            if (block == kNone) {
              run.other_found_none = true;
              break;
            }
            taken.push_back(block);
          }
          if (run.other_found_none) return;
          for (int i = 0; i < other.cycles; ++i) pool.give_back(pool.take());
          pool.give_back(taken.front());
          run.held_by_other.assign(taken.begin() + 1, taken.end());
        },
        "another thread's take() and give_back() calls did not finish while take() was paused after its read "
        "number " + std::to_string(point) + ": take() holds something there that they wait for (a lock held "
        "across a Steppable read?)");
  };
  run.mine = pool.take();
  after_each_read = nullptr;
  return run;
}

// Every block taken from `pool` until it says none is left (at most one
// more than it has). `watched`: on another thread, in case take() never
// returns because the list has become a loop.
std::vector<std::uint32_t> drain(BlockPool& pool, bool watched) {
  std::vector<std::uint32_t> blocks;
  const auto take_all = [&] {
    for (std::uint32_t block = pool.take(); block != kNone && blocks.size() <= BlockPool::kBlocks; block = pool.take())
      blocks.push_back(block);
  };
  if (watched) {
    on_another_thread(take_all, "taking every free block did not finish: the free list has become a loop");
  } else {
    take_all();
  }
  return blocks;
}

// One stepped take() and what follows it; true when all was well.
bool check_one_owner(int point, OtherThread other, bool watched) {
  BlockPool pool;
  const SteppedTake run = take_with_another_thread_after_read(pool, point, other);
  if (!run.stepped_in) return false;
  const std::string what = "another thread stepped in after the first take()'s read number " + std::to_string(point) +
                           ": it took the head block " + std::to_string(run.mine) + " and " +
                           std::to_string(other.held) + " more under it" +
                           (other.cycles > 0 ? ", took and gave back a block " + std::to_string(other.cycles) + " times"
                                             : std::string()) +
                           ", and gave " + std::to_string(run.mine) + " back";
  EXPECT_FALSE(run.other_found_none) << "a take() on another thread found no free block while the pool had "
                                     << BlockPool::kBlocks - 1 << ": take() must not fail because another is under way";
  if (run.other_found_none) return false;
  for (const std::uint32_t held : run.held_by_other) {
    EXPECT_NE(run.mine, held) << "take() returned block " << run.mine << ", which " << what;
  }
  if (other.gives_back_at_once) {
    for (const std::uint32_t held : run.held_by_other) pool.give_back(held);
    const std::vector<std::uint32_t> rest = drain(pool, watched);
    const std::set<std::uint32_t> distinct(rest.begin(), rest.end());
    EXPECT_TRUE(rest.size() == BlockPool::kBlocks - 1 && distinct.size() == rest.size() && !distinct.count(run.mine))
        << "after " << what << ", and gave its blocks back, take() handed out " << rest.size() << " blocks, "
        << distinct.size() << " of them distinct, where the pool had " << BlockPool::kBlocks - 1
        << " free: the free list no longer links each free block once";  // for: this kata's bug
    return !::testing::Test::HasFailure();
  }
  const std::vector<std::uint32_t> free_blocks = drain(pool, watched);
  for (const std::uint32_t block : free_blocks) {
    for (const std::uint32_t held : run.held_by_other) {
      EXPECT_NE(block, held) << "take() handed out block " << block << " while another thread still held it. Then "
                             << what << ". The first take() swapped the head from " << run.mine
                             << " (there again) to the block it had read under it, which that thread held: the "
                                "compare-and-swap took a head that had come back for one that never changed";  // for: this kata's bug
    }
  }
  // Every block given back: the pool has all of them again, once each.
  pool.give_back(run.mine);
  for (const std::uint32_t held : run.held_by_other) pool.give_back(held);
  for (const std::uint32_t block : free_blocks) pool.give_back(block);
  const std::vector<std::uint32_t> all = drain(pool, watched);
  EXPECT_EQ(std::set<std::uint32_t>(all.begin(), all.end()).size(), BlockPool::kBlocks)
      << "with every block given back after " << what << ", take() handed out " << all.size() << " blocks, "
      << std::set<std::uint32_t>(all.begin(), all.end()).size() << " of them distinct, of the pool's "
      << BlockPool::kBlocks;  // for: this kata's bug
  return !::testing::Test::HasFailure();
}

}  // namespace

TEST(AbaInTheFreeList, ABlockHasOneOwnerWhereverAnotherThreadStepsIn) {
  for (const bool gives_back_at_once : {false, true}) {
    for (int held = 1; held <= 2; ++held) {
      for (int point = 1; point <= 16; ++point) {
        if (!check_one_owner(point, {held, 0, gives_back_at_once}, true)) break;
      }
    }
  }
}

// A head that carries a count of its swaps must not let the count come
// back to the same value while a take() is paused: here, through numbers of
// swaps in between around where a count of 6, 7 or 8 bits wraps.
TEST(AbaInTheFreeList, ABlockHasOneOwnerAfterManySwapsInBetween) {
  std::vector<int> cycles;
  for (const int wrap : {64, 128, 256}) {
    for (int n = wrap / 2 - 4; n <= wrap / 2 + 1; ++n) cycles.push_back(n);
    for (int n = wrap - 5; n <= wrap; ++n) cycles.push_back(n);
  }
  for (const int n : cycles) {
    for (int held = 1; held <= 2; ++held) {
      for (int point = 1; point <= 16; ++point) {
        if (!check_one_owner(point, {held, n, false}, false)) break;
      }
      if (HasFailure()) return;
    }
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
