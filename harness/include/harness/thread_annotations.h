// harness/thread_annotations.h — locking rules the compiler checks.
//
// What it promises
//   * HARNESS_GUARDED_BY(mu) on a member: Clang's -Wthread-safety warns at
//     every read or write of it made without `mu` held;
//   * HARNESS_REQUIRES(mu) on a function: it warns at every call made
//     without `mu` held, and checks the body as if it were;
//   * HARNESS_EXCLUDES(mu) on a function: it warns at a call made with `mu`
//     held (the function takes it itself);
//   * harness::Mutex, a std::mutex the analysis knows as a lock, and
//     harness::MutexLock, which holds one for its scope (std::mutex and
//     std::lock_guard are unknown to it in libstdc++).
//
// What it does not promise
//   * anything under GCC, which has no such analysis: the macros are empty
//     there, and the rules are checked by the Clang trees' builds;
//   * checks through a pointer or reference to another object's lock: a
//     field of a per-thread slot that the pool's lock guards is still
//     described in a comment.
#pragma once

#include <mutex>

#if defined(__clang__)
#define HARNESS_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define HARNESS_THREAD_ANNOTATION(x)
#endif

#define HARNESS_CAPABILITY(name) HARNESS_THREAD_ANNOTATION(capability(name))
#define HARNESS_SCOPED_CAPABILITY HARNESS_THREAD_ANNOTATION(scoped_lockable)
#define HARNESS_GUARDED_BY(mu) HARNESS_THREAD_ANNOTATION(guarded_by(mu))
#define HARNESS_REQUIRES(...) HARNESS_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define HARNESS_EXCLUDES(...) HARNESS_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define HARNESS_ACQUIRE(...) HARNESS_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define HARNESS_RELEASE(...) HARNESS_THREAD_ANNOTATION(release_capability(__VA_ARGS__))

namespace harness {

class HARNESS_CAPABILITY("mutex") Mutex {
 public:
  void lock() HARNESS_ACQUIRE() { mu_.lock(); }
  void unlock() HARNESS_RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

class HARNESS_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) HARNESS_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~MutexLock() HARNESS_RELEASE() { mu_.unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex& mu_;
};

}  // namespace harness
