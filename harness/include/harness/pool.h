// harness/pool.h — a typed object pool with the contract of Go's sync.Pool.
//
// What it promises
//   * get() hands out a cached object when there is one, otherwise the
//     factory's new object, otherwise an empty pointer: a pool built without a
//     factory yields nothing once it is empty, as sync.Pool.Get yields nil.
//   * An object belongs to exactly one holder at a time. Between get() and
//     put() the caller owns it; the pool never gives it to anyone else.
//   * put() hands ownership back. Whatever the putting thread wrote to the
//     object before put() happens-before whatever the next holder does after
//     its get(). Nothing the first thread does after put() is ordered: a late
//     use by the old holder races with the new one, which is what ThreadSanitizer
//     reports in the race katas.
//   * Where objects wait: every thread has a private slot (the fast path) and
//     a ring of kRingCapacity objects of its own (harness/pool_ring.h).
//     put() fills the empty slot. A put() that finds the slot full (two
//     puts without a get() between: a thread giving more than it takes,
//     such as the giving end of a pipeline) moves the slot's object and the
//     new one to the thread's ring, where other threads take them without a
//     lock, and the thread's later puts follow them there until its get()
//     finds its slot empty. When the ring is full, the object goes to a
//     shared overflow behind a mutex. get() looks in the
//     caller's slot, then the newest end of its ring, then the oldest end of
//     other threads' rings (taking up to half of one at once: one object for
//     the caller, the rest into the caller's own ring), then the shared
//     overflow, then other threads' slots, then the victim tier, and only
//     then calls the factory. An object put on one thread can therefore be
//     handed to another thread, even one whose owner is still running.
//   * collect() is the analogue of a garbage-collection cycle: it destroys the
//     victim tier, then turns everything cached (every thread's slot and ring
//     and the shared overflow) into the new victim tier. Two collect() calls
//     in a row destroy everything the pool held before the first.
//   * Speed: get() and put() on the caller's own slot use no atomic
//     read-modify-write and no fence (about 2 ns for the pair). The rings
//     take no lock either: a put() that moves an object to its own ring, a
//     get() that takes from its own ring or steals from another thread's, is
//     a few atomic operations (one compare-and-swap to take, one for a whole
//     batch when stealing), so one thread can hand objects to another (a
//     pipeline) without a lock or a barrier.
//     What still takes the mutex: the shared overflow (a ring full), taking
//     from another thread's slot, the victim tier, collect(), and every put()
//     and the last steps of every get() of a thread beyond kMaxThreads.
//     Taking from another thread's slot and collect() also pay for the free
//     slot with a process-wide barrier (harness/asymmetric_fence.h). The
//     price in memory: slots and rings for kMaxThreads threads, 768 bytes
//     each (192 KiB per pool on 64-bit), allocated when the pool is made.
//   * The pool owns what it caches and destroys it on collect() or in its own
//     destructor. A thread that exits leaves its cached objects to the pool:
//     any thread may take them, collect() reaches them, and the next thread to
//     be given the exited thread's number starts with them in its slot and ring.
//   * stats() reports how often get(), put() and the factory ran, and how many
//     get() calls were served from the cache (hits) or not (misses), so that
//     gets == hits + misses with or without a factory.
//   * put() never throws and never loses an object: when the pool cannot
//     make room to cache it (an allocation fails), it destroys the object.
//     collect() gives the same guarantee for what it moves: if it cannot
//     make room it throws std::bad_alloc before it has moved anything.
//
// What it does not promise
//   * that get() returns the object you put, or any particular object;
//   * that anything cached survives: collect() may drop it at any moment;
//   * to clean objects: get() returns an object exactly as it was put back;
//   * a fast path to threads beyond kMaxThreads live ones: they have no slot
//     and no ring, and share a lock (their get() still steals from rings);
//   * any order among cached objects: a ring hands its owner the newest and
//     other threads the oldest;
//   * the 2 ns fast path without Linux's membarrier (4.14 and later):
//     elsewhere each get() and put() also pays a full fence;
//   * that a get() which finds nothing cached sees an object another thread
//     is putting at the same moment (with nothing ordering the two): it may
//     call the factory instead (steal() looks at a slot before its barrier,
//     and a ring's push is not ordered with a thief's look);
//   * to be async-signal-safe: a get() or put() from a signal handler that
//     interrupted the same thread's get() or put() can hand one object to two
//     holders. Nor does a fork() made while another thread is inside get() or
//     put() leave the child a usable pool (that thread's slot stays busy);
//     make a new pool in the child.
//
// Like sync.Pool (which carries a noCopy marker) a Pool cannot be copied or
// moved: copies would share, or lose, the objects the original owns.
//
// In every kata, solution and test build the pool is hostile to misuse
// (harness/pool_guard.h): what it holds is poisoned, a double put or a
// factory calling back into its pool stops the program where it happens, and
// POOL_KATAS_RACE_SEED=N drops, moves and collects objects within the
// contract above. try_get() is get() without the factory.
//
// The idiom, with a Lease doing the "put back on every path" part:
//
//   harness::Pool<std::string> buffers{[] { return std::make_unique<std::string>(); }};
//
//   std::string greet(std::string_view name) {
//     harness::Lease<std::string> buf = buffers.lease();  // get
//     buf->clear();                                       // reset
//     *buf += "hello ";                                   // use
//     *buf += name;
//     return *buf;                                        // copy out
//   }                                                     // put, on every path
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
#include "harness/pool_guard.h"
#include "harness/pool_ring.h"
#include "harness/thread_index.h"

