#include "harness/thread_index.h"

namespace harness::detail {

ThreadNumbers& ThreadNumbers::instance() {
  // Never destroyed: thread-local destructors of late threads still call
  // release(), possibly after static destruction has begun.
  static ThreadNumbers* numbers = new ThreadNumbers;
  return *numbers;
}

// All orderings are relaxed on purpose. A number passes from an exited
// thread to a new one; acquire/release here would make everything the old
// thread did happen-before everything the new one does, and ThreadSanitizer
// would then stay silent about a late use of a pooled object racing with its
// next holder. The per-thread data these numbers index is atomic anyway.
std::size_t ThreadNumbers::acquire() {
  for (std::size_t n = 0; n < kMaxThreads; ++n) {
    bool expected = false;
    if (!in_use_[n].load(std::memory_order_relaxed) &&
        in_use_[n].compare_exchange_strong(expected, true, std::memory_order_relaxed)) {
      std::size_t seen = seen_.load(std::memory_order_relaxed);
      while (seen < n + 1 && !seen_.compare_exchange_weak(seen, n + 1, std::memory_order_relaxed)) {
      }
      return n;
    }
  }
  seen_.store(kMaxThreads, std::memory_order_relaxed);
  return overflow_.fetch_add(1, std::memory_order_relaxed) % kMaxThreads;
}

void ThreadNumbers::release(std::size_t n) {
  // A shared (overflow) number may be released while another thread still
  // holds it; marking it free then only means a newcomer may share it too.
  in_use_[n].store(false, std::memory_order_relaxed);
}

}  // namespace harness::detail
