#include "harness/heap_probe.h"

#include "harness/base.h"

#if defined(HARNESS_ASAN) || defined(HARNESS_TSAN)
#define HARNESS_SANITIZER_ALLOCATOR 1
#endif

#ifdef HARNESS_SANITIZER_ALLOCATOR
// Declared here rather than through <sanitizer/allocator_interface.h>, which
// not every compiler installation ships.
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, std::size_t),
                                                         void (*free_hook)(const volatile void*));
#else
#include <malloc.h>

#include <cstdlib>
#include <new>
#endif

namespace harness {

namespace {

constinit thread_local std::size_t t_allocations = 0;
constinit thread_local std::size_t t_largest_allocation = 0;

void count(std::size_t size) {
  ++t_allocations;
  if (size > t_largest_allocation) t_largest_allocation = size;
}

#ifdef HARNESS_SANITIZER_ALLOCATOR
// The sanitizer's allocator calls this on every allocation, new included.
void count_allocation(const volatile void*, std::size_t size) {
#if HARNESS_POOL_HOSTILE
  if (detail::t_pool_bookkeeping > 0) return;  // the pool's checks, not the program
#endif
  count(size);
}
void ignore_free(const volatile void*) {}
const bool hooks_installed = __sanitizer_install_malloc_and_free_hooks(count_allocation, ignore_free) != 0;
#endif

}  // namespace

namespace detail {

constinit thread_local long t_allocations_before_failure = -1;
constinit thread_local bool t_allocation_failed = false;

bool fail_this_allocation() {
  if (t_allocations_before_failure < 0) return false;
#if HARNESS_POOL_HOSTILE
  if (t_pool_bookkeeping > 0) return false;
#endif
  if (t_allocations_before_failure-- > 0) return false;
  t_allocation_failed = true;
  return true;
}

}  // namespace detail

std::size_t allocations_on_this_thread() {
#ifdef HARNESS_SANITIZER_ALLOCATOR
  (void)hooks_installed;
#endif
  return t_allocations;
}

std::size_t largest_allocation_on_this_thread() { return t_largest_allocation; }
void reset_largest_allocation_on_this_thread() { t_largest_allocation = 0; }

std::size_t live_heap_bytes() {
#ifdef HARNESS_SANITIZER_ALLOCATOR
  return __sanitizer_get_current_allocated_bytes();
#else
  // uordblks: bytes in use in the arenas; hblkhd: bytes in mmap'ed chunks,
  // where glibc puts large blocks such as the katas' payloads.
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#endif
}

}  // namespace harness

#ifndef HARNESS_SANITIZER_ALLOCATOR
// Without a sanitizer's allocator (UBSan alone, plain builds) the count comes
// from operator new: what C++ code allocates goes through here.
void* operator new(std::size_t size) {
  if (harness::detail::fail_this_allocation()) throw std::bad_alloc();  // harness/failing_new.h
#if HARNESS_POOL_HOSTILE
  if (harness::detail::t_pool_bookkeeping == 0)
#endif
    harness::count(size);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif
