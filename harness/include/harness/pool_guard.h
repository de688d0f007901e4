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
#pragma once

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <type_traits>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HARNESS_POOL_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define HARNESS_POOL_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(HARNESS_POOL_ASAN)
#define HARNESS_POOL_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__) && !defined(HARNESS_POOL_TSAN)
#define HARNESS_POOL_TSAN 1
#endif

#ifndef HARNESS_POOL_HOSTILE
#if defined(HARNESS_POOL_ASAN) || defined(HARNESS_POOL_TSAN) || !defined(NDEBUG)
#define HARNESS_POOL_HOSTILE 1
#else
#define HARNESS_POOL_HOSTILE 0
#endif
#endif

#if HARNESS_POOL_HOSTILE

#include <execinfo.h>
#include <unistd.h>

extern "C" {
#ifdef HARNESS_POOL_ASAN
void __asan_poison_memory_region(void const volatile* addr, std::size_t size);
void __asan_unpoison_memory_region(void const volatile* addr, std::size_t size);
void* __asan_get_report_address();
void __asan_set_error_report_callback(void (*callback)(const char*));
int __sanitizer_get_ownership(const volatile void* p);
std::size_t __sanitizer_get_allocated_size(const volatile void* p);
#endif
#ifdef HARNESS_POOL_TSAN
void* __tsan_get_current_fiber(void);
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
void __tsan_set_fiber_name(void* fiber, const char* name);
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
void __tsan_func_entry(void* call_pc);
void __tsan_func_exit(void);
void __tsan_write_range_pc(void* addr, unsigned long size, void* pc);
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
void AnnotateIgnoreReadsBegin(const char* file, int line);
void AnnotateIgnoreReadsEnd(const char* file, int line);
void AnnotateIgnoreWritesBegin(const char* file, int line);
void AnnotateIgnoreWritesEnd(const char* file, int line);
#endif
#if defined(HARNESS_POOL_ASAN) || defined(HARNESS_POOL_TSAN)
void __sanitizer_print_stack_trace(void);
void __sanitizer_symbolize_pc(void* pc, const char* fmt, char* out_buf, std::size_t out_buf_size);
#endif
}

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
#ifdef HARNESS_POOL_ASAN
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

// The harness's own bookkeeping, out of ThreadSanitizer's sight: its locks
// order nothing (a late use after put() must not become ordered before the
// next holder's use because both threads passed through the same record or
// counter), and its memory is not the program's. The one edge the pool
// creates, put() to the next get() of that object, is made explicitly.
class UnorderedForTsan {
 public:
#ifdef HARNESS_POOL_TSAN
  UnorderedForTsan() {
    AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
    AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
    AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
  }
  ~UnorderedForTsan() {
    AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
    AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
    AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
  }
#else
  UnorderedForTsan() {}  // user-provided: a guard in every build, used or not
#endif
  UnorderedForTsan(const UnorderedForTsan&) = delete;
  UnorderedForTsan& operator=(const UnorderedForTsan&) = delete;
};

// Set while the hostile mode keeps its own books (a record per cached object,
// a stack), so that harness::allocations_on_this_thread() counts what the
// program allocates, not what the checks do.
constinit inline thread_local int t_pool_bookkeeping = 0;
struct Bookkeeping {
  Bookkeeping() { ++t_pool_bookkeeping; }
  ~Bookkeeping() { --t_pool_bookkeeping; }
  Bookkeeping(const Bookkeeping&) = delete;
  Bookkeeping& operator=(const Bookkeeping&) = delete;
};

struct CachedObject {
  const void* pool = nullptr;
  PooledBytes bytes;
  void* put_frames[kPutFrames] = {};
  int frame_count = 0;
};