namespace harness {

struct PoolStats {
  std::uint64_t gets = 0;           // calls to get() (and lease())
  std::uint64_t hits = 0;           // get() calls served from the cache
  std::uint64_t misses = 0;         // get() calls that found nothing cached (gets == hits + misses)
  std::uint64_t factory_calls = 0;  // misses that ran the factory (none without a factory)
  std::uint64_t puts = 0;           // non-empty objects handed back
  std::size_t cached = 0;           // objects held right now, victim tier included
};

template <class T>
class Lease;

template <class T>
class Pool {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;

  // How many objects each thread's ring holds besides its slot; beyond that
  // put() uses the locked overflow.
  static constexpr std::size_t kRingCapacity = 64;

  // A pool without a factory: get() on an empty pool returns nullptr.
  Pool() : locals_(new Local[kMaxThreads]), rings_(new RingOf[kMaxThreads]) {}
  explicit Pool(Factory factory) : Pool() { factory_ = std::move(factory); }

  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  ~Pool() {
    for (std::size_t i = 0; i < kMaxThreads; ++i) {
      destroy(object_in(locals_[i].slot.load(std::memory_order_acquire)));
      while (T* p = rings_[i].ring.pop_tail()) destroy(p);
    }
    for (T* p : shared_) destroy(p);
    for (T* p : victim_) destroy(p);
  }

  std::unique_ptr<T> get() { return get_impl(true); }

  // get() without the factory: a cached object, or nullptr when nothing is
  // cached. Counted as a get (a hit or a miss, never a factory call).
  std::unique_ptr<T> try_get() { return get_impl(false); }

  // Never throws, never loses an object: one the pool cannot make room for
  // is destroyed.
  void put(std::unique_ptr<T> object) {
    if (!object) return;
    const std::size_t index = this_thread_index_or_none();
    Local* mine = index < kMaxThreads ? &locals_[index] : nullptr;
    count(mine, &Counters::puts);
#if HARNESS_POOL_HOSTILE
    // The checks and the poison first, then race mode's choice of where the
    // object goes, and now and then a collect().
    detail::guard_put(this, object.get());
    bool collect_after = false;
    store(mine, object.release(), detail::race_mode_route(index, collect_after));
    if (collect_after) collect();
#else
    store(mine, object.release(), PutRoute::keep);
#endif
  }

  // get() wrapped so that the object goes back to this pool when the lease
  // ends, on every path out of the caller's scope.
  Lease<T> lease() { return Lease<T>(*this, get()); }

