#include "harness/thread_index.h"

#include "harness/asymmetric_fence.h"
#include "harness/base.h"

namespace harness::detail {

ThreadNumbers& ThreadNumbers::instance() {
  // Never destroyed: thread-local destructors of late threads still call
  // release(), possibly after static destruction has begun.
  // The pool's fast path may use the free half of the fence only once this
  // has run, and every thread passes here before its first number.
  static ThreadNumbers* numbers = [] {
    setup_asymmetric_fence();
    return new ThreadNumbers;
  }();
  return *numbers;
}

// The compare-exchange acquires what the number's previous holder released
// on exit: per-thread data indexed by the number changes hands cleanly.
std::size_t ThreadNumbers::acquire() {
#if HARNESS_POOL_HOSTILE
  // Under ThreadSanitizer a number passes on no history: a thread that takes
  // an exited thread's number must not have that thread's late uses ordered
  // before its own (the pool orders what it hands over itself).
  const UnorderedForTsan unordered;
#endif
  for (std::size_t n = 0; n < kMaxThreads; ++n) {
    bool expected = false;
    if (!in_use_[n].load(std::memory_order_relaxed) &&
        in_use_[n].compare_exchange_strong(expected, true, std::memory_order_acquire)) {
      std::size_t seen = seen_.load(std::memory_order_relaxed);
      while (seen < n + 1 && !seen_.compare_exchange_weak(seen, n + 1, std::memory_order_release)) {
      }
      return n;
    }
  }
  return kNoThreadIndex;
}

void ThreadNumbers::release(std::size_t n) {
#if HARNESS_POOL_HOSTILE
  const UnorderedForTsan unordered;
#endif
  in_use_[n].store(false, std::memory_order_release);
}

namespace {

// Gives the number back when the thread exits.
struct NumberReturn {
  ~NumberReturn() {
    if (t_thread_index < kMaxThreads) ThreadNumbers::instance().release(t_thread_index);
    t_thread_index = kNoThreadIndex;  // a pool used from a later destructor takes the slow path
  }
};

}  // namespace

std::size_t assign_thread_index() {
  thread_local NumberReturn on_exit;
  (void)on_exit;  // constructed (and its destructor registered) when control passes its declaration
  t_thread_index = ThreadNumbers::instance().acquire();
  return t_thread_index;
}

}  // namespace harness::detail
