// harness/pool_guard.h — the pool's hostile mode: misuse caught where it
// happens, the way Go's race mode and sanitizer-aware allocators catch it.
//
// What it promises (when HARNESS_POOL_HOSTILE is 1: every kata and solution
// build, any build with AddressSanitizer or ThreadSanitizer, any build
// without NDEBUG; define it to 0 to compile all of this out, as the
// benchmarks do)
//   * Poison on put (AddressSanitizer): from put() until the next get() hands
//     an object out, its own bytes, and the heap storage of a string or
//     vector, are poisoned. Any read or write of them, on any thread, is a
//     report at the line that made it, followed by the put() that gave the
//     object back ("used after it went back to the pool").
//   * A write at put (ThreadSanitizer): put() writes the object's bytes in
//     the name of the pool, on a fiber of its own that nothing synchronises
//     with. A use of the object after put() by the old holder, or by a thread
//     it shared the object with, is therefore a race with that write, however
//     much real synchronisation (a mutex, a join, a latch, an exited thread's
//     number) came after it. The next get() of the object, and only that,
//     is ordered after the write.
//   * Double and foreign put: a put() of an object that is already cached in
//     this pool, or in another pool, stops the program at that put() with a
//     one-line reason and the stack.
//   * A factory that calls get() or put() on its own pool stops the program
//     at that call.
//   * Race mode (POOL_KATAS_RACE_SEED=N in the environment, N > 0): put()
//     drops one object in four, sends half of the rest to the shared tiers
//     where any thread may take them (two parts in three to the thread's
//     lock-free ring, one to the locked overflow), and now and then runs
//     collect(). All of
//     it is within the pool's contract, so a correct program does not notice;
//     one that relies on getting its own object back does. The choices come
//     from N and the thread's number, so a failing run replays with the same
//     N. A test that counts hits or factory calls pauses race mode for its
//     scope (harness::testing::PoolActivity does).
//
// What it does not promise
//   * to catch a use through an object the pool handed out again: once get()
//     hands it to someone, the old holder's stale pointer is valid memory;
//   * to poison more than the object and a direct string/vector member's
//     storage (a struct's own members' heap blocks are not followed);
//   * foreign-put detection for objects that are out of every pool (the pool
//     cannot tell a stale pointer from a new object at a reused address).
//
// Only what depends on the pooled type lives here (where an object's bytes
// lie, the put() hook's template); the rest is compiled once, in
// harness/src/pool_guard.cpp, so that a kata's test, recompiled on every save,
// does not compile the checks' registry again.
#pragma once

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "harness/base.h"
#include "harness/race_mode.h"

#if HARNESS_POOL_HOSTILE

#include <execinfo.h>

#ifdef HARNESS_ASAN
extern "C" {
int __sanitizer_get_ownership(const volatile void* p);
std::size_t __sanitizer_get_allocated_size(const volatile void* p);
}
#endif

namespace harness::detail {

// Where an object's bytes and its storage lie, as put() found them.
struct PooledBytes {
  void* object = nullptr;
  std::size_t object_bytes = 0;
  void* storage = nullptr;  // a string's or vector's elements, when they live outside the object
  std::size_t storage_bytes = 0;
};

template <class T>
PooledBytes pooled_bytes(T* object) {
  PooledBytes b;
  b.object = const_cast<std::remove_cv_t<T>*>(object);
  b.object_bytes = sizeof(T);
#ifdef HARNESS_ASAN
  // A derived object handed back through a base pointer: poison all of it.
  if (__sanitizer_get_ownership(b.object)) {
    const std::size_t allocated = __sanitizer_get_allocated_size(b.object);
    if (allocated > b.object_bytes) b.object_bytes = allocated;
  }
#endif
  if constexpr (requires(T& t) {
                  { t.data() } -> std::same_as<typename T::value_type*>;
                  t.size();
                }) {
    auto* first = object->data();
    const std::size_t bytes = object->size() * sizeof(*first);
    const auto* begin = reinterpret_cast<const char*>(first);
    const auto* self = reinterpret_cast<const char*>(object);
    const bool outside = begin + bytes <= self || begin >= self + sizeof(T);
    if (bytes > 0 && outside) {
      b.storage = const_cast<void*>(static_cast<const void*>(begin));
      b.storage_bytes = bytes;
    }
  }
  return b;
}

inline constexpr int kPutFrames = 24;

// The report of a misuse the pool saw itself, in the sanitizers' shape, so
// that the kata tool summarises it the same way: an ERROR line, the stack,
// a SUMMARY line. The run ends as a sanitizer's does (exit status 1).
[[noreturn]] void report_pool_misuse(const char* kind, const char* explanation);

// ---- factories that call back into their own pool

// Marks the pool whose factory runs on this thread, for as long as it runs.
class FactoryRunning {
 public:
  explicit FactoryRunning(const void* pool);
  ~FactoryRunning();
  FactoryRunning(const FactoryRunning&) = delete;
  FactoryRunning& operator=(const FactoryRunning&) = delete;
};

// Stops the program if this thread is inside the factory of `pool`.
void check_not_inside_own_factory(const void* pool, bool is_put);

// ---- race mode (the rest of it: harness/race_mode.h)

// Ends the calling thread's ThreadSanitizer fiber for put() (nothing in other
// builds; the next put() makes a new one). ThreadSanitizer counts a fiber as a
// thread, and a process it counts as threaded cannot fork a child that starts
// threads: the wrong fixes' judge (harness/src/run_each_forked.h) calls this
// before it forks, when static initialisation has put() objects already.
void end_put_fiber_of_this_thread() noexcept;

// ---- the hooks the pool calls

// put()'s checks, before anything looks at the object (a cached object is
// poisoned): not from inside the pool's factory, not cached already.
void guard_put_check(const void* pool, const void* object);

// put()'s record, poison and ThreadSanitizer write, once the object's bytes
// and the put() stack are known.
void guard_put_record(const void* pool, const PooledBytes& bytes, void* const* frames, int frame_count);

// At put(), before the pool stores the object.
template <class T>
void guard_put(const void* pool, T* object) {
  const Bookkeeping books;
  guard_put_check(pool, object);
  const PooledBytes bytes = pooled_bytes(object);
  void* frames[kPutFrames];
  int frame_count = 0;
#if defined(HARNESS_ASAN) || defined(HARNESS_TSAN)
  frame_count = ::backtrace(frames, kPutFrames);  // here, so that the stack starts in this put()
#endif
  guard_put_record(pool, bytes, frames, frame_count);
}

// When a cached object leaves the pool: handed out by get(), or destroyed.
void guard_take(void* object);

}  // namespace harness::detail

#endif  // HARNESS_POOL_HOSTILE
