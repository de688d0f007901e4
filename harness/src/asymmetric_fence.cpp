#include "harness/asymmetric_fence.h"

#include <cstdlib>
#include <cstring>

#if defined(__linux__)
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace harness::detail {

namespace {

#if defined(__linux__) && defined(__NR_membarrier)
long membarrier(int command) { return syscall(__NR_membarrier, command, 0, 0); }
#endif

// POOL_KATAS_FENCE=fallback forces the path that macOS and old kernels take,
// so that tests and benchmarks can run it on Linux too.
bool fallback_forced() {
  const char* mode = std::getenv("POOL_KATAS_FENCE");
  return mode != nullptr && std::strcmp(mode, "fallback") == 0;
}

bool register_once() {
  if (fallback_forced()) return false;
#if defined(__linux__) && defined(__NR_membarrier)
  const long commands = membarrier(MEMBARRIER_CMD_QUERY);
  if (commands < 0 || !(commands & MEMBARRIER_CMD_PRIVATE_EXPEDITED)) return false;
  return membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
#else
  return false;
#endif
}

}  // namespace

bool setup_asymmetric_fence() {
  static const bool asymmetric = [] {
    const bool ok = register_once();
    g_fence_mode.asymmetric.store(ok, std::memory_order_relaxed);
    return ok;
  }();
  return asymmetric;
}

void heavy_fence() {
  full_fence();
#if defined(__linux__) && defined(__NR_membarrier)
  if (g_fence_mode.asymmetric.load(std::memory_order_relaxed)) {
    // Cannot fail once registered; if it somehow did, the light side would
    // be unsafe, so stop rather than corrupt the pool.
    if (membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) != 0) __builtin_trap();
  }
#endif
}

}  // namespace harness::detail