// The report of a misuse the pool saw itself, in the sanitizers' shape, so
// that the kata tool summarises it the same way: an ERROR line, the stack,
// a SUMMARY line. The run ends as a sanitizer's does (exit status 1).
[[noreturn]] inline void report_pool_misuse(const char* kind, const char* explanation) {
  std::fflush(stdout);
  std::fprintf(stderr, "==%d==ERROR: harness::Pool: %s\n%s\n", static_cast<int>(::getpid()), kind, explanation);
#if defined(HARNESS_POOL_ASAN) || defined(HARNESS_POOL_TSAN)
  __sanitizer_print_stack_trace();
#else
  void* frames[kPutFrames];
  ::backtrace_symbols_fd(frames, ::backtrace(frames, kPutFrames), 2);
#endif
  std::fprintf(stderr, "SUMMARY: harness::Pool: %s\n", kind);
  std::fflush(stderr);
  std::_Exit(1);
}

inline void print_frames(void* const* frames, int count) {
  int number = 0;
  for (int i = 0; i < count; ++i) {
#if defined(HARNESS_POOL_ASAN) || defined(HARNESS_POOL_TSAN)
    // A return address: the call is the instruction before it. The answer
    // holds one string per frame inlined at that address, then an empty one.
    char text[2048] = {};
    __sanitizer_symbolize_pc(static_cast<char*>(frames[i]) - 1, "%p %F %L", text, sizeof text - 1);
    for (const char* frame = text; *frame != '\0' && frame < text + sizeof text; frame += std::strlen(frame) + 1) {
      std::fprintf(stderr, "    #%d %s\n", number++, frame);
    }
#else
    std::fprintf(stderr, "    #%d %p\n", number++, frames[i]);
#endif
  }
}

// Every object cached in any pool of the process, by address. Its lock is
// held only for a lookup or an update, never while user code runs.
class CachedObjects {
 public:
  static CachedObjects& instance() {
    static CachedObjects* objects = new CachedObjects;  // never destroyed: pools outlive statics
    return *objects;
  }

  // Stops the program if the object is cached in a pool already. Called
  // before put() looks at the object: a cached object is poisoned.
  void check_not_cached(const void* pool, const void* object) {
    const UnorderedForTsan unordered;
    std::lock_guard<std::mutex> lock(mu_);
    check_locked(pool, reinterpret_cast<std::uintptr_t>(object));
  }

  void add(const CachedObject& record) {
    const UnorderedForTsan unordered;
    std::lock_guard<std::mutex> lock(mu_);
    const auto key = reinterpret_cast<std::uintptr_t>(record.bytes.object);
    check_locked(record.pool, key);
    objects_.emplace(key, record);
    if (record.bytes.storage) storage_.emplace(reinterpret_cast<std::uintptr_t>(record.bytes.storage), key);
  }

  // Forgets the object (it is handed out or destroyed); returns what put() recorded.
  bool remove(const void* object, CachedObject& out) {
    const UnorderedForTsan unordered;
    std::lock_guard<std::mutex> lock(mu_);
    auto found = objects_.find(reinterpret_cast<std::uintptr_t>(object));
    if (found == objects_.end()) return false;
    out = found->second;
    if (out.bytes.storage) storage_.erase(reinterpret_cast<std::uintptr_t>(out.bytes.storage));
    objects_.erase(found);
    return true;
  }

  // From inside a sanitizer's report: the cached object that holds addr.
  // Does not wait for the lock (the reporting thread may hold it).
  bool find_holding(std::uintptr_t addr, CachedObject& out) {
    std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
    if (!lock.owns_lock()) return false;
    if (auto o = objects_.upper_bound(addr); o != objects_.begin()) {
      --o;
      if (addr < o->first + o->second.bytes.object_bytes) {
        out = o->second;
        return true;
      }
    }
    auto s = storage_.upper_bound(addr);
    if (s == storage_.begin()) return false;
    --s;
    const CachedObject& o = objects_.at(s->second);
    if (addr >= s->first + o.bytes.storage_bytes) return false;
    out = o;
    return true;
  }

 private:
  void check_locked(const void* pool, std::uintptr_t key) {
    auto found = objects_.find(key);
    if (found == objects_.end()) return;
    if (found->second.pool == pool) {
      report_pool_misuse("double put",
                         "put() was given an object that is already in this pool: it was put back twice. "
                         "Two later get() calls would hand the same object to two holders.");
    }
    report_pool_misuse("foreign put",
                       "put() was given an object that another pool holds right now: an object belongs to one "
                       "pool, and goes back only to the pool it came from, once.");
  }

