// harness/pool_ring.h — the pool's per-thread ring: one owner pushes and pops
// at the head, any thread pops at the tail. Go's poolDequeue, at a fixed size.
//
// What it promises
//   * push_head() and pop_head() are called by one thread at a time (the
//     owner; the pool's thread numbers see to that), pop_tail() by any number
//     of threads at once, alongside the owner. None of them takes a lock or
//     waits for another thread: each is a few atomic operations, and a
//     compare-and-swap that fails means another call succeeded.
//   * Every pointer pushed is popped at most once: by pop_head() (newest
//     first) or by pop_tail() or pop_tail_half() (oldest first), never twice.
//   * After room() returns n, the owner's next n push_head() calls succeed.
//   * What the pushing thread wrote before push_head() happens-before what
//     the popping thread does after the pop returns it (release on push,
//     acquire on pop, in ordinary atomics that ThreadSanitizer sees).
//   * The ring's memory lives as long as its owner (a member, fixed size):
//     nothing is ever freed while another thread may still read it, so no
//     reclamation scheme is needed.
//   * size() is exact when no call is under way, approximate otherwise.
//
// What it does not promise
//   * room: push_head() returns false when the ring is full, and also for a
//     short while after a pop_tail() has claimed a cell it has not yet
//     emptied. The caller keeps the pointer and stores it elsewhere;
//   * that pop_tail() sees a push made at the same moment (nothing orders
//     the two): it may return nullptr although the ring is about to hold one.
//
// Head and tail are two 32-bit counters packed into one 64-bit atomic, as in
// Go's poolDequeue, so that one compare-and-swap decides between the owner
// taking the last element from the head and a thief taking it from the tail.
// The counters wrap; a thief would have to sleep through 2^32 operations on
// one ring between its load and its compare-and-swap to be confused (Go
// accepts the same).
//
// Step is a hook called before every access to shared state. It does nothing
// in the pool; the ring's tests pass one that hands control to a scheduler,
// to run every interleaving of small scenarios.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace harness::detail {

struct NoStep {
  void operator()() const {}
};

template <class T, std::size_t Capacity, class Step = NoStep>
class SpmcRing {
  static_assert(Capacity >= 2 && (Capacity & (Capacity - 1)) == 0, "Capacity must be a power of two");
  static_assert(Capacity < (std::size_t{1} << 31), "head and tail are 32-bit counters");

 public:
  static constexpr std::size_t capacity = Capacity;

  // Owner only. False when full: the pointer stays the caller's.
  bool push_head(T* p) {
    Step{}();
    const std::uint64_t ht = head_tail_.load(std::memory_order_relaxed);  // only the owner moves head
    const std::uint32_t head = head_of(ht), tail = tail_of(ht);
    if (static_cast<std::uint32_t>(head - tail) >= Capacity) return false;
    std::atomic<T*>& cell = cells_[head & kMask];
    // A thief that has claimed this cell (moved the tail past it) may not
    // have emptied it yet: the ring is still full.
    Step{}();
    if (cell.load(std::memory_order_acquire) != nullptr) return false;
    Step{}();
    cell.store(p, std::memory_order_relaxed);
    // Publishes the cell, and everything before it, to whoever pops it.
    Step{}();
    head_tail_.fetch_add(kOneHead, std::memory_order_release);
    return true;
  }

  // Owner only: the newest pointer, or nullptr when empty.
  T* pop_head() {
    Step{}();
    std::uint64_t ht = head_tail_.load(std::memory_order_relaxed);
    std::uint32_t head;
    for (;;) {
      head = head_of(ht);
      if (head == tail_of(ht)) return nullptr;
      --head;
      // Fails only when a thief moved the tail: look again.
      Step{}();
      if (head_tail_.compare_exchange_weak(ht, pack(head, tail_of(ht)), std::memory_order_relaxed,
                                           std::memory_order_relaxed)) {
        break;
      }
    }
    // The cell is ours alone now: the owner filled it, no thief can claim it.
    std::atomic<T*>& cell = cells_[head & kMask];
    Step{}();
    T* p = cell.load(std::memory_order_relaxed);
    Step{}();
    cell.store(nullptr, std::memory_order_relaxed);
    return p;
  }

