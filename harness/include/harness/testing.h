// harness/testing.h — small helpers for the katas' tests, so that each test
// says what it checks and not how to ask the pool.
//
// What it promises
//   * drain(pool) leaves the pool holding nothing: the two collect() calls
//     that the pool's contract needs (the first moves every cached object to
//     the victim tier, the second destroys it). A test that must see the
//     factory's product, or the object its own call put back, starts here.
//   * PoolActivity counts what a pool did from the moment it was made:
//     gets(), hits(), factory_calls(), puts() are differences of stats(), so
//     a test passes in any order and alone (--gtest_shuffle, --gtest_filter).
//
// What it does not promise
//   * isolation from other threads: activity counts every thread's calls;
//   * anything about which object get() returns after drain(): the factory's
//     (or nothing, without a factory).
#pragma once

#include <cstdint>

#include "harness/pool.h"

namespace harness::testing {

template <class T>
void drain(Pool<T>& pool) {
  pool.collect();
  pool.collect();
}

template <class T>
class PoolActivity {
 public:
  explicit PoolActivity(const Pool<T>& pool) : pool_(pool), before_(pool.stats()) {}

  std::uint64_t gets() const { return pool_.stats().gets - before_.gets; }
  std::uint64_t hits() const { return pool_.stats().hits - before_.hits; }
  std::uint64_t factory_calls() const { return pool_.stats().factory_calls - before_.factory_calls; }
  std::uint64_t puts() const { return pool_.stats().puts - before_.puts; }

 private:
  const Pool<T>& pool_;
  PoolStats before_;
};

}  // namespace harness::testing
