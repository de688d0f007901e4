// Where pooling pays and where it does not: harness::Pool against plain
// allocation and a mutex-guarded free list, for small, medium and large
// objects, on one and two threads (and 4 to 16 for 1 KiB). Run with
// `make bench`; `make bench-allocators` runs it once per malloc (glibc,
// mimalloc, jemalloc, tcmalloc: one binary each, linked with it) and once on
// the pool's fallback fence, and prints one table.
#include <array>
#include <memory>
#include <mutex>
#include <vector>

#include <benchmark/benchmark.h>

#include "harness/pool.h"

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
POOL_KATAS_SIZES(MakeUnique)
POOL_KATAS_SIZES(MutexFreeList)
POOL_KATAS_SIZES(LocalValue)
BENCHMARK(PoolMiss1KiB);
BENCHMARK(PoolCollect)->Arg(16)->Arg(1024);

}  // namespace

BENCHMARK_MAIN();
