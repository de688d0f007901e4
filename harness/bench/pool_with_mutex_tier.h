// harness/bench/pool_with_mutex_tier.h — the pool as it was before the
// lock-free rings (main's harness/include/harness/pool.h), for pool_bench's
// side-by-side rows only: its overflow is a std::vector behind one mutex, so
// a pipeline's every get() takes that mutex and, when the overflow is empty,
// steals from a slot with a process-wide barrier. Plain: the hostile mode
// (harness/pool_guard.h) is left out, as the benchmarks compile it out of the
// real pool too, and so is its Lease, which the benchmarks do not use; its
// stats() returns the real pool's PoolStats. Not used anywhere else; do not
// include it in a test.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "harness/asymmetric_fence.h"
#include "harness/pool_core.h"
#include "harness/thread_index.h"

namespace harness::mutex_tier {

using harness::PoolStats;

template <class T>
class Pool {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;

  // A pool without a factory: get() on an empty pool returns nullptr.
  Pool() : locals_(new Local[kMaxThreads]) {}
  explicit Pool(Factory factory) : Pool() { factory_ = std::move(factory); }

  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  ~Pool() {
    for (std::size_t i = 0; i < kMaxThreads; ++i) destroy(locals_[i].slot.load(std::memory_order_acquire));
    for (T* p : shared_) destroy(p);
    for (T* p : victim_) destroy(p);
  }

  std::unique_ptr<T> get() {
    const std::size_t index = this_thread_index();
    if (index >= kMaxThreads) [[unlikely]] {
      count(nullptr, &Counters::gets);
      return get_slow(nullptr);
    }
    Local& mine = locals_[index];
    bump(mine.counts.gets);
    if (T* p = take_own(mine)) {
      bump(mine.counts.hits);
      return hand_out(p);
    }
    return get_slow(&mine);
  }

  // get() without the factory: a cached object, or nullptr when nothing is
  // cached. Counted as a get (a hit or a miss, never a factory call).
  std::unique_ptr<T> try_get() {
    const std::size_t index = this_thread_index();
    Local* mine = index < kMaxThreads ? &locals_[index] : nullptr;
    count(mine, &Counters::gets);
    if (mine) {
      if (T* p = take_own(*mine)) {
        count(mine, &Counters::hits);
        return hand_out(p);
      }
    }
    return get_slow(mine, false);
  }

  void put(std::unique_ptr<T> object) {
    if (!object) return;
    const std::size_t index = this_thread_index_or_none();
    if (index >= kMaxThreads) [[unlikely]] {
      count(nullptr, &Counters::puts);
      return put_slow(nullptr, object.release());
    }
    Local& mine = locals_[index];
    bump(mine.counts.puts);
    T* p = object.release();
    if (!fill_own(mine, p)) put_slow(&mine, p);
  }

  void collect() {
    std::vector<T*> doomed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const std::size_t used = threads_seen();
      // Room for every slot's object in what becomes the victim tier, made
      // before anything moves: past this line nothing throws, so no object
      // is lost and no slot is left claimed.
      shared_.reserve(shared_.size() + used);
      doomed.swap(victim_);
      victim_.swap(shared_);
      // Claim every slot first, so that one barrier serves them all, and
      // look at the slots only after it: a relaxed look before the barrier
      // could miss an object whose put() had finished, and that object would
      // then outlive two collect() calls.
      for (std::size_t i = 0; i < used; ++i) locals_[i].claimed.store(true, std::memory_order_relaxed);
      if (used > 0) {
        detail::heavy_fence();
        for (std::size_t i = 0; i < used; ++i) {
          if (T* p = take_claimed(locals_[i])) victim_.push_back(p);
        }
      }
    }
    // Destructors run outside the lock: they may be slow or touch other pools.
    for (T* p : doomed) destroy(p);
  }

  PoolStats stats() const {
    PoolStats s;
    const std::size_t used = threads_seen();
    for (std::size_t i = 0; i < used; ++i) {
      add(s, locals_[i].counts);
      if (locals_[i].slot.load(std::memory_order_relaxed) != nullptr) ++s.cached;
    }
    add(s, overflow_);
    std::lock_guard<std::mutex> lock(mu_);
    s.cached += shared_.size() + victim_.size();
    return s;
  }

 private:
  // Two cache lines per thread, so that neither threads nor the adjacent-line
  // prefetcher make neighbouring slots share traffic.
  //
  // The slot belongs to its thread, which changes it between busy = true and
  // busy = false without any atomic read-modify-write. Another thread (a get()
  // that steals, or collect()) holds mu_, sets claimed, runs the heavy half of
  // the fence and waits for busy to drop; from then on the owner sees claimed
  // and takes the locked path. busy's release/acquire pair is also the edge
  // that orders what the owner wrote before put() before what the next holder
  // does, and nothing the owner does after put().
  struct Counters {
    std::atomic<std::uint64_t> gets{0}, hits{0}, misses{0}, factory_calls{0}, puts{0};
  };
  struct alignas(128) Local {
    std::atomic<T*> slot{nullptr};
    std::atomic<bool> busy{false};
    std::atomic<bool> claimed{false};
    Counters counts;
  };

