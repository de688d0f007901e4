// harness/failing_new.h — make one chosen allocation fail, to test the paths
// nobody listed: a full heap, a copy that throws std::bad_alloc.
//
// What it promises
//   * While a harness::testing::FailingAllocation lives on a thread, that
//     thread's allocations through operator new count down, and the one it
//     names throws std::bad_alloc, as operator new does when the heap is
//     exhausted. Every other allocation behaves as before; the next one
//     after the failure succeeds again.
//   * The pool's hostile mode keeps its own books with allocations of its
//     own; those never fail, so the failure lands in the program's code.
//   * failed() says whether the chosen allocation was reached: a test can
//     fail each allocation of a call in turn, until a call completes.
//   * kWorksInThisBuild says whether allocations can be made to fail at all
//     in this build; a test that needs it skips when it is false.
//   * each_allocation_failing(prepare, call, after) makes every allocation
//     of a call fail in turn: "every path out" includes the ones nobody
//     listed.
//
// What it does not promise
//   * to fail malloc() itself, aligned operator new, or allocations on other
//     threads;
//   * AddressSanitizer's check of mismatched new and delete in a program
//     that includes it: under a sanitizer's allocator this header replaces
//     the global operator new and delete (so include it in exactly one
//     source file of a program); without one, the harness's own replacement
//     (heap_probe.cpp) does the counting;
//   * anything under Clang's ThreadSanitizer: Clang links that runtime into
//     the program with a strong operator new of its own, so a second one does
//     not link (GCC's runtime is a shared library, and ours takes precedence).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#include "harness/heap_probe.h"
#include "harness/base.h"

#if defined(HARNESS_TSAN) && defined(__clang__)
#define HARNESS_FAILING_NEW_WORKS 0
#else
#define HARNESS_FAILING_NEW_WORKS 1
#endif

namespace harness::testing {

// For its lifetime, the calling thread's allocation number `skip` + 1 from
// now on (skip = 0: the next one) throws std::bad_alloc.
class FailingAllocation {
 public:
  explicit FailingAllocation(long skip) {
    harness::detail::t_allocation_failed = false;
    harness::detail::t_allocations_before_failure = skip;
  }
  ~FailingAllocation() { harness::detail::t_allocations_before_failure = -1; }
  FailingAllocation(const FailingAllocation&) = delete;
  FailingAllocation& operator=(const FailingAllocation&) = delete;

  // False where nothing can be made to fail (see the header's contract): a
  // test that relies on failures must skip rather than pass without any.
  static constexpr bool kWorksInThisBuild = HARNESS_FAILING_NEW_WORKS;

  // Whether the chosen allocation happened (and threw).
  bool failed() const { return harness::detail::t_allocation_failed; }
};

// Runs prepare(), then call() with its allocation number k failing, for
// k = 1, 2, ... until a call makes fewer than k allocations (or `limit`
// calls): each allocation the call makes fails once. The std::bad_alloc is
// caught here; after each call that it ended, after(k) checks what the
// failure left behind. prepare() runs before the failure is armed (its own
// allocations never fail), so that each round starts from the same state
// and fails the same sequence one allocation further on. Returns how many
// calls failed: 0 means the call allocated nothing, and the test saw no
// failure path.
template <class Prepare, class Call, class After>
long each_allocation_failing(Prepare&& prepare, Call&& call, After&& after, long limit = 100) {
  long failed_calls = 0;
  for (long skip = 0; skip < limit; ++skip) {
    prepare();
    bool reached = false;
    {
      const FailingAllocation failing(skip);
      try {
        call();
      } catch (const std::bad_alloc&) {  // the failure made here
      }
      reached = failing.failed();
    }
    if (!reached) break;  // the call made fewer allocations than that: each has failed once
    ++failed_calls;
    after(skip + 1);
  }
  return failed_calls;
}

}  // namespace harness::testing

#if (defined(HARNESS_ASAN) || defined(HARNESS_TSAN)) && HARNESS_FAILING_NEW_WORKS
// GCC cannot see that these two are a matched pair and warns about free().
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t size) {
  if (harness::detail::fail_this_allocation()) throw std::bad_alloc();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif
