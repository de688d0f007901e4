// harness/thread_index.h — a small, dense number for each live thread.
//
// What it promises
//   * this_thread_index() returns the same number for the whole life of the
//     calling thread, below kMaxThreads, and costs one thread-local read after
//     the first call.
//   * While fewer than kMaxThreads threads are alive, no two of them share a
//     number. A thread's number is given to a later thread once it exits, so a
//     program that starts and joins threads all day stays within the range.
//   * threads_seen() is one past the highest number handed out so far: loops
//     over per-thread data need not look further.
//   * Handing a number on creates no happens-before edge between the old and
//     the new thread, so it cannot hide a data race from ThreadSanitizer.
//
// What it does not promise
//   * uniqueness beyond kMaxThreads live threads: the extra threads share
//     numbers (per-thread data must stay correct, if less fast, when shared);
//   * any order: numbers are not thread ids.
#pragma once

#include <atomic>
#include <cstddef>

namespace harness {

inline constexpr std::size_t kMaxThreads = 256;

namespace detail {

class ThreadNumbers {
 public:
  static ThreadNumbers& instance();
  std::size_t acquire();
  void release(std::size_t n);
  std::size_t seen() const { return seen_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::size_t> seen_{0};
  std::atomic<bool> in_use_[kMaxThreads] = {};
  std::atomic<std::size_t> overflow_{0};
};

struct ThreadNumber {
  ThreadNumber() : value(ThreadNumbers::instance().acquire()) {}
  ~ThreadNumber() { ThreadNumbers::instance().release(value); }
  std::size_t value;
};

}  // namespace detail

inline std::size_t this_thread_index() {
  thread_local detail::ThreadNumber number;
  return number.value;
}

inline std::size_t threads_seen() { return detail::ThreadNumbers::instance().seen(); }

}  // namespace harness