  void collect() {
    std::vector<T*> doomed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      const std::size_t used = threads_seen();
      // Claim every slot first, so that one barrier serves them all, and
      // look at the slots only after it: a relaxed look before the barrier
      // could miss an object whose put() had finished, and that object would
      // then outlive two collect() calls. Once every owner has left its busy
      // window, none moves anything until the claims drop: a put() that
      // moved its slot's older object to the ring, or a thief that moved a
      // batch into its own ring, did so inside a window waited for here.
      // From then on slots and rings only lose objects (to thieves).
      for (std::size_t i = 0; i < used; ++i) locals_[i].claimed.store(true, std::memory_order_relaxed);
      if (used > 0) detail::heavy_fence();
      for (std::size_t i = 0; i < used; ++i) {
        while (locals_[i].busy.load(std::memory_order_acquire)) std::this_thread::yield();
      }
      // Room for all of it in what becomes the victim tier (the overflow,
      // one object per slot, what each ring holds now: an upper bound), made
      // before anything moves: past this line nothing throws, so no object
      // is lost and no slot is left claimed. The room is kept from one
      // collect() to the next (spare_), so that collecting again allocates
      // nothing: a test that measures the heap around a collect() sees the
      // objects it destroyed, not the pool's books.
      std::size_t room = shared_.size() + used;
      for (std::size_t i = 0; i < used; ++i) room += rings_[i].ring.size();
      try {
        spare_.reserve(room);
      } catch (...) {
        release_claims(used);
        throw;
      }
      doomed.swap(victim_);
      victim_.swap(spare_);
      victim_.insert(victim_.end(), shared_.begin(), shared_.end());
      shared_.clear();
      for (std::size_t i = 0; i < used; ++i) {
        if (T* p = take_claimed(locals_[i], false)) victim_.push_back(p);
      }
      // The rings after the slots, with the slots still claimed, taken from
      // the tail as a thief would: every object there before this collect()
      // lies below anything pushed since. The room above covers them all
      // (the check only guards that bound: what does not fit stays cached).
      for (std::size_t i = 0; i < used; ++i) {
        while (victim_.size() < victim_.capacity()) {
          T* p = rings_[i].ring.pop_tail();
          if (!p) break;
          victim_.push_back(p);
        }
      }
      release_claims(used);
    }
    // Destructors run outside the lock: they may be slow or touch other pools.
    for (T* p : doomed) destroy(p);
    doomed.clear();
    std::lock_guard<std::mutex> lock(mu_);
    if (doomed.capacity() > spare_.capacity()) spare_.swap(doomed);
  }

  PoolStats stats() const {
#if HARNESS_POOL_HOSTILE
    const detail::UnorderedForTsan unordered;  // reading the counters orders nothing
#endif
    PoolStats s;
    const std::size_t used = threads_seen();
    for (std::size_t i = 0; i < used; ++i) {
      add(s, locals_[i].counts);
      if (object_in(locals_[i].slot.load(std::memory_order_relaxed))) ++s.cached;
      s.cached += rings_[i].ring.size();
    }
    add(s, overflow_);
    std::lock_guard<std::mutex> lock(mu_);
    s.cached += shared_.size() + victim_.size();
    return s;
  }

 private:
#if HARNESS_POOL_HOSTILE
  using PutRoute = detail::PutRoute;
#else
  enum class PutRoute { keep };
#endif

  // A pair of cache lines per thread for the owner's slot, flags and
  // counters, and five more pairs for its ring, in an array of their own:
  // thieves working on a ring do not disturb the slot (the adjacent-line
  // prefetcher fetches pairs), and the fast path indexes 128-byte entries.
  //
  // The slot belongs to its thread, which changes it between busy = true and
  // busy = false without any atomic read-modify-write. Another thread (a get()
  // that steals, or collect()) holds mu_, sets claimed, runs the heavy half of
  // the fence and waits for busy to drop; from then on the owner sees claimed
  // and takes another path. busy's release/acquire pair is also the edge
  // that orders what the owner wrote before put() before what the next holder
  // does, and nothing the owner does after put().
  //
  // The ring is harness/pool_ring.h: only the owner pushes and pops at its
  // head, any thread pops at its tail; its own atomics carry the edge from
  // put() to the next holder.
  struct Counters {
    std::atomic<std::uint64_t> gets{0}, hits{0}, misses{0}, factory_calls{0}, puts{0};
  };
  using Ring = detail::SpmcRing<T, kRingCapacity>;
  static constexpr std::size_t kStealBatch = kRingCapacity / 2;
  struct alignas(128) Local {
    std::atomic<T*> slot{nullptr};
    std::atomic<bool> busy{false};
    std::atomic<bool> claimed{false};
    Counters counts;
  };
  struct alignas(128) RingOf {
    Ring ring;
  };
  static_assert(sizeof(void*) != 8 || sizeof(Local) + sizeof(RingOf) == 768,
                "the header's memory figure is out of date");

