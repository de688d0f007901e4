// harness/thread_index.h — a small, dense number for each live thread.
//
// What it promises
//   * this_thread_index() returns the same number for the whole life of the
//     calling thread. After the first call it costs one thread-local load.
//   * While fewer than kMaxThreads threads hold a number, no two live threads
//     share one. A number goes back when its thread exits and is handed to a
//     later thread, so a program that starts and joins threads all day stays
//     within the range.
//   * Threads beyond kMaxThreads live ones get kNoThreadIndex: per-thread data
//     must then take its slow, shared path (the pool does).
//   * threads_seen() is one past the highest number handed out so far: loops
//     over per-thread data need not look further.
//   * Everything a thread did before it exited happens-before everything the
//     next holder of its number does, so per-thread data passes on cleanly.
//
// What it does not promise
//   * any order: numbers are not thread ids;
//   * to order two live threads: numbers are handed over only at thread exit.
#pragma once

#include <atomic>
#include <cstddef>

namespace harness {

inline constexpr std::size_t kMaxThreads = 256;
inline constexpr std::size_t kNoThreadIndex = kMaxThreads;

namespace detail {

class ThreadNumbers {
 public:
  static ThreadNumbers& instance();
  std::size_t acquire();
  void release(std::size_t n);
  std::size_t seen() const { return seen_.load(std::memory_order_acquire); }

 private:
  std::atomic<std::size_t> seen_{0};
  std::atomic<bool> in_use_[kMaxThreads] = {};
};

// Not yet asked: the first call takes a number (and registers its return).
inline constexpr std::size_t kUnassigned = static_cast<std::size_t>(-1);
// A trivial, constant-initialised thread-local is one load from the thread
// pointer; an object with a constructor would add a guard on every access.
constinit inline thread_local std::size_t t_thread_index = kUnassigned;

std::size_t assign_thread_index();

}  // namespace detail

inline std::size_t this_thread_index() {
  const std::size_t index = detail::t_thread_index;
  if (index != detail::kUnassigned) [[likely]]
    return index;
  return detail::assign_thread_index();
}

// The same, for callers that promise not to throw (the pool's put()): if a
// number cannot be had (the table's first allocation fails), the caller gets
// kNoThreadIndex and takes its shared path; the next call tries again.
inline std::size_t this_thread_index_or_none() noexcept {
  const std::size_t index = detail::t_thread_index;
  if (index != detail::kUnassigned) [[likely]]
    return index;
  try {
    return detail::assign_thread_index();
  } catch (...) {
    return kNoThreadIndex;
  }
}

inline std::size_t threads_seen() { return detail::ThreadNumbers::instance().seen(); }

}  // namespace harness
