// Every interleaving of small push/pop/steal scenarios on the pool's
// lock-free ring (harness/pool_ring.h), run one shared-memory step at a time
// in the order an explorer chooses: a model check of the ring's logic under
// sequential consistency (ThreadSanitizer checks the memory orderings, on
// the stress tests of pool_ring_test.cpp). Built without sanitizers and
// optimised (the "none" flavour): one logical thread runs at a time, so a
// sanitizer would see nothing the schedule does not already order, and the
// tens of thousands of schedules would take minutes instead of seconds.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <semaphore>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "harness/pool_ring.h"

namespace {

using harness::detail::SpmcRing;

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

// collect() drains each ring by the count it read (its quota), while the
// owner may still push (a put() while collect() holds its slot claimed) and
// a thief pops: every element in the ring when collect() began leaves it,
// to collect() or to the thief, however the three interleave; what the
// owner pushed meanwhile may stay. Whether a thread born during collect()
// can carry elements out of its reach is a matter of thread numbers, claims
// and the barrier in PoolCore, which this model of the ring alone cannot
// express: harness/tests/pool_collect_window_test.cpp holds collect() in
// that window instead.
TEST(PoolRingInterleavings, CollectsQuotaReachesEveryOldElementWhileTheOwnerPushes) {
  SteppedRing<4> ring;
  std::vector<int*> drained;
  std::vector<int*> stolen;
  const std::vector<int*> old_elements = {v(0), v(1)};
  auto reset = [&] {
    while (ring.pop_tail()) {
    }
    drained.clear();
    stolen.clear();
    for (int* p : old_elements) ASSERT_TRUE(ring.push_head(p));
  };
  std::vector<std::function<void()>> bodies;
  bodies.push_back([&] {  // the owner, claimed: its put()s go to its ring
    ASSERT_TRUE(ring.push_head(v(2)));
    ASSERT_TRUE(ring.push_head(v(3)));
  });
  bodies.push_back([&] {  // collect(): the quota, then that many from the oldest end
    for (std::size_t quota = ring.size(); quota > 0; --quota) {
      int* p = ring.pop_tail();
      if (!p) break;
      drained.push_back(p);
    }
  });
  bodies.push_back([&] {  // a thief
    if (int* p = ring.pop_tail()) stolen.push_back(p);
  });
  long run = 0;
  auto check = [&] {
    std::vector<int*> left;
    while (int* p = ring.pop_tail()) left.push_back(p);
    for (int* p : old_elements) {
      EXPECT_EQ(std::count(left.begin(), left.end(), p), 0)
          << "schedule " << run << ": an element cached before collect() was still in the ring after its drain";
    }
    std::vector<int*> all = drained;
    all.insert(all.end(), stolen.begin(), stolen.end());
    all.insert(all.end(), left.begin(), left.end());
    std::sort(all.begin(), all.end());
    EXPECT_EQ(all, (std::vector<int*>{v(0), v(1), v(2), v(3)})) << "schedule " << run << ": lost or duplicated";
    ++run;
  };
  Explorer explorer(3);
  const long runs = explorer.explore(reset, bodies, check);
  EXPECT_GE(runs, 2);
  std::printf("[          ] collect's quota | owner push x2 | thief pop_tail: %ld schedules\n", runs);
}

}  // namespace
