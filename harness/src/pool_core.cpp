// The pool's machinery (harness/pool_core.h), compiled once per flavour.
// harness/pool.h states the contract; the comments here say how each part
// keeps it.
#include "harness/pool_core.h"

#include <thread>
#include <utility>

#include "harness/asymmetric_fence.h"
#include "harness/pool_guard.h"
#include "harness/pool_ring.h"
#include "harness/thread_index.h"

namespace harness::detail {

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
struct alignas(128) PoolCore::Local {
  std::atomic<void*> slot{nullptr};
  std::atomic<bool> busy{false};
  std::atomic<bool> claimed{false};
  Counters counts;
  // Guarded by mu_: how many objects collect() takes from this thread's
  // ring, counted before it takes any (collect() says why).
  std::size_t drain_quota = 0;
};
using Ring = SpmcRing<void, PoolCore::kRingCapacity>;
struct alignas(128) PoolCore::RingOf {
  Ring ring;
};

namespace {

constexpr std::size_t kStealBatch = PoolCore::kRingCapacity / 2;

// What a slot holds: nullptr, an object, or the giving mark (put_own()),
// which is not an object and is never dereferenced.
void* giving_mark() { return reinterpret_cast<void*>(std::uintptr_t{1}); }
void* object_in(void* slot_value) { return reinterpret_cast<std::uintptr_t>(slot_value) > 1 ? slot_value : nullptr; }

// Only the owning thread writes its counters, so a load and a store are
// enough; an atomic read-modify-write would cost more than the rest of get().
void bump(std::atomic<std::uint64_t>& counter) {
  counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

template <class Counters>
void add(PoolStats& s, const Counters& c) {
  s.gets += c.gets.load(std::memory_order_relaxed);
  s.hits += c.hits.load(std::memory_order_relaxed);
  s.misses += c.misses.load(std::memory_order_relaxed);
  s.factory_calls += c.factory_calls.load(std::memory_order_relaxed);
  s.puts += c.puts.load(std::memory_order_relaxed);
}

void* pop(std::vector<void*>& v) {
  void* p = v.back();
  v.pop_back();
  return p;
}

// The owner's fast path for get(), between busy = true and busy = false.
template <class Local>
void* take_own(Local& mine) {
  mine.busy.store(true, std::memory_order_relaxed);
  light_fence();
  void* p = nullptr;
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

// With mu_ held and other.claimed set, after a heavy fence: the owner has
// left its fast path or will see the claim. Takes the slot and, when
// release_claim, drops the claim (collect() drops its claims later).
template <class Local>
void* take_claimed(Local& other, bool release_claim = true) {
  while (other.busy.load(std::memory_order_acquire)) std::this_thread::yield();
  void* p = object_in(other.slot.load(std::memory_order_relaxed));
  if (p) other.slot.store(nullptr, std::memory_order_relaxed);
  if (release_claim) other.claimed.store(false, std::memory_order_release);
  return p;
}

}  // namespace

PoolCore::PoolCore(Destroy destroy, Make make, void* owner)
    : destroy_(destroy), make_(make), owner_(owner), locals_(new Local[kMaxThreads]), rings_(new RingOf[kMaxThreads]) {
  static_assert(sizeof(void*) != 8 || sizeof(Local) + sizeof(RingOf) == 768, "pool.h's memory figure is out of date");
}

PoolCore::~PoolCore() {
  for (std::size_t i = 0; i < kMaxThreads; ++i) {
    destroy(object_in(locals_[i].slot.load(std::memory_order_acquire)));
    while (void* p = rings_[i].ring.pop_tail()) destroy(p);
  }
  for (void* p : shared_) destroy(p);
  for (void* p : victim_) destroy(p);
}

PoolCore::RingOf& PoolCore::ring_of(const Local& l) { return rings_[static_cast<std::size_t>(&l - locals_.get())]; }

// Counts for the caller: in its own slot's counters, or, for a thread
// without a slot, in the shared overflow_ counters (written by many).
void PoolCore::count(Local* mine, std::atomic<std::uint64_t> Counters::*which) {
  if (mine) [[likely]] {
    bump(mine->counts.*which);
  } else {
    (overflow_.*which).fetch_add(1, std::memory_order_relaxed);
  }
}

// The caller's slot, its ring, other threads' rings, then the locked tiers,
// then (use_factory) the factory. A cached object leaves the pool for its
// holder through guard_take() (the hostile mode unpoisons it).
void* PoolCore::get(bool use_factory) {
#if HARNESS_POOL_HOSTILE
  check_not_inside_own_factory(this, false);
#endif
  const std::size_t index = this_thread_index();
  void* p = nullptr;
  if (index < kMaxThreads) [[likely]] {
    Local& mine = locals_[index];
    bump(mine.counts.gets);
    p = take_own(mine);
    if (!p) return get_miss(&mine, index, use_factory);
    bump(mine.counts.hits);
  } else {
    count(nullptr, &Counters::gets);
    return get_miss(nullptr, index, use_factory);
  }
#if HARNESS_POOL_HOSTILE
  guard_take(p);
#endif
  return p;
}

void* PoolCore::get_miss(Local* mine, std::size_t index, bool use_factory) {
  void* p = mine ? ring_of(*mine).ring.pop_head() : nullptr;
  if (!p) p = steal_from_rings(mine, index);
  if (!p) p = take_locked(mine);
  if (p) {
    count(mine, &Counters::hits);
#if HARNESS_POOL_HOSTILE
    guard_take(p);
#endif
    return p;
  }
  count(mine, &Counters::misses);
  if (!make_ || !use_factory) return nullptr;
  count(mine, &Counters::factory_calls);
  return run_factory();
}

// No lock is held here: a factory may allocate, throw, or (wrongly) call
// back into this pool; the hostile mode names the last where it happens.
void* PoolCore::run_factory() {
#if HARNESS_POOL_HOSTILE
  const FactoryRunning running(this);
#endif
  return make_(owner_);
}

void PoolCore::put(void* object) noexcept {
  const std::size_t index = this_thread_index_or_none();
  Local* mine = index < kMaxThreads ? &locals_[index] : nullptr;
  count(mine, &Counters::puts);
#if HARNESS_POOL_HOSTILE
  // Race mode's choice of where the object goes, and now and then a
  // collect() (Pool<T>::put() has checked and poisoned the object already).
  bool collect_after = false;
  store(mine, object, race_mode_route(index, collect_after));
  if (collect_after) {
    try {
      collect();
    } catch (...) {  // no room to collect into: race mode skips this one
    }
  }
#else
  store(mine, object, Route::keep);
#endif
}

// Where put() leaves an object: the plain build always with keep, the
// hostile one with race mode's choice.
void PoolCore::store(Local* mine, void* p, Route route) noexcept {
  switch (route) {
    case Route::drop:
      destroy(p);
      return;
    case Route::overflow:
      put_locked(p);
      return;
    case Route::spill:
      put_elsewhere(mine, p);
      return;
    case Route::keep:
      break;
  }
  if (mine && put_own(*mine, p)) [[likely]]
    return;
  put_elsewhere(mine, p);
}

// The slot is claimed by a thief or collect(), or the ring has no room, or
// the caller has no slot: the new object goes to the caller's ring if it
// can, else to the locked overflow.
void PoolCore::put_elsewhere(Local* mine, void* p) noexcept {
  if (!mine || !ring_of(*mine).ring.push_head(p)) put_locked(p);
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
bool PoolCore::put_own(Local& mine, void* p) {
  mine.busy.store(true, std::memory_order_relaxed);
  light_fence();
  bool stored = false;
  if (!mine.claimed.load(std::memory_order_acquire)) [[likely]] {
    void* older = mine.slot.load(std::memory_order_relaxed);
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

bool PoolCore::put_own_to_ring(Local& mine, void* older, void* p) {
  Ring& ring = ring_of(mine).ring;
  if (!object_in(older)) return ring.push_head(p);  // the giving mark
  if (ring.room(2) < 2) return false;
  ring.push_head(older);
  ring.push_head(p);
  mine.slot.store(giving_mark(), std::memory_order_relaxed);
  return true;
}

namespace {
std::atomic<PoolCore::CollectWindowHook> g_collect_window_hook{nullptr};
void* g_collect_window_context = nullptr;  // written before the hook, read after it
}  // namespace

void PoolCore::set_collect_window_hook_for_tests(CollectWindowHook hook, void* context) noexcept {
  g_collect_window_context = context;
  g_collect_window_hook.store(hook, std::memory_order_release);
}

// What collect() must reach is everything cached when it began; it may leave
// what is put while it runs. Three kinds of thread can move objects while it
// runs, and each is dealt with before anything is drained:
//   * a thread numbered before collect() began: its slot is claimed, so its
//     put() and its steals move nothing into its own ring in a busy window
//     (the ones under way are waited for);
//   * a thread given a new number while collect() runs, which has no claim:
//     collecting_ tells its steals to take one object for the caller, never
//     a batch into its ring. One whose steal began before the barrier, and
//     so may not have seen collecting_, was numbered before the barrier too:
//     the count read after the barrier includes it, and collect() waits for
//     it and drains its ring like the others (the asymmetric fence's Dekker
//     guarantee: either it sees the flag or collect() sees its number);
//   * anybody's put() that goes to its own ring while claimed, which can add
//     objects to a ring collect() has not drained yet: each ring is drained
//     only by the count it held once the owners had stopped moving objects
//     into it (its drain_quota). Those were the oldest there, a thief or
//     collect() takes from the oldest end, so the quota reaches every one of
//     them that is still cached, and objects put since cannot use up the
//     room made for them.
void PoolCore::collect() {
  std::vector<void*> doomed;
  {
    MutexLock lock(mu_);
    collecting_.store(true, std::memory_order_relaxed);
    const std::size_t claimed = threads_seen();
    // Claim every slot first, so that one barrier serves them all, and
    // look at the slots only after it: a relaxed look before the barrier
    // could miss an object whose put() had finished, and that object would
    // then outlive two collect() calls. Once every owner has left its busy
    // window, none moves anything into its ring in one until the claims
    // drop. From then on slots and rings only lose old objects (to thieves).
    for (std::size_t i = 0; i < claimed; ++i) locals_[i].claimed.store(true, std::memory_order_relaxed);
    // No thread numbered yet: no slot or ring holds anything, and a thread
    // numbered from now on has nothing of before to move.
    std::size_t used = 0;
    if (claimed > 0) {
      heavy_fence();
      used = threads_seen();  // after the barrier: see above
    }
    for (std::size_t i = 0; i < used; ++i) {
      while (locals_[i].busy.load(std::memory_order_acquire)) std::this_thread::yield();
    }
    // Room for all of it in what becomes the victim tier (the overflow,
    // one object per slot, the rings' quotas), made before anything moves:
    // past this line nothing throws, so no object is lost and no slot is
    // left claimed. The room is kept from one collect() to the next
    // (spare_), so that collecting again allocates nothing: a test that
    // measures the heap around a collect() sees the objects it destroyed,
    // not the pool's books.
    std::size_t room = shared_.size() + claimed;
    for (std::size_t i = 0; i < used; ++i) {
      locals_[i].drain_quota = rings_[i].ring.size();
      room += locals_[i].drain_quota;
    }
    try {
      spare_.reserve(room);
    } catch (...) {
      release_claims(claimed);
      throw;
    }
    if (const CollectWindowHook hook = g_collect_window_hook.load(std::memory_order_acquire)) {
      hook(g_collect_window_context);
    }
    doomed.swap(victim_);
    victim_.swap(spare_);
    victim_.insert(victim_.end(), shared_.begin(), shared_.end());
    shared_.clear();
    // Only claimed slots: a slot numbered since holds only what was put since.
    for (std::size_t i = 0; i < claimed; ++i) {
      if (void* p = take_claimed(locals_[i], false)) victim_.push_back(p);
    }
    // The rings after the slots, with the slots still claimed, taken from
    // the tail as a thief would, each by its quota.
    for (std::size_t i = 0; i < used; ++i) {
      for (std::size_t n = locals_[i].drain_quota; n > 0 && victim_.size() < victim_.capacity(); --n) {
        void* p = rings_[i].ring.pop_tail();
        if (!p) break;
        victim_.push_back(p);
      }
    }
    release_claims(claimed);
  }
  // Destructors run outside the lock: they may be slow or touch other pools.
  for (void* p : doomed) destroy(p);
  doomed.clear();
  MutexLock lock(mu_);
  if (doomed.capacity() > spare_.capacity()) spare_.swap(doomed);
}

PoolStats PoolCore::stats() const {
#if HARNESS_POOL_HOSTILE
  const UnorderedForTsan unordered;  // reading the counters orders nothing
#endif
  PoolStats s;
  const std::size_t used = threads_seen();
  for (std::size_t i = 0; i < used; ++i) {
    add(s, locals_[i].counts);
    if (object_in(locals_[i].slot.load(std::memory_order_relaxed))) ++s.cached;
    s.cached += rings_[i].ring.size();
  }
  add(s, overflow_);
  MutexLock lock(mu_);
  s.cached += shared_.size() + victim_.size();
  return s;
}

// With mu_ held: collect()'s claims on the first `used` slots dropped, and
// with them the flag that keeps newly numbered thieves to one object.
void PoolCore::release_claims(std::size_t used) {
  for (std::size_t i = 0; i < used; ++i) locals_[i].claimed.store(false, std::memory_order_release);
  collecting_.store(false, std::memory_order_release);
}

// Lock-free: the oldest objects of another thread's ring, starting with
// the thread after the caller so that thieves spread over the victims.
void* PoolCore::steal_from_rings(Local* mine, std::size_t index) {
  const std::size_t used = threads_seen();
  std::size_t i = index < used ? index + 1 : 0;
  for (std::size_t n = 0; n < used; ++n, ++i) {
    if (i >= used) i = 0;
    if (i == index || rings_[i].ring.size() == 0) continue;
    if (void* p = mine ? steal_batch(*mine, rings_[i]) : rings_[i].ring.pop_tail()) return p;
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
// thief, or one numbered while a collect() runs, takes one object only.
void* PoolCore::steal_batch(Local& mine, RingOf& victim) {
  void* taken[kStealBatch];
  std::size_t n = 0;
  std::size_t refused = 0;  // taken[1..refused]: pushes that failed
  mine.busy.store(true, std::memory_order_relaxed);
  light_fence();
  if (!mine.claimed.load(std::memory_order_acquire) && !collecting_.load(std::memory_order_acquire)) [[likely]] {
    Ring& own = ring_of(mine).ring;
    n = victim.ring.pop_tail_half(taken, 1 + own.room(kStealBatch - 1));
    // room() promised a cell for each, so no push fails; if one did, the
    // object would go to the overflow rather than be lost.
    for (std::size_t k = 1; k < n; ++k) {
      if (!own.push_head(taken[k])) [[unlikely]]
        taken[++refused] = taken[k];
    }
  } else {
    taken[0] = victim.ring.pop_tail();
    n = taken[0] ? 1 : 0;
  }
  mine.busy.store(false, std::memory_order_release);
  for (std::size_t k = 1; k <= refused; ++k) put_locked(taken[k]);
  return n > 0 ? taken[0] : nullptr;
}

// The locked tiers, in get()'s order: the caller's own slot (it may have
// been claimed a moment ago), the shared overflow, other threads' slots,
// the victim tier.
void* PoolCore::take_locked(Local* mine) {
  MutexLock lock(mu_);
  void* p = nullptr;
  // Under mu_ no claim is in progress: the owner may use its slot freely.
  if (mine && (p = object_in(mine->slot.load(std::memory_order_relaxed)))) {
    mine->slot.store(nullptr, std::memory_order_relaxed);
  }
  if (!p && !shared_.empty()) p = pop(shared_);
  if (!p) p = steal(mine);
  if (!p && !victim_.empty()) p = pop(victim_);
  return p;
}

// A cached object (or one put() cannot keep) is destroyed.
void PoolCore::destroy(void* p) const {
  if (!p) return;
#if HARNESS_POOL_HOSTILE
  guard_take(p);
#endif
  destroy_(p);
}

// The shared overflow. Never throws: an object it cannot make room for is
// destroyed.
void PoolCore::put_locked(void* p) noexcept {
  void* p_dropped = nullptr;  // destroyed after the lock is released
  {
    MutexLock lock(mu_);
    try {
      shared_.push_back(p);
    } catch (...) {  // no room in shared_: p is ours to drop
      p_dropped = p;
    }
  }
  destroy(p_dropped);
}

// With mu_ held: the first object cached in another thread's slot.
void* PoolCore::steal(Local* mine) {
  const std::size_t used = threads_seen();
  for (std::size_t i = 0; i < used; ++i) {
    Local& other = locals_[i];
    if (&other == mine || !object_in(other.slot.load(std::memory_order_relaxed))) continue;
    other.claimed.store(true, std::memory_order_relaxed);
    heavy_fence();
    if (void* p = take_claimed(other)) return p;
  }
  return nullptr;
}

}  // namespace harness::detail
