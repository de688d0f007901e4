// The pool's lock-free per-thread ring (harness/pool_ring.h) on its own and
// inside the pool: order and room, the fall-back to the locked overflow, a
// stress with owners, thieves and collect() at once, and every interleaving
// of small push/pop/steal scenarios run one atomic step at a time.
// Run under AddressSanitizer and ThreadSanitizer like the other pool tests.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/pool.h"
#include "harness/pool_ring.h"
#include "harness/testing.h"
#include "tracked.h"

namespace {

using harness::Pool;
using harness::detail::SpmcRing;

// ---- the ring alone, on one thread

TEST(PoolRingTest, OwnerPopsNewestFirstThievesOldestFirst) {
  int v[4] = {};
  SpmcRing<int, 4> ring;
  EXPECT_EQ(ring.pop_head(), nullptr);
  EXPECT_EQ(ring.pop_tail(), nullptr);
  for (int& x : v) EXPECT_TRUE(ring.push_head(&x));
  EXPECT_EQ(ring.size(), 4u);
  EXPECT_FALSE(ring.push_head(&v[0])) << "a full ring must refuse";
  EXPECT_EQ(ring.pop_head(), &v[3]);
  EXPECT_EQ(ring.pop_tail(), &v[0]);
  EXPECT_EQ(ring.pop_tail(), &v[1]);
  EXPECT_EQ(ring.pop_head(), &v[2]);
  EXPECT_EQ(ring.size(), 0u);
  EXPECT_EQ(ring.pop_head(), nullptr);
  EXPECT_EQ(ring.pop_tail(), nullptr);
}

TEST(PoolRingTest, WrapsAroundManyTimesWithoutLosingAnything) {
  int v[3] = {};
  SpmcRing<int, 2> ring;
  for (int round = 0; round < 1000; ++round) {
    ASSERT_TRUE(ring.push_head(&v[0]));
    ASSERT_TRUE(ring.push_head(&v[1]));
    ASSERT_FALSE(ring.push_head(&v[2]));
    ASSERT_EQ(ring.pop_tail(), &v[0]);
    ASSERT_TRUE(ring.push_head(&v[2]));
    ASSERT_EQ(ring.pop_head(), &v[2]);
    ASSERT_EQ(ring.pop_tail(), &v[1]);
    ASSERT_EQ(ring.size(), 0u);
  }
}

// ---- the ring inside the pool

class PoolRingInPoolTest : public testing::Test {
 protected:
  void SetUp() override { live_before_ = Tracked::live.load(); }
  void TearDown() override { EXPECT_EQ(Tracked::live.load(), live_before_) << "objects leaked or destroyed twice"; }
  int live_before_ = 0;
};

constexpr std::size_t kRing = Pool<Tracked>::kRingCapacity;

// A put() right after a get() fills the slot; a put() after a put() moves
// the slot's object and the new one to the ring; once the ring is full the
// object goes to the locked overflow. A thief takes the oldest half of a
// ring at once: one for its caller, the rest into its own ring.
TEST_F(PoolRingInPoolTest, AFullRingFallsBackToTheSharedOverflow) {
  const harness::testing::ExactPool exact("where each object waits is checked exactly");
  Pool<Tracked> pool;  // no factory: a miss is a nullptr
  std::vector<Tracked*> put_order;
  for (std::size_t i = 0; i < kRing + 2; ++i) {
    auto object = Tracked::make();
    put_order.push_back(object.get());
    pool.put(std::move(object));
  }
  EXPECT_EQ(pool.stats().cached, kRing + 2) << "ring and overflow both count as cached";
  EXPECT_EQ(pool.stats().puts, kRing + 2);

  // Another thread steals from the ring's oldest end: the first object put
  // for its caller, the next kRing / 2 - 1 into its own ring, which it
  // leaves to the pool when it exits.
  Tracked* stolen = nullptr;
  std::thread([&] { stolen = pool.try_get().release(); }).join();
  EXPECT_EQ(stolen, put_order[0]);
  std::unique_ptr<Tracked> keep_stolen(stolen);
  EXPECT_EQ(pool.stats().cached, kRing + 1);

  // The owner: what is left of its ring, newest first (its slot is empty:
  // the second put() moved the first object to the ring).
  for (std::size_t i = kRing - 1; i >= kRing / 2; --i) {
    std::unique_ptr<Tracked> object = pool.get();
    ASSERT_EQ(object.get(), put_order[i]) << "ring position " << i;
  }
  // Then the exited thief's ring and the overflow, in an order not promised.
  std::vector<Tracked*> rest;
  while (std::unique_ptr<Tracked> object = pool.get()) rest.push_back(object.get());
  std::vector<Tracked*> expected(put_order.begin() + 1, put_order.begin() + kRing / 2);
  expected.push_back(put_order[kRing]);
  expected.push_back(put_order[kRing + 1]);
  std::sort(rest.begin(), rest.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(rest, expected);

  const harness::PoolStats s = pool.stats();
  EXPECT_EQ(s.gets, kRing + 3);
  EXPECT_EQ(s.hits, kRing + 2);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.cached, 0u);
}

// The idiom get(), use, put() stays on the slot; a thread that only gives
// leaves its slot empty, so that takers find everything in its ring.
TEST_F(PoolRingInPoolTest, AGetPutThreadUsesItsSlotAGiverItsRing) {
  const harness::testing::ExactPool exact("where each object waits is checked exactly");
  Pool<Tracked> pool{Tracked::make};
  Tracked* first = nullptr;
  for (int i = 0; i < 10; ++i) {
    auto object = pool.get();
    if (i == 0) first = object.get();
    EXPECT_EQ(object.get(), first) << "get() after put() must find the object in the slot";
    pool.put(std::move(object));
  }
  EXPECT_EQ(pool.stats().factory_calls, 1u);

  Pool<Tracked> given;
  std::latch gave(1), took(1);
  std::thread giver([&] {
    for (int i = 0; i < 3; ++i) given.put(Tracked::make());
    gave.count_down();
    took.wait();  // alive while the taker takes
  });
  gave.wait();
  std::vector<std::unique_ptr<Tracked>> taken;
  for (int i = 0; i < 3; ++i) taken.push_back(given.try_get());
  took.count_down();
  giver.join();
  for (const auto& object : taken) EXPECT_NE(object, nullptr);
  // Served from the giver's ring (lock-free): nothing was left in its slot.
  EXPECT_EQ(given.stats().hits, 3u);
}

TEST_F(PoolRingInPoolTest, TwoCollectsEmptyEveryRing) {
  const harness::testing::ExactPool exact("counts of cached objects are exact");
  const int before = Tracked::live.load();
  Pool<Tracked> pool{Tracked::make};
  std::latch filled(2);
  std::latch collected(1);
  std::vector<std::thread> owners;
  for (int t = 0; t < 2; ++t) {
    owners.emplace_back([&] {
      for (int i = 0; i < 10; ++i) pool.put(Tracked::make());  // slot + 9 in the ring
      filled.count_down();
      collected.wait();  // still running while collect() reaches into its ring
    });
  }
  filled.wait();
  EXPECT_EQ(pool.stats().cached, 20u);
  pool.collect();
  EXPECT_EQ(pool.stats().cached, 20u) << "one collect() moves everything to the victim tier";
  EXPECT_EQ(Tracked::live.load(), before + 20);
  pool.collect();
  EXPECT_EQ(pool.stats().cached, 0u);
  EXPECT_EQ(Tracked::live.load(), before) << "two collect() calls must destroy what the rings held";
  collected.count_down();
  for (auto& t : owners) t.join();
}

// The object in the slot when collect() begins may be moved to the ring by a
// put() running at that moment; it must not slip past collect() there.
struct Marked {
  explicit Marked(std::atomic<bool>* gone) : gone(gone) {}
  ~Marked() { gone->store(true); }
  std::atomic<bool>* gone;
};

TEST_F(PoolRingInPoolTest, AnObjectMovedFromSlotToRingDuringCollectIsStillCollected) {
  const harness::testing::ExactPool exact("every put must be kept for this check");
  for (int round = 0; round < 50; ++round) {
    Pool<Marked> pool;
    std::atomic<bool> first_gone{false}, others_gone{false};
    std::atomic<bool> stop{false};
    std::latch first_put(1);
    std::thread owner([&] {
      pool.put(std::make_unique<Marked>(&first_gone));
      first_put.count_down();
      for (int i = 0; i < 50 && !stop.load(); ++i) pool.put(std::make_unique<Marked>(&others_gone));
    });
    first_put.wait();
    pool.collect();
    pool.collect();
    ASSERT_TRUE(first_gone.load()) << "round " << round << ": cached before the first collect(), alive after two";
    stop.store(true);
    owner.join();
  }
}

// Owners put and get, thieves take (try_get: only what is cached), keep for a
// moment and give back or destroy, one thread collects all the while. Every
// object is created once, destroyed once, and held by one holder at a time.
TEST_F(PoolRingInPoolTest, OwnersThievesAndCollectNeverShareOrLoseAnObject) {
  const int created_before = Tracked::created.load();
  std::atomic<int> double_holds{0};
  std::atomic<long> stolen{0};
  std::uint64_t factory_calls = 0;
  {
    Pool<Tracked> pool{Tracked::make};
    constexpr int kOwners = 2, kThieves = 2, kRounds = 15000;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(1000);
    std::atomic<int> owners_left{kOwners};
    auto hold = [&](Tracked& object, int value) {
      if (object.held.exchange(true)) double_holds.fetch_add(1);
      object.value = value;  // a plain write: ThreadSanitizer sees two holders at once
      object.held.store(false);
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < kOwners; ++t) {
      threads.emplace_back([&, t] {
        std::vector<std::unique_ptr<Tracked>> held;
        for (int i = 0; i < kRounds && std::chrono::steady_clock::now() < deadline; ++i) {
          // Up to five at a time, so that puts spill from the slot into the ring.
          for (int k = 0; k <= i % 5; ++k) {
            held.push_back(pool.get());
            hold(*held.back(), t);
          }
          for (auto& h : held) pool.put(std::move(h));
          held.clear();
        }
        owners_left.fetch_sub(1);
      });
    }
    for (int t = 0; t < kThieves; ++t) {
      threads.emplace_back([&, t] {
        int i = 0;
        while (owners_left.load() > 0) {
          std::unique_ptr<Tracked> object = pool.try_get();
          if (!object) {
            std::this_thread::yield();
            continue;
          }
          stolen.fetch_add(1);
          hold(*object, 100 + t);
          if (++i % 4 == 0) continue;  // destroyed here: a holder may keep or drop what it got
          pool.put(std::move(object));
        }
      });
    }
    threads.emplace_back([&] {
      while (owners_left.load() > 0) {
        pool.collect();
        std::this_thread::yield();
      }
    });
    for (auto& t : threads) t.join();
    const harness::PoolStats s = pool.stats();
    factory_calls = s.factory_calls;
    EXPECT_EQ(s.gets, s.hits + s.misses);
  }
  EXPECT_EQ(double_holds.load(), 0) << "an object was handed to two holders at once";
  EXPECT_EQ(static_cast<std::uint64_t>(Tracked::created.load() - created_before), factory_calls)
      << "every object comes from the factory";
  EXPECT_GT(stolen.load(), 0) << "the thieves never took anything: the stress tested nothing";
  // TearDown: every object made was destroyed exactly once (live is back).
}

// ---- every interleaving of small scenarios
//
// Each logical thread is a real thread, but only one runs at a time: the
// ring's Step hook hands control to the explorer before every access to
// shared state, and the explorer decides who runs next. A run replays a
// prefix of choices and then takes the first choice at every new decision
// point; the next run changes the last decision that has an untried option
// (depth-first), until every schedule has run. Deterministic by structure:
// no sleeps, no timing.

class Explorer {
 public:
  // preemption_bound: how often a thread that could go on may be switched
  // away from (-1: no bound, every interleaving).
  explicit Explorer(int preemption_bound = -1) : bound_(preemption_bound) {}