  // Only the owning thread writes its counters, so a load and a store are
  // enough; an atomic read-modify-write would cost more than the rest of get().
  static void bump(std::atomic<std::uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  // Counts for the caller: in its own slot's counters, or, for a thread
  // without a slot, in the shared overflow_ counters (written by many).
  void count(Local* mine, std::atomic<std::uint64_t> Counters::*which) {
    if (mine) {
      bump(mine->counts.*which);
    } else {
      (overflow_.*which).fetch_add(1, std::memory_order_relaxed);
    }
  }

  static void add(PoolStats& s, const Counters& c) {
    s.gets += c.gets.load(std::memory_order_relaxed);
    s.hits += c.hits.load(std::memory_order_relaxed);
    s.misses += c.misses.load(std::memory_order_relaxed);
    s.factory_calls += c.factory_calls.load(std::memory_order_relaxed);
    s.puts += c.puts.load(std::memory_order_relaxed);
  }

  // The owner's fast paths. Each returns false (or nullptr) to send the caller
  // down the locked path.
  static T* take_own(Local& mine) {
    mine.busy.store(true, std::memory_order_relaxed);
    detail::light_fence();
    T* p = nullptr;
    if (!mine.claimed.load(std::memory_order_acquire)) [[likely]] {
      p = mine.slot.load(std::memory_order_relaxed);
      if (p) mine.slot.store(nullptr, std::memory_order_relaxed);
    }
    mine.busy.store(false, std::memory_order_release);
    return p;
  }

  static bool fill_own(Local& mine, T* p) {
    mine.busy.store(true, std::memory_order_relaxed);
    detail::light_fence();
    bool filled = false;
    if (!mine.claimed.load(std::memory_order_acquire) && mine.slot.load(std::memory_order_relaxed) == nullptr)
        [[likely]] {
      mine.slot.store(p, std::memory_order_relaxed);
      filled = true;
    }
    mine.busy.store(false, std::memory_order_release);
    return filled;
  }

  // With mu_ held and other.claimed set, after a heavy fence: the owner has
  // left its fast path or will see the claim. Takes the slot, drops the claim.
  static T* take_claimed(Local& other) {
    while (other.busy.load(std::memory_order_acquire)) std::this_thread::yield();
    T* p = other.slot.load(std::memory_order_relaxed);
    if (p) other.slot.store(nullptr, std::memory_order_relaxed);
    other.claimed.store(false, std::memory_order_release);
    return p;
  }

  std::unique_ptr<T> get_slow(Local* mine, bool use_factory = true) {
    T* p = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      // Under mu_ no claim is in progress: the owner may use its slot freely.
      if (mine && (p = mine->slot.load(std::memory_order_relaxed))) mine->slot.store(nullptr, std::memory_order_relaxed);
      if (!p && !shared_.empty()) p = pop(shared_);
      if (!p) p = steal(mine);
      if (!p && !victim_.empty()) p = pop(victim_);
    }
    if (p) {
      count(mine, &Counters::hits);
      return hand_out(p);
    }
    count(mine, &Counters::misses);
    if (!factory_ || !use_factory) return nullptr;
    count(mine, &Counters::factory_calls);
    // No lock is held here: a factory may allocate, throw, or (wrongly) call
    // back into this pool; the hostile mode names the last where it happens.
    return factory_();
  }

  // A cached object leaves the pool for a holder (the hostile mode unpoisons it).
  static std::unique_ptr<T> hand_out(T* p) {
    return std::unique_ptr<T>(p);
  }

  // A cached object (or one put() cannot keep) is destroyed.
  static void destroy(T* p) {
    if (!p) return;
    delete p;
  }


  // Never throws: an object the pool cannot make room for is destroyed.
  void put_slow(Local* mine, T* p) noexcept {
    T* p_dropped = nullptr;  // destroyed after the lock is released
    {
      std::lock_guard<std::mutex> lock(mu_);
      try {
        if (!mine) {
          shared_.push_back(p);
          return;
        }
        // Keep the newest object in the slot: it is the one still warm in cache.
        if (T* older = mine->slot.load(std::memory_order_relaxed)) shared_.push_back(older);
        mine->slot.store(p, std::memory_order_relaxed);
      } catch (...) {  // no room in shared_: nothing moved, p is ours to drop
        p_dropped = p;
      }
    }
    destroy(p_dropped);
  }

  // With mu_ held: the first object cached in another thread's slot.
  T* steal(Local* mine) {
    const std::size_t used = threads_seen();
    for (std::size_t i = 0; i < used; ++i) {
      Local& other = locals_[i];
      if (&other == mine || other.slot.load(std::memory_order_relaxed) == nullptr) continue;
      other.claimed.store(true, std::memory_order_relaxed);
      detail::heavy_fence();
      if (T* p = take_claimed(other)) return p;
    }
    return nullptr;
  }

  static T* pop(std::vector<T*>& v) {
    T* p = v.back();
    v.pop_back();
    return p;
  }

  Factory factory_;
  std::unique_ptr<Local[]> locals_;
  Counters overflow_;  // threads beyond kMaxThreads, which have no slot of their own
  mutable std::mutex mu_;
  std::vector<T*> shared_;  // guarded by mu_
  std::vector<T*> victim_;  // guarded by mu_
};

}  // namespace harness::mutex_tier
