// Where pooling pays and where it does not: harness::Pool against plain
// allocation, a mutex-guarded free list and the pool as it was before its
// lock-free rings (pool_with_mutex_tier.h, the MutexTier rows), for small,
// medium and large objects, on one and two threads (and 4 to 16 for 1 KiB),
// and handed from one thread to another (the steal-heavy pattern). Run with
// `make bench`; `make bench-allocators` runs it once per malloc (glibc,
// mimalloc, jemalloc, tcmalloc: one binary each, linked with it) and once on
// the pool's fallback fence, and prints one table.
#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include "harness/pool.h"
#include "pool_with_mutex_tier.h"

namespace {

template <std::size_t N>
struct Object {
  std::array<char, N> bytes;
};

// The classic hand-written alternative: one free list behind one mutex.
template <class T>
class LockedFreeList {
 public:
  ~LockedFreeList() {
    for (T* p : free_) delete p;
  }
  T* get() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!free_.empty()) {
        T* p = free_.back();
        free_.pop_back();
        return p;
      }
    }
    return new T;
  }
  void put(T* p) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(p);
  }

 private:
  std::mutex mu_;
  std::vector<T*> free_;
};

// Writing one byte keeps the compiler from deleting the whole round trip.
template <class T>
void touch(T* object) {
  object->bytes[0] = 1;
  benchmark::DoNotOptimize(object);
}

template <std::size_t N>
void PoolGetPut(benchmark::State& state) {
  static harness::Pool<Object<N>> pool{[] { return std::make_unique<Object<N>>(); }};
  for (auto _ : state) {
    auto object = pool.get();
    touch(object.get());
    pool.put(std::move(object));
  }
}

// The same loop on the pool as it was before its lock-free rings
// (pool_with_mutex_tier.h), for the side-by-side comparison.
template <std::size_t N>
void MutexTierGetPut(benchmark::State& state) {
  static harness::mutex_tier::Pool<Object<N>> pool{[] { return std::make_unique<Object<N>>(); }};
  for (auto _ : state) {
    auto object = pool.get();
    touch(object.get());
    pool.put(std::move(object));
  }
}

template <std::size_t N>
void NewDelete(benchmark::State& state) {
  for (auto _ : state) {
    auto* object = new Object<N>;
    touch(object);
    delete object;
  }
}

template <std::size_t N>
void MakeUnique(benchmark::State& state) {
  for (auto _ : state) {
    auto object = std::make_unique<Object<N>>();  // value-initialised: zeroes N bytes
    touch(object.get());
  }
}

template <std::size_t N>
void MutexFreeList(benchmark::State& state) {
  static LockedFreeList<Object<N>> list;
  for (auto _ : state) {
    Object<N>* object = list.get();
    touch(object);
    list.put(object);
  }
}

// No allocation at all: the object lives on the stack, value-initialised.
// For a small object this is what a pool has to beat, and it cannot.
template <std::size_t N>
void LocalValue(benchmark::State& state) {
  for (auto _ : state) {
    Object<N> object{};
    touch(&object);
  }
}

// The price of a miss: every get() finds the pool empty and calls the factory.
void PoolMiss1KiB(benchmark::State& state) {
  harness::Pool<Object<1024>> pool{[] { return std::make_unique<Object<1024>>(); }};
  for (auto _ : state) {
    auto object = pool.get();
    touch(object.get());
  }
}

// collect() on a pool holding state.range(0) objects, twice (cache to victim, victim dropped).
void PoolCollect(benchmark::State& state) {
  harness::Pool<Object<1024>> pool{[] { return std::make_unique<Object<1024>>(); }};
  const auto count = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<std::unique_ptr<Object<1024>>> held;
    for (std::size_t i = 0; i < count; ++i) held.push_back(pool.get());
    for (auto& object : held) pool.put(std::move(object));
    state.ResumeTiming();
    pool.collect();
    pool.collect();
  }
}

// A pipeline: one thread takes an object and hands it over, another uses it
// and gives it back, so every get() finds its own slot empty and must take
// what the other thread put (from that thread's ring, lock-free; with the
// mutex tier, from the shared list under the mutex, or by stealing it out of
// that thread's slot). Threads come in pairs, each with a queue of its own:
// the even thread of a pair takes, the odd one gives back.
class HandoffQueue {  // one producer, one consumer, bounded
 public:
  void push(void* p) {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    while (tail - head_.load(std::memory_order_acquire) == kCells) std::this_thread::yield();
    cells_[tail % kCells].store(p, std::memory_order_relaxed);
    tail_.store(tail + 1, std::memory_order_release);
  }
  void* pop() {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    while (tail_.load(std::memory_order_acquire) == head) std::this_thread::yield();
    void* p = cells_[head % kCells].load(std::memory_order_relaxed);
    head_.store(head + 1, std::memory_order_release);
    return p;
  }

