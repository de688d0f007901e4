// Steppable<T>: a std::atomic<T> whose every read is a point where another
// thread may run, for a test to reach the interleavings a lock-free structure
// must survive.
//
// What it promises
//   * the std::atomic operations a free list uses, with the same orders;
//   * right after each read of the value (load, exchange, fetch_add, and a
//     compare_exchange that fails and so reads the current value), it calls
//     after_each_read if the calling thread has set one. Programs set none;
//     a test sets one to run another thread's calls at exactly that point,
//     as a thread preempted there would meet them.
//
// What it does not promise
//   * a point between a read and anything that is not a Steppable: plain
//     members, and what a lock guards, are not stepped into. A lock must not
//     be held across a Steppable read, or the calls stepped in there wait
//     for it forever.
#pragma once

#include <atomic>
#include <functional>

inline thread_local std::function<void()> after_each_read;

template <class T>
class Steppable {
 public:
  Steppable() = default;
  explicit Steppable(T value) : value_(value) {}

  T load(std::memory_order order = std::memory_order_seq_cst) const { return stepped(value_.load(order)); }
  void store(T value, std::memory_order order = std::memory_order_seq_cst) { value_.store(value, order); }
  T exchange(T value, std::memory_order order = std::memory_order_seq_cst) {
    return stepped(value_.exchange(value, order));
  }
  T fetch_add(T value, std::memory_order order = std::memory_order_seq_cst) {
    return stepped(value_.fetch_add(value, order));
  }
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success = std::memory_order_seq_cst,
                             std::memory_order failure = std::memory_order_seq_cst) {
    return swapped(value_.compare_exchange_weak(expected, desired, success, failure));
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success = std::memory_order_seq_cst,
                               std::memory_order failure = std::memory_order_seq_cst) {
    return swapped(value_.compare_exchange_strong(expected, desired, success, failure));
  }

 private:
  static T stepped(T value) {
    if (after_each_read) after_each_read();
    return value;
  }
  static bool swapped(bool done) {
    if (!done && after_each_read) after_each_read();
    return done;
  }

  std::atomic<T> value_{};
};
