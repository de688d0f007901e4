// Serialises callers: with_lock(f) runs f while holding a lock, so that no two
// callers run their f at the same time and f may touch state they share.
#pragma once

#include <functional>
#include <mutex>

// One mutex for every caller: a lock excludes others only if they all take
// the same one.
inline std::mutex the_lock;

inline void with_lock(const std::function<void()>& critical_section) {
  std::lock_guard<std::mutex> held(the_lock);
  critical_section();
}