  std::mutex mu_;
  std::map<std::uintptr_t, CachedObject> objects_;
  std::map<std::uintptr_t, std::uintptr_t> storage_;  // storage begin -> its object
};

#ifdef HARNESS_POOL_ASAN
// Added to AddressSanitizer's report when the bad address lies in an object
// that is in a pool: says so in the pool's words, with the put() that gave it
// back (a sanitizer knows only "use-after-poison").
inline void explain_poisoned_use(const char*) {
  CachedObject o;
  if (!CachedObjects::instance().find_holding(reinterpret_cast<std::uintptr_t>(__asan_get_report_address()), o)) {
    return;
  }
  std::fprintf(stderr,
               "harness::Pool: this object was used after it went back to the pool. From put() until the next "
               "get() hands it out, it belongs to the pool, which poisons it; the use above came after this put():\n");
  print_frames(o.put_frames, o.frame_count);
  std::fprintf(stderr, "SUMMARY: harness::Pool: used after it went back to the pool\n");
}
#endif

#ifdef HARNESS_POOL_TSAN
// The pool's own "thread" for ThreadSanitizer: one fiber per thread that
// puts, which nothing ever synchronises with except the next get() of the
// object it wrote.
struct PutFiber {
  void* fiber = nullptr;
  ~PutFiber() {
    if (fiber) __tsan_destroy_fiber(fiber);
  }
};
inline thread_local PutFiber t_put_fiber;

// Writes the object's bytes in the pool's name, with the put() caller's stack.
// Not instrumented itself: its own entry and exit would land on the fiber.
__attribute__((no_sanitize("thread"), noinline)) inline void object_went_back_to_the_pool(
    const PooledBytes& b, void* const* frames, int count) {
  __tsan_release(b.object);  // what the holder did before put() comes first
  if (!t_put_fiber.fiber) {
    t_put_fiber.fiber = __tsan_create_fiber(0);
    __tsan_set_fiber_name(t_put_fiber.fiber, "harness::Pool, writing at put()");
  }
  void* holder = __tsan_get_current_fiber();
  constexpr unsigned kNoSync = 1;  // __tsan_switch_to_fiber_no_sync
  __tsan_switch_to_fiber(t_put_fiber.fiber, kNoSync);
  __tsan_acquire(b.object);
  for (int i = count - 1; i >= 1; --i) __tsan_func_entry(frames[i]);
  __tsan_write_range_pc(b.object, b.object_bytes, count > 0 ? frames[0] : nullptr);
  if (b.storage) __tsan_write_range_pc(b.storage, b.storage_bytes, count > 0 ? frames[0] : nullptr);
  for (int i = count - 1; i >= 1; --i) __tsan_func_exit();
  __tsan_release(b.object);  // the next get() is ordered after the write
  __tsan_switch_to_fiber(holder, kNoSync);
}
#endif

// ---- factories that call back into their own pool

inline constexpr int kNestedFactories = 8;
constinit inline thread_local const void* t_running_factories[kNestedFactories] = {};
constinit inline thread_local int t_factory_depth = 0;

class FactoryRunning {
 public:
  explicit FactoryRunning(const void* pool) {
    if (t_factory_depth < kNestedFactories) t_running_factories[t_factory_depth] = pool;
    ++t_factory_depth;
  }
  ~FactoryRunning() { --t_factory_depth; }
  FactoryRunning(const FactoryRunning&) = delete;
  FactoryRunning& operator=(const FactoryRunning&) = delete;
};

inline void check_not_inside_own_factory(const void* pool, bool is_put) {
  for (int i = 0; i < t_factory_depth && i < kNestedFactories; ++i) {
    if (t_running_factories[i] != pool) continue;
    if (is_put) {
      report_pool_misuse("put() inside the pool's own factory",
                         "the factory of this pool called put() on it: the object goes into the pool and is also "
                         "returned to the caller, so two holders get it. A factory must only construct.");
    }
    report_pool_misuse("get() inside the pool's own factory",
                       "the factory of this pool called get() on it: the factory runs because the pool has nothing "
                       "cached, so it would call itself again and again. A factory must only construct.");
  }
}

