// harness/base.h — the harness's bottom layer: what kind of build this is,
// and the bookkeeping every layer above shares.
//
// What it promises
//   * HARNESS_ASAN and HARNESS_TSAN are defined (as 1) in a build with
//     AddressSanitizer or ThreadSanitizer, asked the GCC way
//     (__SANITIZE_ADDRESS__) and the Clang way (__has_feature). Nothing else
//     in the harness asks.
//   * HARNESS_POOL_HOSTILE is 1 or 0: 1 in every kata and solution build, any
//     build with one of those sanitizers and any build without NDEBUG,
//     unless defined to 0 first (the benchmarks do). pool_guard.h says what
//     it turns on.
//   * In a hostile build, detail::UnorderedForTsan (a scope ThreadSanitizer
//     does not see) and detail::Bookkeeping (a scope whose allocations the
//     heap probe does not count), for the layers that keep books of their
//     own: the thread numbers, the heap probe, the pool and its checks.
//
// What it does not promise
//   * anything about the pool: it includes no other harness header, so the
//     lowest layers (thread_index.cpp, heap_probe.cpp) need nothing above it.
#pragma once

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HARNESS_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define HARNESS_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(HARNESS_ASAN)
#define HARNESS_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__) && !defined(HARNESS_TSAN)
#define HARNESS_TSAN 1
#endif

#ifndef HARNESS_POOL_HOSTILE
#if defined(HARNESS_ASAN) || defined(HARNESS_TSAN) || !defined(NDEBUG)
#define HARNESS_POOL_HOSTILE 1
#else
#define HARNESS_POOL_HOSTILE 0
#endif
#endif

#if HARNESS_POOL_HOSTILE

namespace harness::detail {

// The harness's own bookkeeping, out of ThreadSanitizer's sight: its locks
// order nothing (a late use after put() must not become ordered before the
// next holder's use because both threads passed through the same record or
// counter), and its memory is not the program's. The one edge the pool
// creates, put() to the next get() of that object, is made explicitly.
class UnorderedForTsan {
 public:
  UnorderedForTsan();
  ~UnorderedForTsan();
  UnorderedForTsan(const UnorderedForTsan&) = delete;
  UnorderedForTsan& operator=(const UnorderedForTsan&) = delete;
};

// Set while the hostile mode keeps its own books (a record per cached object,
// a stack), so that harness::allocations_on_this_thread() counts what the
// program allocates, not what the checks do.
extern constinit thread_local int t_pool_bookkeeping;
struct Bookkeeping {
  Bookkeeping() { ++t_pool_bookkeeping; }
  ~Bookkeeping() { --t_pool_bookkeeping; }
  Bookkeeping(const Bookkeeping&) = delete;
  Bookkeeping& operator=(const Bookkeeping&) = delete;
};

}  // namespace harness::detail

#endif  // HARNESS_POOL_HOSTILE
