// harness/pool_core.h — the pool's machinery, with the pooled type erased:
// slots, rings, the locked tiers, collect() and the counters, on void*.
//
// What it promises
//   * Everything harness/pool.h promises about where objects wait, who may
//     take them, what orders what, collect() and stats(): Pool<T> is this
//     class with the type put back in (pool.h's header states the contract;
//     this header does not repeat it).
//   * Compiled once, in harness/src/pool_core.cpp: a program that uses
//     Pool<T> for many T, or a kata test recompiled on every save, compiles
//     only the thin typed layer, never the machinery again. Its layout does
//     not depend on HARNESS_POOL_HOSTILE, so a translation unit that turns
//     the hostile mode off still links with a hostile library.
//
// What it does not promise
//   * to know the pooled type: it destroys and makes objects only through
//     the two functions its owner gives it, and never looks inside one;
//   * put()'s hostile checks and poison: those depend on the type and run in
//     Pool<T>::put() (harness/pool_guard.h) before the object reaches here.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "harness/race_mode.h"
#include "harness/thread_annotations.h"

namespace harness {

struct PoolStats {
  std::uint64_t gets = 0;           // calls to get() (and lease())
  std::uint64_t hits = 0;           // get() calls served from the cache
  std::uint64_t misses = 0;         // get() calls that found nothing cached (gets == hits + misses)
  std::uint64_t factory_calls = 0;  // misses that ran the factory (none without a factory)
  std::uint64_t puts = 0;           // non-empty objects handed back
  std::size_t cached = 0;           // objects held right now, victim tier included
};

namespace detail {

class PoolCore {
 public:
  // Destroys an object the pool owns (delete, through the owner's type).
  using Destroy = void (*)(void* object);
  // Runs the owner's factory and hands over what it made (nullptr allowed).
  using Make = void* (*)(void* owner);

  // How many objects each thread's ring holds besides its slot.
  static constexpr std::size_t kRingCapacity = 64;

  // make == nullptr: no factory; get() on an empty pool returns nullptr.
  PoolCore(Destroy destroy, Make make, void* owner);
  ~PoolCore();  // destroys everything cached

  PoolCore(const PoolCore&) = delete;
  PoolCore& operator=(const PoolCore&) = delete;

  // A cached object, else (use_factory) the factory's, else nullptr.
  void* get(bool use_factory);

  // object is not null. Never throws, never loses an object: one the pool
  // cannot make room for is destroyed. In the hostile build race mode picks
  // where it goes, within the contract.
  void put(void* object) noexcept;

  void collect() HARNESS_EXCLUDES(mu_);
  PoolStats stats() const HARNESS_EXCLUDES(mu_);

  // For the pool's own tests, and nothing else: collect() calls hook(context)
  // with its lock held, once it has claimed every slot, waited for their
  // owners and counted what each ring holds, before it moves any object. A
  // test holds collect() there to have a thread born, steal or put inside the
  // window. Set it while no collect() runs, in any pool; nullptr (the
  // default) calls nothing.
  using CollectWindowHook = void (*)(void* context);
  static void set_collect_window_hook_for_tests(CollectWindowHook hook, void* context) noexcept;

 private:
  struct Counters {
    std::atomic<std::uint64_t> gets{0}, hits{0}, misses{0}, factory_calls{0}, puts{0};
  };
  struct Local;   // a thread's slot, flags and counters (pool_core.cpp)
  struct RingOf;  // a thread's ring
  using Route = PutRoute;  // where a put() goes: race mode's choice, or keep

  void count(Local* mine, std::atomic<std::uint64_t> Counters::*which);
  void* get_miss(Local* mine, std::size_t index, bool use_factory);
  void* run_factory();
  void store(Local* mine, void* p, Route route) noexcept;
  void put_elsewhere(Local* mine, void* p) noexcept;
  bool put_own(Local& mine, void* p);
  bool put_own_to_ring(Local& mine, void* older, void* p);
  void release_claims(std::size_t used) HARNESS_REQUIRES(mu_);
  void* steal_from_rings(Local* mine, std::size_t index);
  void* steal_batch(Local& mine, RingOf& victim);
  void* take_locked(Local* mine) HARNESS_EXCLUDES(mu_);
  void put_locked(void* p) noexcept HARNESS_EXCLUDES(mu_);
  void* steal(Local* mine) HARNESS_REQUIRES(mu_);
  void destroy(void* p) const;
  RingOf& ring_of(const Local& l);

  Destroy destroy_;
  Make make_;
  void* owner_;
  std::unique_ptr<Local[]> locals_;
  std::unique_ptr<RingOf[]> rings_;  // rings_[i] is the ring of locals_[i]
  Counters overflow_;  // threads beyond kMaxThreads, which have no slot of their own
  mutable Mutex mu_;
  // Set by collect() from its start until it drops its claims. A thread that
  // was given its number after collect() counted the threads has no claim
  // to see; this tells its steal to take one object, not a batch into its
  // own ring, which that collect() would not drain.
  std::atomic<bool> collecting_{false};
  std::vector<void*> shared_ HARNESS_GUARDED_BY(mu_);
  std::vector<void*> victim_ HARNESS_GUARDED_BY(mu_);
  std::vector<void*> spare_ HARNESS_GUARDED_BY(mu_);  // empty: the next collect()'s room
};

}  // namespace detail
}  // namespace harness
