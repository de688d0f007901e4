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
//   * Where objects wait: every thread has a private slot (the fast path);
//     when it is taken, put() spills the older object to a shared overflow.
//     get() looks in the caller's slot, then the shared overflow, then other
//     threads' slots, then the victim tier, and only then calls the factory.
//     An object put on one thread can therefore be handed to another thread.
//   * collect() is the analogue of a garbage-collection cycle: it destroys the
//     victim tier, then turns everything cached (every slot and the shared
//     overflow) into the new victim tier. Two collect() calls in a row destroy
//     everything the pool holds.
//   * The pool owns what it caches and destroys it on collect() or in its own
//     destructor. A thread that exits leaves its cached object to the pool.
//   * stats() reports how often get(), put() and the factory ran, and how many
//     get() calls were served from the cache.
//
// What it does not promise
//   * that get() returns the object you put, or any particular object;
//   * that anything cached survives: collect() may drop it at any moment;
//   * to clean objects: get() returns an object exactly as it was put back;
//   * exact counters beyond kMaxThreads live threads (they become approximate).
//
// Like sync.Pool (which carries a noCopy marker) a Pool cannot be copied or
// moved: copies would share, or lose, the objects the original owns.
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
#include <utility>
#include <vector>

#include "harness/thread_index.h"

namespace harness {

struct PoolStats {
  std::uint64_t gets = 0;           // calls to get() (and lease())
  std::uint64_t hits = 0;           // get() calls served from the cache
  std::uint64_t factory_calls = 0;  // get() calls that ran the factory
  std::uint64_t puts = 0;           // non-empty objects handed back
  std::size_t cached = 0;           // objects held right now, victim tier included
};

template <class T>
class Lease;

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
    for (std::size_t i = 0; i < kMaxThreads; ++i) delete locals_[i].slot.load(std::memory_order_acquire);
    for (T* p : shared_) delete p;
    for (T* p : victim_) delete p;
  }

  std::unique_ptr<T> get() {
    Local& local = locals_[this_thread_index()];
    bump(local.gets);
    if (T* p = local.slot.exchange(nullptr, std::memory_order_acquire)) {
      bump(local.hits);
      return std::unique_ptr<T>(p);
    }
    if (T* p = take_elsewhere(local)) {
      bump(local.hits);
      return std::unique_ptr<T>(p);
    }
    if (!factory_) return nullptr;
    bump(local.factory_calls);
    // No lock is held here: a factory may allocate, throw, or (wrongly) call
    // back into this pool, and each of those must behave as plain code would.
    return factory_();
  }

  void put(std::unique_ptr<T> object) {
    if (!object) return;
    Local& local = locals_[this_thread_index()];
    bump(local.puts);
    T* older = local.slot.exchange(object.release(), std::memory_order_acq_rel);
    if (older) {
      std::lock_guard<std::mutex> lock(mu_);
      shared_.push_back(older);
    }
  }

  // get() wrapped so that the object goes back to this pool when the lease
  // ends, on every path out of the caller's scope.
  Lease<T> lease() { return Lease<T>(*this, get()); }

  void collect() {
    std::vector<T*> doomed;
    {
      std::lock_guard<std::mutex> lock(mu_);
      doomed.swap(victim_);
      victim_.swap(shared_);
      const std::size_t used = threads_seen();
      for (std::size_t i = 0; i < used; ++i) {
        if (T* p = locals_[i].slot.exchange(nullptr, std::memory_order_acquire)) victim_.push_back(p);
      }
    }
    // Destructors run outside the lock: they may be slow or touch other pools.
    for (T* p : doomed) delete p;
  }

  PoolStats stats() const {
    PoolStats s;
    const std::size_t used = threads_seen();
    for (std::size_t i = 0; i < used; ++i) {
      const Local& l = locals_[i];
      s.gets += l.gets.load(std::memory_order_relaxed);
      s.hits += l.hits.load(std::memory_order_relaxed);
      s.factory_calls += l.factory_calls.load(std::memory_order_relaxed);
      s.puts += l.puts.load(std::memory_order_relaxed);
      if (l.slot.load(std::memory_order_relaxed) != nullptr) ++s.cached;
    }
    std::lock_guard<std::mutex> lock(mu_);
    s.cached += shared_.size() + victim_.size();
    return s;
  }

 private:
  // One cache line per thread so that threads do not slow each other down.
  struct alignas(64) Local {
    std::atomic<T*> slot{nullptr};
    std::atomic<std::uint64_t> gets{0}, hits{0}, factory_calls{0}, puts{0};
  };

  // Only the owning thread writes its counters, so a load and a store are
  // enough; an atomic read-modify-write would cost more on the fast path.
  static void bump(std::atomic<std::uint64_t>& counter) {
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  T* take_elsewhere(Local& mine) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!shared_.empty()) return pop(shared_);
    }
    const std::size_t used = threads_seen();
    for (std::size_t i = 0; i < used; ++i) {
      Local& other = locals_[i];
      if (&other == &mine || other.slot.load(std::memory_order_relaxed) == nullptr) continue;
      if (T* p = other.slot.exchange(nullptr, std::memory_order_acquire)) return p;
    }
    std::lock_guard<std::mutex> lock(mu_);
    return victim_.empty() ? nullptr : pop(victim_);
  }

  static T* pop(std::vector<T*>& v) {
    T* p = v.back();
    v.pop_back();
    return p;
  }

  Factory factory_;
  std::unique_ptr<Local[]> locals_;
  mutable std::mutex mu_;
  std::vector<T*> shared_;  // guarded by mu_
  std::vector<T*> victim_;  // guarded by mu_
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
