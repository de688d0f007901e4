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
//     in a row destroy everything the pool held before the first, whatever
//     threads are born, steal or put while the first runs (only what is put
//     during a collect() may outlive it, until the next two).
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

#include <functional>
#include <memory>
#include <utility>

#include "harness/pool_core.h"
#include "harness/pool_guard.h"

namespace harness {

template <class T>
class Lease;

// The typed face of detail::PoolCore (harness/pool_core.h), which holds the
// machinery on void* and is compiled once: only what needs T lives here.
template <class T>
class Pool {
 public:
  using Factory = std::function<std::unique_ptr<T>()>;

  // How many objects each thread's ring holds besides its slot; beyond that
  // put() uses the locked overflow.
  static constexpr std::size_t kRingCapacity = detail::PoolCore::kRingCapacity;

  // A pool without a factory: get() on an empty pool returns nullptr.
  Pool() : core_(&destroy, nullptr, this) {}
  explicit Pool(Factory factory)
      : factory_(std::move(factory)), core_(&destroy, factory_ ? &run_factory : nullptr, this) {}

  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  std::unique_ptr<T> get() { return std::unique_ptr<T>(static_cast<T*>(core_.get(true))); }

  // get() without the factory: a cached object, or nullptr when nothing is
  // cached. Counted as a get (a hit or a miss, never a factory call).
  std::unique_ptr<T> try_get() { return std::unique_ptr<T>(static_cast<T*>(core_.get(false))); }

  // Never throws, never loses an object: one the pool cannot make room for
  // is destroyed.
  void put(std::unique_ptr<T> object) {
    if (!object) return;
#if HARNESS_POOL_HOSTILE
    // The checks and the poison here, where the type is known; then race
    // mode's choice of where the object goes, in the core.
    detail::guard_put(&core_, object.get());
#endif
    core_.put(object.release());
  }

  // get() wrapped so that the object goes back to this pool when the lease
  // ends, on every path out of the caller's scope.
  Lease<T> lease() { return Lease<T>(*this, get()); }

  void collect() { core_.collect(); }

  PoolStats stats() const { return core_.stats(); }

 private:
  static void destroy(void* object) { delete static_cast<T*>(object); }

  // The factory, called by the core on a miss: the frame a report shows
  // between the get() that missed and the factory's own code.
  static void* run_factory(void* self) { return static_cast<Pool*>(self)->factory_().release(); }

  Factory factory_;  // before core_: the core may call it until it is gone
  detail::PoolCore core_;
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