  // Runs bodies[i] on logical thread i, once per schedule, with reset()
  // before and check() after each run. Returns the number of schedules run.
  // The same threads serve every run; a binary semaphore per thread passes
  // the one token that lets a thread run.
  long explore(const std::function<void()>& reset, const std::vector<std::function<void()>>& bodies,
               const std::function<void()>& check) {
    const std::size_t n = bodies.size();
    std::vector<std::unique_ptr<std::binary_semaphore>> wake;
    for (std::size_t i = 0; i < n; ++i) wake.push_back(std::make_unique<std::binary_semaphore>(0));
    wake_ = &wake;
    quit_ = false;
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < n; ++i) {
      threads.emplace_back([this, i, &bodies] {
        t_current = this;
        t_me = static_cast<int>(i);
        for (;;) {
          (*wake_)[i]->acquire();  // the start of a run, or the end of all
          if (quit_) return;
          bodies[i]();
          finished_[i] = true;
          hand_on(pick(-1));
        }
      });
    }
    long runs = 0;
    std::vector<int> prefix;
    for (;;) {
      reset();
      prefix_ = prefix;
      trace_.clear();
      finished_.assign(n, false);
      preemptions_ = 0;
      hand_on(pick(-1));
      done_.acquire();
      check();
      ++runs;
      if (::testing::Test::HasFailure()) break;
      // Backtrack: the last decision with an option left.
      while (!trace_.empty() && trace_.back().choice + 1 >= trace_.back().options) trace_.pop_back();
      if (trace_.empty()) break;
      prefix.clear();
      for (const Decision& d : trace_) prefix.push_back(d.choice);
      ++prefix.back();
    }
    quit_ = true;
    for (auto& w : wake) w->release();
    for (auto& t : threads) t.join();
    return runs;
  }