  // What a slot holds: nullptr, an object, or the giving mark (put_own()),
  // which is not an object and is never dereferenced.
  static T* giving_mark() { return reinterpret_cast<T*>(std::uintptr_t{1}); }
  static T* object_in(T* slot_value) {
    return reinterpret_cast<std::uintptr_t>(slot_value) > 1 ? slot_value : nullptr;
  }

  Ring& ring_of(const Local& l) { return rings_[static_cast<std::size_t>(&l - locals_.get())].ring; }

  // Only the owning thread writes its counters, so a load and a store are
  // enough; an atomic read-modify-write would cost more than the rest of get().
  static void bump(std::atomic<std::uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  // Counts for the caller: in its own slot's counters, or, for a thread
  // without a slot, in the shared overflow_ counters (written by many).
  void count(Local* mine, std::atomic<std::uint64_t> Counters::*which) {
    if (mine) [[likely]] {
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

  // get() and try_get(): the caller's slot, its ring, other threads' rings,
  // then the locked tiers, then (use_factory) the factory. The slot is the
  // fast path, small enough to inline; the rest is get_miss().
  std::unique_ptr<T> get_impl(bool use_factory) {
#if HARNESS_POOL_HOSTILE
    detail::check_not_inside_own_factory(this, false);
#endif
    const std::size_t index = this_thread_index();
    if (index < kMaxThreads) [[likely]] {
      Local& mine = locals_[index];
      bump(mine.counts.gets);
      if (T* p = take_own(mine)) [[likely]] {
        bump(mine.counts.hits);
        return hand_out(p);
      }
      return get_miss(&mine, index, use_factory);
    }
    count(nullptr, &Counters::gets);
    return get_miss(nullptr, index, use_factory);
  }

  [[gnu::noinline]] std::unique_ptr<T> get_miss(Local* mine, std::size_t index, bool use_factory) {
    T* p = mine ? ring_of(*mine).pop_head() : nullptr;
    if (!p) p = steal_from_rings(mine, index);
    if (!p) p = take_locked(mine);
    if (p) {
      count(mine, &Counters::hits);
      return hand_out(p);
    }
    count(mine, &Counters::misses);
    if (!factory_ || !use_factory) return nullptr;
    count(mine, &Counters::factory_calls);
    // No lock is held here: a factory may allocate, throw, or (wrongly) call
    // back into this pool; the hostile mode names the last where it happens.
#if HARNESS_POOL_HOSTILE
    const detail::FactoryRunning running(this);
#endif
    return factory_();
  }

  // Where put() leaves an object: every build's put() comes here, the plain
  // one always with keep, the hostile one with race mode's choice.
  void store(Local* mine, T* p, PutRoute route) noexcept {
#if HARNESS_POOL_HOSTILE
    switch (route) {
      case PutRoute::drop:
        destroy(p);
        return;
      case PutRoute::overflow:
        put_locked(p);
        return;
      case PutRoute::spill:
        put_elsewhere(mine, p);
        return;
      case PutRoute::keep:
        break;
    }
#else
    (void)route;
#endif
    if (mine && put_own(*mine, p)) [[likely]]
      return;
    put_elsewhere(mine, p);
  }

  // The slot is claimed by a thief or collect(), or the ring has no room, or
  // the caller has no slot: the new object goes to the caller's ring if it
  // can, else to the locked overflow.
  [[gnu::noinline]] void put_elsewhere(Local* mine, T* p) noexcept {
    if (!mine || !ring_of(*mine).push_head(p)) put_locked(p);
  }

  // The owner's fast paths, between busy = true and busy = false.
  static T* take_own(Local& mine) {
    mine.busy.store(true, std::memory_order_relaxed);
    detail::light_fence();
    T* p = nullptr;
    if (!mine.claimed.load(std::memory_order_acquire)) [[likely]] {
      p = mine.slot.load(std::memory_order_relaxed);
      if (object_in(p)) [[likely]] {
        mine.slot.store(nullptr, std::memory_order_relaxed);
      } else if (p) {  // the giving mark: this thread takes too, so its puts may use the slot again
        mine.slot.store(nullptr, std::memory_order_relaxed);
        p = nullptr;
      }
    }
    mine.busy.store(false, std::memory_order_release);
    return p;
  }

  // p into the empty slot. A put() that finds the slot full (two puts
  // without a get() between) moves the slot's object and p to the ring and
  // leaves the giving mark in the slot: later puts go to the ring too, until
  // the thread's next get() finds the mark and clears it. So a thread that
  // gives more than it takes (the giving end of a pipeline) keeps nothing in
  // its slot, where a thief could reach it only through the lock and the
  // barrier, while the get(), use, put() idiom stays on the slot; the mark
  // costs the fast paths nothing they did not test already. False (nothing
  // moved) when the slot is claimed or the ring has no room. The moves to
  // the ring happen inside the busy window on purpose: collect() waits for
  // busy to drop before it drains the rings, so an object that was in the
  // slot when collect() began cannot slip past it into the ring.
  bool put_own(Local& mine, T* p) {
    mine.busy.store(true, std::memory_order_relaxed);
    detail::light_fence();
    bool stored = false;
    if (!mine.claimed.load(std::memory_order_acquire)) [[likely]] {
      T* older = mine.slot.load(std::memory_order_relaxed);
      if (older == nullptr) [[likely]] {
        mine.slot.store(p, std::memory_order_relaxed);
        stored = true;
      } else {
        stored = put_own_to_ring(mine, older, p);
      }
    }
    mine.busy.store(false, std::memory_order_release);
    return stored;
  }

  [[gnu::noinline]] bool put_own_to_ring(Local& mine, T* older, T* p) {
    Ring& ring = ring_of(mine);
    if (!object_in(older)) return ring.push_head(p);  // the giving mark
    if (ring.room(2) < 2) return false;
    ring.push_head(older);
    ring.push_head(p);
    mine.slot.store(giving_mark(), std::memory_order_relaxed);
    return true;
  }

  // With mu_ held and other.claimed set, after a heavy fence: the owner has
  // left its fast path or will see the claim. Takes the slot and, when
  // release_claim, drops the claim (collect() drops its claims later).
  static T* take_claimed(Local& other, bool release_claim = true) {
    while (other.busy.load(std::memory_order_acquire)) std::this_thread::yield();
    T* p = object_in(other.slot.load(std::memory_order_relaxed));
    if (p) other.slot.store(nullptr, std::memory_order_relaxed);
    if (release_claim) other.claimed.store(false, std::memory_order_release);
    return p;
  }

  // With mu_ held: collect()'s claims on the first `used` slots dropped.
  void release_claims(std::size_t used) {
    for (std::size_t i = 0; i < used; ++i) locals_[i].claimed.store(false, std::memory_order_release);
  }

  // Lock-free: the oldest objects of another thread's ring, starting with
  // the thread after the caller so that thieves spread over the victims.
  T* steal_from_rings(Local* mine, std::size_t index) {
    const std::size_t used = threads_seen();
    std::size_t i = index < used ? index + 1 : 0;
    for (std::size_t n = 0; n < used; ++n, ++i) {
      if (i >= used) i = 0;
      if (i == index || rings_[i].ring.size() == 0) continue;
      if (T* p = mine ? steal_batch(*mine, rings_[i].ring) : rings_[i].ring.pop_tail()) return p;
    }
    return nullptr;
  }

  // A thief with a ring of its own takes about half of the victim's objects
  // at once: one for the caller, the rest into its own ring, so that a
  // pipeline's next gets are served from there without touching the
  // victim's cache lines. The move happens inside the thief's busy window:
  // collect() waits for it to close before it drains the rings, and keeps
  // every slot claimed until they are drained, so that objects in transit
  // cannot slip from a ring it has not drained into one it has. A claimed
  // thief takes one object only.
  T* steal_batch(Local& mine, Ring& victim) {
    T* taken[kStealBatch];
    std::size_t n = 0;
    std::size_t refused = 0;  // taken[1..refused]: pushes that failed
    mine.busy.store(true, std::memory_order_relaxed);
    detail::light_fence();
    if (!mine.claimed.load(std::memory_order_acquire)) [[likely]] {
      Ring& own = ring_of(mine);
      n = victim.pop_tail_half(taken, 1 + own.room(kStealBatch - 1));
      // room() promised a cell for each, so no push fails; if one did, the
      // object would go to the overflow rather than be lost.
      for (std::size_t k = 1; k < n; ++k) {
        if (!own.push_head(taken[k])) [[unlikely]]
          taken[++refused] = taken[k];
      }
    } else {
      taken[0] = victim.pop_tail();
      n = taken[0] ? 1 : 0;
    }
    mine.busy.store(false, std::memory_order_release);
    for (std::size_t k = 1; k <= refused; ++k) put_locked(taken[k]);
    return n > 0 ? taken[0] : nullptr;
  }

  // The locked tiers, in get()'s order: the caller's own slot (it may have
  // been claimed a moment ago), the shared overflow, other threads' slots,
  // the victim tier.
  T* take_locked(Local* mine) {
    std::lock_guard<std::mutex> lock(mu_);
    T* p = nullptr;
    // Under mu_ no claim is in progress: the owner may use its slot freely.
    if (mine && (p = object_in(mine->slot.load(std::memory_order_relaxed)))) {
      mine->slot.store(nullptr, std::memory_order_relaxed);
    }
    if (!p && !shared_.empty()) p = pop(shared_);
    if (!p) p = steal(mine);
    if (!p && !victim_.empty()) p = pop(victim_);
    return p;
  }

  // A cached object leaves the pool for a holder (the hostile mode unpoisons it).
  static std::unique_ptr<T> hand_out(T* p) {
#if HARNESS_POOL_HOSTILE
    detail::guard_take(p);
#endif
    return std::unique_ptr<T>(p);
  }

  // A cached object (or one put() cannot keep) is destroyed.
  static void destroy(T* p) {
    if (!p) return;
#if HARNESS_POOL_HOSTILE
    detail::guard_take(p);
#endif
    delete p;
  }

  // The shared overflow. Never throws: an object it cannot make room for is
  // destroyed.
  void put_locked(T* p) noexcept {
    T* p_dropped = nullptr;  // destroyed after the lock is released
    {
      std::lock_guard<std::mutex> lock(mu_);
      try {
        shared_.push_back(p);
      } catch (...) {  // no room in shared_: p is ours to drop
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
      if (&other == mine || !object_in(other.slot.load(std::memory_order_relaxed))) continue;
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
  std::unique_ptr<RingOf[]> rings_;  // rings_[i] is the ring of locals_[i]
  Counters overflow_;  // threads beyond kMaxThreads, which have no slot of their own
  mutable std::mutex mu_;
  std::vector<T*> shared_;  // guarded by mu_
  std::vector<T*> victim_;  // guarded by mu_
  std::vector<T*> spare_;   // guarded by mu_: empty, the next collect()'s room
};

// Holds one pooled object and puts it back when it goes out of scope.
// Empty when the pool had nothing to give (no factory); test with if (lease).
template <class T>
class Lease {
 public:
  Lease(Pool<T>& pool, std::unique_ptr<T> object) : pool_(&pool), object_(std::move(object)) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&& other) noexcept {
    if (this != &other) {
      give_back();
      pool_ = other.pool_;
      object_ = std::move(other.object_);
    }
    return *this;
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  ~Lease() { give_back(); }

  T* get() const { return object_.get(); }
  T& operator*() const { return *object_; }
  T* operator->() const { return object_.get(); }
  explicit operator bool() const { return object_ != nullptr; }

  // Keeps the object: it will not go back to the pool.
  std::unique_ptr<T> release() { return std::move(object_); }

 private:
  void give_back() {
    if (object_) pool_->put(std::move(object_));
  }

  Pool<T>* pool_;
  std::unique_ptr<T> object_;
};

}  // namespace harness
