// Serialises callers: with_lock(f) runs f while holding a lock, so that no two
// callers are ever inside at once and f may touch state they share.
// try_with_lock(f) does the same when nobody else is inside, and otherwise
// returns false at once without running f. Locks are pooled, so that a call
// does not allocate a new one every time.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include "harness/pool.h"

struct Lock {
  std::mutex mutex;
};

inline harness::Pool<Lock> lock_pool{[] { return std::make_unique<Lock>(); }};

inline void with_lock(const std::function<void()>& critical_section) {
  harness::Lease<Lock> lock = lock_pool.lease();
  std::lock_guard<std::mutex> held(lock->mutex);
  critical_section();
}

inline bool try_with_lock(const std::function<void()>& critical_section) {
  harness::Lease<Lock> lock = lock_pool.lease();
  std::unique_lock<std::mutex> held(lock->mutex, std::try_to_lock);
  if (!held) return false;
  critical_section();
  return true;
}
