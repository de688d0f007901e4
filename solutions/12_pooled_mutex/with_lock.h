// Serialises callers: with_lock(f) runs f while holding a lock, so that no two
// callers are ever inside at once and f may touch state they share.
// try_with_lock(f) does the same when nobody else is inside, and otherwise
// returns false at once without running f.
#pragma once

#include <functional>
#include <mutex>

// One mutex for every caller: a lock keeps others out only if they all try
// to take the very same one.
inline std::mutex the_lock;

inline void with_lock(const std::function<void()>& critical_section) {
  std::lock_guard<std::mutex> held(the_lock);
  critical_section();
}

inline bool try_with_lock(const std::function<void()>& critical_section) {
  std::unique_lock<std::mutex> held(the_lock, std::try_to_lock);
  if (!held) return false;
  critical_section();
  return true;
}
