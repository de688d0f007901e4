// A pool of fixed-size message blocks that every thread shares without a
// lock. The free blocks form a stack linked by block number (a Treiber
// stack): take() and give_back() each move its head with one
// compare-and-swap, and retry when another thread moved it first.
//
// The head and the links are Steppable (steppable.h): atomics whose every
// read is a point where the test can let another thread's calls land.
#pragma once

#include <array>
#include <cstdint>

#include "steppable.h"

class BlockPool {
 public:
  static constexpr std::uint32_t kBlocks = 64;
  static constexpr std::uint32_t kNone = UINT32_MAX;  // what take() returns when all are taken
  struct Block {
    char bytes[256];
  };

  BlockPool() {
    for (std::uint32_t block = 0; block < kBlocks; ++block)
      next_[block].store(block + 1 < kBlocks ? block + 1 : kNone, std::memory_order_relaxed);
    head_.store(0, std::memory_order_release);
  }
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  // The number of a free block, now the caller's; kNone when none is free.
  std::uint32_t take() {
    std::uint32_t head = head_.load(std::memory_order_acquire);
    while (head != kNone) {
      const std::uint32_t next = next_[head].load(std::memory_order_relaxed);
      if (head_.compare_exchange_weak(head, next, std::memory_order_acquire)) return head;
    }
    return kNone;
  }

  // Gives a block that take() handed out back to the pool.
  void give_back(std::uint32_t block) {
    std::uint32_t head = head_.load(std::memory_order_relaxed);
    do {
      next_[block].store(head, std::memory_order_relaxed);
    } while (!head_.compare_exchange_weak(head, block, std::memory_order_release, std::memory_order_relaxed));
  }

  Block& operator[](std::uint32_t block) { return blocks_[block]; }

 private:
  std::array<Block, kBlocks> blocks_{};
  std::array<Steppable<std::uint32_t>, kBlocks> next_;
  Steppable<std::uint32_t> head_;
};
