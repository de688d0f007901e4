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
//     While one exists, race mode is paused (a count of hits is exact only
//     when no put() is dropped).
//   * each_cached(pool, check) calls check on every object the pool holds
//     right now (every thread's slot, the shared and the victim tier), then
//     puts them all back: a test can look at what a call left in the pool,
//     not only at the result the call returned.
//   * allocations_during(f) is the number of heap allocations f made on the
//     calling thread: reuse means none, whatever the pool's counters say.
//     largest_allocation_during(f) is the size of the largest of them: a
//     call that builds its data in a fresh container of the data's size,
//     and only copies it into the pooled one, shows here.
//   * on_threads(n, scenario) runs scenario(0) .. scenario(n-1) on n threads
//     that start together, and returns when all are done: a fix that is
//     right only on the thread that used an object last shows here.
//   * TimedLatch(n) is std::latch with a time limit on waiting:
//     wait_for(limit) and arrive_and_wait_for(limit) return whether the count
//     reached zero in time, so that a program that keeps a thread from ever
//     getting there fails its test with a message instead of hanging it.
//   * ExactPool pauses race mode for its scope, for a test that must get back
//     the object a call just put back; it takes the reason as its argument,
//     so the test says why the pool's freedom to drop objects is waived.
//   * left_by_another_thread(pool, call) runs call on a thread of its own and
//     returns the object it left in the pool (nullptr if none), and
//     give_to_this_thread(pool, object) makes that object the one this
//     thread's next get() returns (under an ExactPool): the pool may hand any
//     object to any thread, and a program that counts on getting its own
//     back shows here, on purpose rather than by chance.
//   * first_result_changed_by_later_calls(n, call, expected) makes n calls
//     and keeps every result as the call returned it (a string of its own,
//     or a reference or view into whatever storage it points at) until all
//     n are made, then returns the first i whose result no longer equals
//     expected(i), or -1: a program that returns into a private stash (a
//     thread_local, a ring of fewer than n slots) shows here. `call` must
//     return what the program returned: `[&](int i) -> decltype(auto) {
//     return f(...); }`, or a reference would be copied before it is kept.
//
// What it does not promise
//   * isolation from other threads: activity counts every thread's calls;
//   * anything about which object get() returns after drain(): the factory's
//     (or nothing, without a factory).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "harness/heap_probe.h"
#include "harness/pool.h"

namespace harness::testing {

template <class T>
void drain(Pool<T>& pool) {
  pool.collect();
  pool.collect();
}

// Race mode (harness/race_mode.h) is off while one of these lives.
class ExactPool {
 public:
  explicit ExactPool([[maybe_unused]] const char* why) {}

 private:
  RaceModePause pause_;
};

// The object a call on another thread put back: taken on that thread, from
// what the pool caches (never the factory's), nullptr when nothing is there.
template <class T, class Call>
std::unique_ptr<T> left_by_another_thread(Pool<T>& pool, Call&& call) {
  std::unique_ptr<T> left;
  std::thread([&] {
    call();
    left = pool.try_get();
  }).join();
  return left;
}

// The pool drained, then holding `object` alone: this thread's next get()
// returns it, as long as race mode is paused (ExactPool).
template <class T>
void give_to_this_thread(Pool<T>& pool, std::unique_ptr<T> object) {
  drain(pool);
  pool.put(std::move(object));
}

namespace detail {
template <class Call, class Expected>
int first_result_changed_from(int i, int n, Call& call, Expected& expected) {
  if (i == n) return -1;
  const auto& result = call(i);  // a returned string lives as long as this reference; a view stays a view
  const int later = first_result_changed_from(i + 1, n, call, expected);
  if (!(result == expected(i))) return i;
  return later;
}
}  // namespace detail

// Results kept as returned while later calls are made (see the contract above).
template <class Call, class Expected>
int first_result_changed_by_later_calls(int n, Call&& call, Expected&& expected) {
  return detail::first_result_changed_from(0, n, call, expected);
}

class TimedLatch {
 public:
  explicit TimedLatch(int expected) : left_(expected) {}
  TimedLatch(const TimedLatch&) = delete;
  TimedLatch& operator=(const TimedLatch&) = delete;

  void count_down() {
    const std::lock_guard<std::mutex> hold(mutex_);  // notified under the lock, as Helgrind expects
    if (left_ > 0 && --left_ == 0) reached_zero_.notify_all();
  }
  bool wait_for(std::chrono::seconds limit) {
    std::unique_lock<std::mutex> hold(mutex_);
    return reached_zero_.wait_for(hold, limit, [this] { return left_ == 0; });
  }
  bool arrive_and_wait_for(std::chrono::seconds limit) {
    count_down();
    return wait_for(limit);
  }

 private:
  std::mutex mutex_;
  std::condition_variable reached_zero_;
  int left_;
};

template <class T>
class PoolActivity {
 public:
  explicit PoolActivity(const Pool<T>& pool) : pool_(pool), before_(pool.stats()) {}

  std::uint64_t gets() const { return pool_.stats().gets - before_.gets; }
  std::uint64_t hits() const { return pool_.stats().hits - before_.hits; }
  std::uint64_t factory_calls() const { return pool_.stats().factory_calls - before_.factory_calls; }
  std::uint64_t puts() const { return pool_.stats().puts - before_.puts; }

 private:
  ExactPool exact_{"counts of hits and factory calls are exact only when no put() is dropped"};
  const Pool<T>& pool_;
  PoolStats before_;
};

// Every object the pool holds, taken out, checked and put back (objects from
// the victim tier go back to the cache; race mode is paused meanwhile).
template <class T, class Check>
void each_cached(Pool<T>& pool, Check check) {
  const ExactPool exact("every cached object must go back where it was");
  std::vector<std::unique_ptr<T>> held;
  while (std::unique_ptr<T> object = pool.try_get()) held.push_back(std::move(object));
  for (const std::unique_ptr<T>& object : held) check(static_cast<const T&>(*object));
  for (std::unique_ptr<T>& object : held) pool.put(std::move(object));
}

template <class F>
std::size_t allocations_during(F&& f) {
  const std::size_t before = allocations_on_this_thread();
  std::forward<F>(f)();
  return allocations_on_this_thread() - before;
}

// The largest single heap block f() allocated on this thread, in bytes.
template <class F>
std::size_t largest_allocation_during(F&& f) {
  reset_largest_allocation_on_this_thread();
  std::forward<F>(f)();
  return largest_allocation_on_this_thread();
}

template <class Scenario>
void on_threads(int n, Scenario scenario) {
  std::latch start(n);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&start, &scenario, i] {
      start.arrive_and_wait();
      scenario(i);
    });
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace harness::testing
