// The pool's hostile mode, compiled once per sanitizer flavour: the registry
// of cached objects, the reports, the ThreadSanitizer fiber and race mode.
// The contract is in harness/pool_guard.h.
#include "harness/pool_guard.h"

#if HARNESS_POOL_HOSTILE

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>

#include <execinfo.h>
#include <unistd.h>

extern "C" {
#ifdef HARNESS_ASAN
void __asan_poison_memory_region(void const volatile* addr, std::size_t size);
void __asan_unpoison_memory_region(void const volatile* addr, std::size_t size);
void* __asan_get_report_address();
void __asan_set_error_report_callback(void (*callback)(const char*));
#endif
#ifdef HARNESS_TSAN
void* __tsan_get_current_fiber(void);
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
void __tsan_set_fiber_name(void* fiber, const char* name);
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);
void __tsan_func_entry(void* call_pc);
// GCC knows __tsan_func_exit as a builtin taking a pointer, and in the GNU
// dialect (-std=gnu++20) rejects the runtime's own declaration; a name of
// ours bound to the symbol avoids the clash in every dialect.
void harness_tsan_func_exit(void) __asm__("__tsan_func_exit");
void __tsan_write_range_pc(void* addr, unsigned long size, void* pc);
#endif
#if defined(HARNESS_ASAN) || defined(HARNESS_TSAN)
void __sanitizer_print_stack_trace(void);
void __sanitizer_symbolize_pc(void* pc, const char* fmt, char* out_buf, std::size_t out_buf_size);
#endif
}

namespace harness::detail {

void report_pool_misuse(const char* kind, const char* explanation) {
  std::fflush(stdout);
  std::fprintf(stderr, "==%d==ERROR: harness::Pool: %s\n%s\n", static_cast<int>(::getpid()), kind, explanation);
#if defined(HARNESS_ASAN) || defined(HARNESS_TSAN)
  __sanitizer_print_stack_trace();
#else
  void* frames[kPutFrames];
  ::backtrace_symbols_fd(frames, ::backtrace(frames, kPutFrames), 2);
#endif
  std::fprintf(stderr, "SUMMARY: harness::Pool: %s\n", kind);
  std::fflush(stderr);
  std::_Exit(1);
}

namespace {

struct CachedObject {
  const void* pool = nullptr;
  PooledBytes bytes;
  void* put_frames[kPutFrames] = {};
  int frame_count = 0;
};

[[maybe_unused]] void print_frames(void* const* frames, int count) {
  int number = 0;
  for (int i = 0; i < count; ++i) {
#if defined(HARNESS_ASAN) || defined(HARNESS_TSAN)
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

#ifdef HARNESS_ASAN
// Added to AddressSanitizer's report when the bad address lies in an object
// that is in a pool: says so in the pool's words, with the put() that gave it
// back (a sanitizer knows only "use-after-poison").
void explain_poisoned_use(const char*) {
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

#ifdef HARNESS_TSAN
// The pool's own "thread" for ThreadSanitizer: one fiber per thread that
// puts, which nothing ever synchronises with except the next get() of the
// object it wrote.
struct PutFiber {
  void* fiber = nullptr;
  ~PutFiber() {
    if (fiber) __tsan_destroy_fiber(fiber);
  }
};
thread_local PutFiber t_put_fiber;

// Writes the object's bytes in the pool's name, with the put() caller's stack.
// Not instrumented itself: its own entry and exit would land on the fiber.
__attribute__((no_sanitize("thread"), noinline)) void object_went_back_to_the_pool(const PooledBytes& b,
                                                                                  void* const* frames, int count) {
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
  for (int i = count - 1; i >= 1; --i) harness_tsan_func_exit();
  __tsan_release(b.object);  // the next get() is ordered after the write
  __tsan_switch_to_fiber(holder, kNoSync);
}
#endif

// ---- factories that call back into their own pool

constexpr int kNestedFactories = 8;
constinit thread_local const void* t_running_factories[kNestedFactories] = {};
constinit thread_local int t_factory_depth = 0;

// ---- race mode

std::atomic<std::uint64_t>& race_mode_seed_cell() {
  static std::atomic<std::uint64_t> cell{[] {
    const char* text = std::getenv("POOL_KATAS_RACE_SEED");
    return text ? std::strtoull(text, nullptr, 10) : 0ull;
  }()};
  return cell;
}

constinit thread_local std::uint64_t t_race_state = 0;

// splitmix64: small, and the same sequence for the same seed and thread.
std::uint64_t race_mode_next(std::uint64_t thread_number) {
  if (t_race_state == 0) t_race_state = race_mode_seed() ^ ((thread_number + 1) * 0x9E3779B97F4A7C15ull);
  std::uint64_t z = (t_race_state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

}  // namespace

#ifdef HARNESS_TSAN
void end_put_fiber_of_this_thread() noexcept {
  if (t_put_fiber.fiber) __tsan_destroy_fiber(t_put_fiber.fiber);
  t_put_fiber.fiber = nullptr;
}
#else
void end_put_fiber_of_this_thread() noexcept {}
#endif

FactoryRunning::FactoryRunning(const void* pool) {
  if (t_factory_depth < kNestedFactories) t_running_factories[t_factory_depth] = pool;
  ++t_factory_depth;
}
FactoryRunning::~FactoryRunning() { --t_factory_depth; }

void check_not_inside_own_factory(const void* pool, bool is_put) {
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

std::atomic<int> race_mode_pauses{0};

std::uint64_t race_mode_seed() { return race_mode_seed_cell().load(std::memory_order_relaxed); }

void set_race_mode_seed(std::uint64_t seed) {
  race_mode_seed_cell().store(seed, std::memory_order_relaxed);
  t_race_state = 0;
}

PutRoute race_mode_route(std::uint64_t thread_number, bool& collect_after) {
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

void guard_put_check(const void* pool, const void* object) {
  check_not_inside_own_factory(pool, true);
  CachedObjects::instance().check_not_cached(pool, object);
}

void guard_put_record(const void* pool, const PooledBytes& bytes, void* const* frames, int frame_count) {
  CachedObject record;
  record.pool = pool;
  record.bytes = bytes;
  record.frame_count = frame_count < kPutFrames ? frame_count : kPutFrames;
  std::memcpy(record.put_frames, frames, sizeof(void*) * static_cast<std::size_t>(record.frame_count));
  try {
    CachedObjects::instance().add(record);
  } catch (const std::bad_alloc&) {
    return;  // put() never throws: the object is cached unrecorded (not poisoned, not checked)
  }
#ifdef HARNESS_ASAN
  static const bool explained = [] {
    __asan_set_error_report_callback(explain_poisoned_use);
    return true;
  }();
  (void)explained;
  __asan_poison_memory_region(record.bytes.object, record.bytes.object_bytes);
  if (record.bytes.storage) __asan_poison_memory_region(record.bytes.storage, record.bytes.storage_bytes);
#endif
#ifdef HARNESS_TSAN
  object_went_back_to_the_pool(record.bytes, record.put_frames, record.frame_count);
#endif
}

void guard_take(void* object) {
  const Bookkeeping books;
  CachedObject record;
  if (!CachedObjects::instance().remove(object, record)) return;
#ifdef HARNESS_ASAN
  __asan_unpoison_memory_region(record.bytes.object, record.bytes.object_bytes);
  if (record.bytes.storage) __asan_unpoison_memory_region(record.bytes.storage, record.bytes.storage_bytes);
#endif
#ifdef HARNESS_TSAN
  __tsan_acquire(object);
#endif
}

}  // namespace harness::detail

#endif  // HARNESS_POOL_HOSTILE