 private:
  static constexpr std::size_t kCells = 64;
  std::array<std::atomic<void*>, kCells> cells_{};
  alignas(64) std::atomic<std::size_t> head_{0};
  alignas(64) std::atomic<std::size_t> tail_{0};
};

template <std::size_t N>
struct FromPool {
  static harness::Pool<Object<N>>& pool() {
    static harness::Pool<Object<N>> pool{[] { return std::make_unique<Object<N>>(); }};
    return pool;
  }
  static Object<N>* take() { return pool().get().release(); }
  static void give(Object<N>* object) { pool().put(std::unique_ptr<Object<N>>(object)); }
};

template <std::size_t N>
struct FromMutexTierPool {
  static harness::mutex_tier::Pool<Object<N>>& pool() {
    static harness::mutex_tier::Pool<Object<N>> pool{[] { return std::make_unique<Object<N>>(); }};
    return pool;
  }
  static Object<N>* take() { return pool().get().release(); }
  static void give(Object<N>* object) { pool().put(std::unique_ptr<Object<N>>(object)); }
};

template <std::size_t N>
struct FromHeap {
  static Object<N>* take() { return new Object<N>; }
  static void give(Object<N>* object) { delete object; }
};

// Every thread runs the same number of iterations, so each pair's queue is
// empty again when the run ends.
template <template <std::size_t> class Source, std::size_t N>
void Handoff(benchmark::State& state) {
  static std::array<HandoffQueue, 8> queues;
  HandoffQueue& queue = queues[static_cast<std::size_t>(state.thread_index()) / 2];
  const bool takes = state.thread_index() % 2 == 0;
  for (auto _ : state) {
    if (takes) {
      Object<N>* object = Source<N>::take();
      touch(object);
      queue.push(object);
    } else {
      Source<N>::give(static_cast<Object<N>*>(queue.pop()));
    }
  }
}

template <std::size_t N>
void PoolHandoff(benchmark::State& state) {
  Handoff<FromPool, N>(state);
}

template <std::size_t N>
void MutexTierHandoff(benchmark::State& state) {
  Handoff<FromMutexTierPool, N>(state);
}

template <std::size_t N>
void NewDeleteHandoff(benchmark::State& state) {
  Handoff<FromHeap, N>(state);
}

#define POOL_KATAS_SIZES(bench) \
  BENCHMARK_TEMPLATE(bench, 16)->ThreadRange(1, 2)->UseRealTime(); \
  BENCHMARK_TEMPLATE(bench, 1024)->ThreadRange(1, 2)->UseRealTime(); \
  BENCHMARK_TEMPLATE(bench, 65536)->ThreadRange(1, 2)->UseRealTime();

POOL_KATAS_SIZES(PoolGetPut)
POOL_KATAS_SIZES(NewDelete)
// More threads than the machine has cores: the pool must not fall below
// new/delete (each thread keeps its own slot; others wait their turn).
BENCHMARK_TEMPLATE(PoolGetPut, 1024)->Threads(4)->Threads(8)->Threads(16)->UseRealTime();
BENCHMARK_TEMPLATE(NewDelete, 1024)->Threads(4)->Threads(8)->Threads(16)->UseRealTime();
// The pool before its lock-free rings, beside it.
BENCHMARK_TEMPLATE(MutexTierGetPut, 1024)->ThreadRange(1, 2)->UseRealTime();
// Puts on one thread, gets on another: the steal-heavy pattern, in pairs
// (2 threads, then 4 to 16 on the 2 cores).
BENCHMARK_TEMPLATE(PoolHandoff, 1024)->Threads(2)->Threads(4)->Threads(8)->Threads(16)->UseRealTime();
BENCHMARK_TEMPLATE(MutexTierHandoff, 1024)->Threads(2)->Threads(4)->Threads(8)->Threads(16)->UseRealTime();
BENCHMARK_TEMPLATE(NewDeleteHandoff, 1024)->Threads(2)->Threads(4)->Threads(8)->Threads(16)->UseRealTime();
POOL_KATAS_SIZES(MakeUnique)
POOL_KATAS_SIZES(MutexFreeList)
POOL_KATAS_SIZES(LocalValue)
BENCHMARK(PoolMiss1KiB);
BENCHMARK(PoolCollect)->Arg(16)->Arg(1024);

}  // namespace

BENCHMARK_MAIN();