// ---- race mode

// keep: the caller's slot, as put() does; spill: the caller's lock-free ring,
// which other threads steal from; overflow: the shared, locked overflow.
enum class PutRoute { keep, spill, overflow, drop };

inline std::atomic<int> race_mode_pauses{0};

// The seed: POOL_KATAS_RACE_SEED, read once; 0 (or unset) is off.
inline std::atomic<std::uint64_t>& race_mode_seed_cell() {
  static std::atomic<std::uint64_t> cell{[] {
    const char* text = std::getenv("POOL_KATAS_RACE_SEED");
    return text ? std::strtoull(text, nullptr, 10) : 0ull;
  }()};
  return cell;
}
inline std::uint64_t race_mode_seed() { return race_mode_seed_cell().load(std::memory_order_relaxed); }

constinit inline thread_local std::uint64_t t_race_state = 0;

// splitmix64: small, and the same sequence for the same seed and thread.
inline std::uint64_t race_mode_next(std::uint64_t thread_number) {
  if (t_race_state == 0) t_race_state = race_mode_seed() ^ ((thread_number + 1) * 0x9E3779B97F4A7C15ull);
  std::uint64_t z = (t_race_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// For the pool's own tests: race mode with this seed from now on (0: off),
// the calling thread's choices starting afresh.
inline void set_race_mode_seed(std::uint64_t seed) {
  race_mode_seed_cell().store(seed, std::memory_order_relaxed);
  t_race_state = 0;
}

// What race mode does with this put(), and whether a collect() follows it.
inline PutRoute race_mode_route(std::uint64_t thread_number, bool& collect_after) {
  collect_after = false;
  if (race_mode_seed() == 0 || race_mode_pauses.load(std::memory_order_relaxed) > 0) return PutRoute::keep;
  const std::uint64_t r = race_mode_next(thread_number);
  collect_after = (r >> 8) % 32 == 0;
  switch (r % 8) {
    case 0:
    case 1:
      return PutRoute::drop;
    case 2:
    case 3:
      return PutRoute::spill;
    case 4:
      return PutRoute::overflow;
    default:
      return PutRoute::keep;
  }
}

// ---- the hooks the pool calls

// At put(), before the pool stores the object.
template <class T>
void guard_put(const void* pool, T* object) {
  const Bookkeeping books;
  check_not_inside_own_factory(pool, true);
  CachedObjects::instance().check_not_cached(pool, object);
  CachedObject record;
  record.pool = pool;
  record.bytes = pooled_bytes(object);
#if defined(HARNESS_POOL_ASAN) || defined(HARNESS_POOL_TSAN)
  record.frame_count = ::backtrace(record.put_frames, kPutFrames);
#endif
  try {
    CachedObjects::instance().add(record);
  } catch (const std::bad_alloc&) {
    return;  // put() never throws: the object is cached unrecorded (not poisoned, not checked)
  }
#ifdef HARNESS_POOL_ASAN
  static const bool explained = [] {
    __asan_set_error_report_callback(explain_poisoned_use);
    return true;
  }();
  (void)explained;
  __asan_poison_memory_region(record.bytes.object, record.bytes.object_bytes);
  if (record.bytes.storage) __asan_poison_memory_region(record.bytes.storage, record.bytes.storage_bytes);
#endif
#ifdef HARNESS_POOL_TSAN
  object_went_back_to_the_pool(record.bytes, record.put_frames, record.frame_count);
#endif
}

// When a cached object leaves the pool: handed out by get(), or destroyed.
inline void guard_take(void* object) {
  const Bookkeeping books;
  CachedObject record;
  if (!CachedObjects::instance().remove(object, record)) return;
#ifdef HARNESS_POOL_ASAN
  __asan_unpoison_memory_region(record.bytes.object, record.bytes.object_bytes);
  if (record.bytes.storage) __asan_unpoison_memory_region(record.bytes.storage, record.bytes.storage_bytes);
#endif
#ifdef HARNESS_POOL_TSAN
  __tsan_acquire(object);
#endif
}

}  // namespace harness::detail

#endif  // HARNESS_POOL_HOSTILE