  // Any thread: the oldest pointer, or nullptr when empty.
  T* pop_tail() {
    Step{}();
    std::uint64_t ht = head_tail_.load(std::memory_order_acquire);
    std::uint32_t tail;
    for (;;) {
      tail = tail_of(ht);
      if (head_of(ht) == tail) return nullptr;
      // Acquire: pairs with the push that published this cell.
      Step{}();
      if (head_tail_.compare_exchange_weak(ht, pack(head_of(ht), tail + 1), std::memory_order_acquire,
                                           std::memory_order_acquire)) {
        break;
      }
    }
    std::atomic<T*>& cell = cells_[tail & kMask];
    Step{}();
    T* p = cell.load(std::memory_order_relaxed);
    // Gives the cell back to the owner's push_head().
    Step{}();
    cell.store(nullptr, std::memory_order_release);
    return p;
  }

  // Any thread: up to max of the oldest pointers at once (about half of what
  // the ring holds, at least one), into out[0..n), oldest first. Returns n;
  // 0 when empty. One compare-and-swap claims them all, so a thief that
  // moves them into a ring of its own pays for the shared cache lines once
  // per batch, not once per pointer.
  std::size_t pop_tail_half(T** out, std::size_t max) {
    if (max == 0) return 0;
    Step{}();
    std::uint64_t ht = head_tail_.load(std::memory_order_acquire);
    std::uint32_t tail, n;
    for (;;) {
      tail = tail_of(ht);
      const std::uint32_t held = static_cast<std::uint32_t>(head_of(ht) - tail);
      if (held == 0) return 0;
      n = (held + 1) / 2;
      if (n > max) n = static_cast<std::uint32_t>(max);
      Step{}();
      if (head_tail_.compare_exchange_weak(ht, pack(head_of(ht), tail + n), std::memory_order_acquire,
                                           std::memory_order_acquire)) {
        break;
      }
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      std::atomic<T*>& cell = cells_[(tail + i) & kMask];
      Step{}();
      out[i] = cell.load(std::memory_order_relaxed);
      Step{}();
      cell.store(nullptr, std::memory_order_release);
    }
    return n;
  }

  // Owner only: how many push_head() calls in a row will succeed, up to max.
  // Only the owner fills cells and thieves only empty them, so what this
  // sees empty stays empty until the owner pushes.
  std::size_t room(std::size_t max) const {
    Step{}();
    const std::uint64_t ht = head_tail_.load(std::memory_order_relaxed);
    const std::uint32_t head = head_of(ht);
    std::size_t free = Capacity - static_cast<std::uint32_t>(head - tail_of(ht));
    if (free > max) free = max;
    for (std::size_t i = 0; i < free; ++i) {
      Step{}();
      if (cells_[(head + i) & kMask].load(std::memory_order_acquire) != nullptr) return i;
    }
    return free;
  }

  std::size_t size() const {
    const std::uint64_t ht = head_tail_.load(std::memory_order_relaxed);
    return static_cast<std::uint32_t>(head_of(ht) - tail_of(ht));
  }

 private:
  static constexpr std::uint64_t kOneHead = std::uint64_t{1} << 32;
  static constexpr std::uint32_t kMask = static_cast<std::uint32_t>(Capacity - 1);

  static std::uint32_t head_of(std::uint64_t ht) { return static_cast<std::uint32_t>(ht >> 32); }
  static std::uint32_t tail_of(std::uint64_t ht) { return static_cast<std::uint32_t>(ht); }
  static std::uint64_t pack(std::uint32_t head, std::uint32_t tail) {
    return (static_cast<std::uint64_t>(head) << 32) | tail;
  }

  // The counters on a line of their own, apart from the cells the owner fills.
  alignas(64) std::atomic<std::uint64_t> head_tail_{0};
  alignas(64) std::atomic<T*> cells_[Capacity] = {};
};

}  // namespace harness::detail
