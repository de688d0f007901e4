// harness/asymmetric_fence.h — a fence split into a free half and a costly half.
//
// What it promises
//   * light_fence() on one thread and heavy_fence() on another order memory
//     like a pair of std::atomic_thread_fence(seq_cst): a store before either
//     fence is visible to a load after the other, in at least one direction
//     (the Dekker guarantee).
//   * light_fence() costs nothing but a compiler barrier where the kernel
//     offers membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) (Linux 4.14 and
//     later); heavy_fence() then interrupts every CPU running this process
//     (about half a microsecond here).
//   * Without that system call both halves fall back to a real seq_cst fence.
//     The environment variable POOL_KATAS_FENCE=fallback forces that path
//     (read once, when the first thread number is handed out).
//
// What it does not promise
//   * to order anything between two light_fence() callers: pair each light
//     side with a heavy one;
//   * visibility to ThreadSanitizer, which does not model membarrier. Code
//     built on this must carry its happens-before edges on ordinary
//     acquire/release atomics, as the pool does.
//
// The pool's fast path is the light side; stealing and collect() are the
// heavy side. Folly's asymmetric barrier and userspace RCU rest on the same
// kernel call.
#pragma once

#include <atomic>

#include "harness/base.h"

namespace harness::detail {

// A full hardware fence. ThreadSanitizer rejects std::atomic_thread_fence
// (it cannot model it), so its builds get the instruction directly; their
// happens-before edges come from acquire/release atomics anyway.
inline void full_fence() {
#if defined(HARNESS_TSAN) && (defined(__x86_64__) || defined(__i386__))
  asm volatile("mfence" ::: "memory");
#elif defined(HARNESS_TSAN)
  __sync_synchronize();
#else
  std::atomic_thread_fence(std::memory_order_seq_cst);
#endif
}

// Set once, before the first thread number is handed out.
// Read on every fast path, so it gets a cache line of its own.
struct alignas(64) FenceMode {
  std::atomic<bool> asymmetric{false};
};
inline FenceMode g_fence_mode;

inline void light_fence() {
  std::atomic_signal_fence(std::memory_order_seq_cst);
  if (!g_fence_mode.asymmetric.load(std::memory_order_relaxed)) [[unlikely]]
    full_fence();
}

void heavy_fence();

// Registers the process for membarrier; true when the light side may be free.
bool setup_asymmetric_fence();

}  // namespace harness::detail