  static void step() {
    if (t_current) t_current->yield(t_me);
  }

 private:
  struct Decision {
    int choice;
    int options;
  };

  void hand_on(int next) {
    if (next == kDone) {
      done_.release();
    } else {
      (*wake_)[static_cast<std::size_t>(next)]->release();
    }
  }

  // Called by the one running thread, before it touches shared state.
  void yield(int me) {
    const int next = pick(me);
    if (next == me) return;
    hand_on(next);
    (*wake_)[static_cast<std::size_t>(me)]->acquire();
  }

  // By the token holder: the next thread to run. `me` (when not -1) is the
  // thread at a step; continuing it is option 0 and costs no preemption.
  int pick(int me) {
    int options[8];
    int count = 0;
    if (me >= 0) options[count++] = me;
    const bool may_preempt = me < 0 || bound_ < 0 || preemptions_ < bound_;
    if (may_preempt) {
      for (int i = 0; i < static_cast<int>(finished_.size()); ++i) {
        if (i != me && !finished_[static_cast<std::size_t>(i)]) options[count++] = i;
      }
    }
    if (count == 0) return kDone;
    int choice = 0;
    if (count > 1) {
      const std::size_t depth = trace_.size();
      choice = depth < prefix_.size() ? prefix_[depth] : 0;
      trace_.push_back({choice, count});
    }
    if (me >= 0 && choice != 0) ++preemptions_;
    return options[choice];
  }

