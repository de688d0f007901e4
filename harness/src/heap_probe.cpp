#include "harness/heap_probe.h"

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
#else
#include <malloc.h>
#endif

namespace harness {

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
