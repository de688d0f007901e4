#include "harness/heap_probe.h"

#include "harness/pool_guard.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HARNESS_SANITIZER_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define HARNESS_SANITIZER_ALLOCATOR 1
#endif
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

#ifdef HARNESS_SANITIZER_ALLOCATOR
// The sanitizer's allocator calls this on every allocation, new included.
void count_allocation(const volatile void*, std::size_t) {
#if HARNESS_POOL_HOSTILE
  if (detail::t_pool_bookkeeping > 0) return;  // the pool's checks, not the program
#endif
  ++t_allocations;
}
void ignore_free(const volatile void*) {}
const bool hooks_installed = __sanitizer_install_malloc_and_free_hooks(count_allocation, ignore_free) != 0;
#endif

}  // namespace

std::size_t allocations_on_this_thread() {
#ifdef HARNESS_SANITIZER_ALLOCATOR
  (void)hooks_installed;
#endif
  return t_allocations;
}

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
#if HARNESS_POOL_HOSTILE
  if (harness::detail::t_pool_bookkeeping == 0)
#endif
    ++harness::t_allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif
