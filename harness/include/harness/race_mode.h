// harness/race_mode.h — the pool's race mode, as the pool, the test main and
// the test helpers see it (pool_guard.h says what race mode does).
//
// What it promises
//   * RaceModePause: while one lives, on any thread, race mode is off for
//     every pool (pauses nest). A test that counts hits or factory calls
//     takes one (harness::testing::ExactPool and PoolActivity do).
//   * detail::race_mode_seed() and set_race_mode_seed(): the seed (0: off),
//     read from POOL_KATAS_RACE_SEED once, or set by the pool's own tests and
//     by the test main's second run.
//   * detail::PutRoute: where race mode sends a put(); the pool's store()
//     takes it as it is.
//
// What it does not promise
//   * anything in a build whose hostile mode is off (HARNESS_POOL_HOSTILE 0):
//     a pause there is an empty object, and the seed functions are not built.
#pragma once

#include <atomic>
#include <cstdint>

#include "harness/base.h"

namespace harness {

namespace detail {

// keep: the caller's slot, as put() does; spill: the caller's lock-free ring,
// which other threads steal from; overflow: the shared, locked overflow;
// drop: not kept at all.
enum class PutRoute { keep, spill, overflow, drop };

#if HARNESS_POOL_HOSTILE
// Above 0 while a RaceModePause lives.
extern std::atomic<int> race_mode_pauses;

// The seed: POOL_KATAS_RACE_SEED, read once; 0 (or unset) is off.
std::uint64_t race_mode_seed();

// For the pool's own tests: race mode with this seed from now on (0: off),
// the calling thread's choices starting afresh.
void set_race_mode_seed(std::uint64_t seed);

// What race mode does with this put(), and whether a collect() follows it.
PutRoute race_mode_route(std::uint64_t thread_number, bool& collect_after);
#endif

}  // namespace detail

class RaceModePause {
 public:
  RaceModePause() noexcept {
#if HARNESS_POOL_HOSTILE
    detail::race_mode_pauses.fetch_add(1, std::memory_order_relaxed);
#endif
  }
  ~RaceModePause() {
#if HARNESS_POOL_HOSTILE
    detail::race_mode_pauses.fetch_sub(1, std::memory_order_relaxed);
#endif
  }
  RaceModePause(const RaceModePause&) = delete;
  RaceModePause& operator=(const RaceModePause&) = delete;
};

}  // namespace harness
