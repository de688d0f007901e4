// harness/heap_probe.h — how many heap bytes the program holds right now.
//
// What it promises
//   * live_heap_bytes() counts the bytes of every allocation made through
//     malloc/new and not yet freed, whichever allocator is linked in: the
//     AddressSanitizer or ThreadSanitizer allocator (through the sanitizer
//     allocator interface), or glibc's malloc without a sanitizer.
//   * Differences between two readings on one thread are meaningful to within
//     a few KiB of allocator bookkeeping; the memory katas compare against
//     bounds measured in MiB.
//
//   * allocations_on_this_thread() counts the heap allocations (malloc, new,
//     and everything built on them) the calling thread has made so far, so
//     that a test can see work hidden from the pool's counters: a fresh
//     object built on every call, a copy where reuse was asked for.
//   * largest_allocation_on_this_thread() is the size of the largest of
//     them, in bytes, since the last reset_largest_allocation_on_this_thread():
//     a call that allocates a block the size of the data it was to keep in a
//     pooled object has built that data somewhere else.
//
// What it does not promise
//   * resident memory (RSS), or memory the allocator keeps cached for reuse;
//   * an exact figure while other threads allocate concurrently, or while a
//     thread is ending: AddressSanitizer drops an ending thread from its
//     totals a moment before it adds that thread's figures to the ended
//     threads', so join a thread before the reading that should see its frees;
//   * to count another thread's allocations in allocations_on_this_thread().
#pragma once

#include <cstddef>

namespace harness {

std::size_t live_heap_bytes();
std::size_t allocations_on_this_thread();
std::size_t largest_allocation_on_this_thread();
void reset_largest_allocation_on_this_thread();

inline constexpr std::size_t kMiB = std::size_t{1} << 20;

namespace detail {
// For harness/failing_new.h: allocations this thread may still make before
// one fails (-1: none is armed), and whether that one has come. The
// operator new that consults them lives in heap_probe.cpp (builds without a
// sanitizer's allocator) or in failing_new.h (builds with one).
extern constinit thread_local long t_allocations_before_failure;
extern constinit thread_local bool t_allocation_failed;
// True when the allocation being made must throw std::bad_alloc. The pool's
// hostile mode's own bookkeeping never fails.
bool fail_this_allocation();
}  // namespace detail

}  // namespace harness