  static constexpr int kDone = -2;
  static inline thread_local Explorer* t_current = nullptr;
  static inline thread_local int t_me = -1;

  const int bound_;
  std::vector<std::unique_ptr<std::binary_semaphore>>* wake_ = nullptr;
  std::binary_semaphore done_{0};
  bool quit_ = false;  // written before the releases that wake the threads
  int preemptions_ = 0;
  std::vector<bool> finished_;
  std::vector<int> prefix_;
  std::vector<Decision> trace_;
};

struct ExplorerStep {
  void operator()() const { Explorer::step(); }
};

template <std::size_t Capacity>
using SteppedRing = SpmcRing<int, Capacity, ExplorerStep>;

// What a scenario saw: each logical thread's results, and what was pushed.
struct Outcome {
  std::vector<std::vector<int*>> popped;  // per logical thread, non-null results
  std::vector<int*> pushed;               // pushes that succeeded (plus the prefill)
};

// Conservation: everything pushed is popped exactly once, by a thread or by
// the drain after the run; nothing appears that was not pushed.
template <class Ring>
void check_conservation(Ring& ring, const Outcome& o, long run) {
  std::vector<int*> out;
  for (const auto& per_thread : o.popped) out.insert(out.end(), per_thread.begin(), per_thread.end());
  while (int* p = ring.pop_tail()) out.push_back(p);
  std::vector<int*> in = o.pushed;
  std::sort(in.begin(), in.end());
  std::sort(out.begin(), out.end());
  EXPECT_EQ(in, out) << "schedule " << run << ": an element was lost, duplicated or invented";
}

int g_values[8];

struct Options {
  int preemption_bound = -1;   // -1: every interleaving
  std::size_t thief_batch = 0;  // > 0: thieves call pop_tail_half(out, thief_batch) instead of pop_tail()
  bool owner_asks_room = false;  // the owner pushes only as many as room() allows, and each must succeed
};

template <std::size_t Capacity>
void explore_scenario(const char* name, std::vector<int*> prefill, int owner_pops, std::vector<int*> owner_pushes,
                      std::vector<int> thief_pops, Options options = {}) {
  SCOPED_TRACE(name);
  SteppedRing<Capacity> ring;  // reset by draining: the counters keep moving, the cells start empty
  Outcome o;
  long run = 0;
  auto reset = [&] {
    while (ring.pop_tail()) {
    }
    o = Outcome{};
    o.popped.resize(1 + thief_pops.size());
    for (int* p : prefill) {
      ASSERT_TRUE(ring.push_head(p));
      o.pushed.push_back(p);
    }
  };
  std::vector<std::function<void()>> bodies;
  bool room_broken = false;
  bodies.push_back([&] {  // the owner: its pushes, then its pops
    if (options.owner_asks_room) {
      const std::size_t room = ring.room(owner_pushes.size());
      for (std::size_t i = 0; i < room; ++i) {
        if (ring.push_head(owner_pushes[i])) {
          o.pushed.push_back(owner_pushes[i]);
        } else {
          room_broken = true;
        }
      }
    } else {
      for (int* p : owner_pushes) {
        if (ring.push_head(p)) o.pushed.push_back(p);  // a refused one stays the owner's
      }
    }
    for (int i = 0; i < owner_pops; ++i) {
      if (int* p = ring.pop_head()) o.popped[0].push_back(p);
    }
  });
  for (std::size_t t = 0; t < thief_pops.size(); ++t) {
    bodies.push_back([&, t] {
      for (int i = 0; i < thief_pops[t]; ++i) {
        if (options.thief_batch > 0) {
          int* taken[Capacity];
          const std::size_t n = ring.pop_tail_half(taken, options.thief_batch);
          EXPECT_LE(n, options.thief_batch);
          o.popped[t + 1].insert(o.popped[t + 1].end(), taken, taken + n);
        } else if (int* p = ring.pop_tail()) {
          o.popped[t + 1].push_back(p);
        }
      }
    });
  }
  auto check = [&] {
    check_conservation(ring, o, run);
    EXPECT_FALSE(room_broken) << "schedule " << run << ": a push that room() promised failed";
    room_broken = false;
    // Thieves take the oldest: each thief's results are in push order.
    for (std::size_t t = 1; t < o.popped.size(); ++t) {
      EXPECT_TRUE(std::is_sorted(o.popped[t].begin(), o.popped[t].end())) << "schedule " << run;
    }
    ++run;
  };
  Explorer explorer(options.preemption_bound);
  const long runs = explorer.explore(reset, bodies, check);
  EXPECT_GE(runs, 2);
  std::printf("[          ] %s: %ld schedules\n", name, runs);
}

// g_values is in address order, so "sorted" is push order for these scenarios.
int* v(int i) { return &g_values[i]; }

TEST(PoolRingInterleavings, OwnerAndThiefRaceForTheLastElement) {
  explore_scenario<4>("owner pop_head | thief pop_tail, one element", {v(0)}, 1, {}, {1});
}

TEST(PoolRingInterleavings, OwnerPopsTwiceWhileAThiefPops) {
  explore_scenario<4>("owner pop_head x2 | thief pop_tail, two elements", {v(0), v(1)}, 2, {}, {1});
}

TEST(PoolRingInterleavings, ThiefPopsTwiceWhileTheOwnerPops) {
  explore_scenario<4>("owner pop_head | thief pop_tail x2, two elements", {v(0), v(1)}, 1, {}, {2});
}

TEST(PoolRingInterleavings, OwnerPushesIntoAFullRingWhileAThiefEmptiesACell) {
  // Capacity 2, full: a push may only succeed once the thief has emptied the cell.
  explore_scenario<2>("owner push x2 | thief pop_tail, full ring", {v(0), v(1)}, 0, {v(2), v(3)}, {1});
}

TEST(PoolRingInterleavings, ThiefSeesPushesInOrder) {
  // Every schedule with at most three preemptions (5487 without the bound).
  explore_scenario<2>("owner push x2 then pop_head | thief pop_tail, empty ring", {}, 1, {v(0), v(1)}, {1},
                      {.preemption_bound = 3});
}

TEST(PoolRingInterleavings, TwoThievesAndTheOwnerRaceForTwoElements) {
  // Three threads: every schedule with at most three preemptions.
  explore_scenario<2>("owner pop_head | thief pop_tail | thief pop_tail, two elements", {v(0), v(1)}, 1, {}, {1, 1},
                      {.preemption_bound = 3});
}

TEST(PoolRingInterleavings, TwoThievesWhileTheOwnerPushesIntoAFullRing) {
  explore_scenario<2>("owner push | thief pop_tail | thief pop_tail, full ring", {v(0), v(1)}, 0, {v(2)}, {1, 1},
                      {.preemption_bound = 3});
}

TEST(PoolRingInterleavings, ABatchStealAndTheOwnerRaceForThreeElements) {
  explore_scenario<4>("owner pop_head x2 | thief pop_tail_half(2), three elements", {v(0), v(1), v(2)}, 2, {}, {1},
                      {.preemption_bound = 4, .thief_batch = 2});
}

TEST(PoolRingInterleavings, ABatchStealFromAFullRingWhileTheOwnerPushes) {
  explore_scenario<2>("owner push x2 | thief pop_tail_half(2), full ring", {v(0), v(1)}, 0, {v(2), v(3)}, {1},
                      {.thief_batch = 2});
}

TEST(PoolRingInterleavings, RoomIsAPromiseWhileThievesEmptyCells) {
  explore_scenario<4>("owner room() then push | thief pop_tail_half(4), full ring", {v(0), v(1), v(2), v(3)}, 0,
                      {v(4), v(5), v(6)}, {1}, {.thief_batch = 4, .owner_asks_room = true});
}

}  // namespace
