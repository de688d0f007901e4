// Kata 26: a session ends after its last request, and nothing touches it once
// it is gone.
#include <cstddef>
#include <string>

#include <gtest/gtest.h>

#include "harness/heap_probe.h"
#include "sessions.h"

namespace {

// What apply() shows of a session, or -1 for a session the pool no longer has.
int requests_of(int id) {
  int requests = -1;
  sessions.apply(id, [&](Session& session) { requests = session.requests; });
  return requests;
}

int visits_of(int id) {
  int visits = -1;
  sessions.apply(id, [&](Session& session) { visits = session.applied; });
  return visits;
}

}  // namespace

TEST(DestroyedInsideApply, CountsEachRequest) {
  sessions.add(1, "ann");
  serve(1, 5);
  serve(1, 5);
  EXPECT_EQ(requests_of(1), 2);
  sessions.remove(1);
}

TEST(DestroyedInsideApply, ApplyCountsEveryVisit) {
  sessions.add(2, "ben");
  for (int i = 0; i < 3; ++i) serve(2, 10);
  EXPECT_EQ(visits_of(2), 3) << "apply() ran on the session for three requests";
  sessions.remove(2);
}

TEST(DestroyedInsideApply, ASessionEndsWithItsLastRequest) {
  sessions.add(3, "cleo");
  const std::size_t before = sessions.size();
  for (int i = 0; i < 3; ++i) serve(3, 3);  // for: this kata's bug
  EXPECT_EQ(sessions.size(), before - 1) << "after the last of its 3 requests, the session is still in the pool";
  EXPECT_EQ(requests_of(3), -1) << "a session that served its last request can still be found";
}

TEST(DestroyedInsideApply, OtherSessionsGoOnAfterOneEnds) {
  sessions.add(4, "dan");
  sessions.add(5, "eve");
  serve(4, 1);  // for: this kata's bug
  serve(5, 9);
  serve(5, 9);
  EXPECT_EQ(requests_of(4), -1);
  EXPECT_EQ(requests_of(5), 2);
  sessions.remove(5);
}

TEST(DestroyedInsideApply, EndedSessionsAreFreed) {
  const std::size_t before = harness::live_heap_bytes();
  for (int id = 100; id < 200; ++id) {
    sessions.add(id, std::string(1000, 'u'));
    serve(id, 1);  // for: this kata's bug
  }
  const long long left = static_cast<long long>(harness::live_heap_bytes()) - static_cast<long long>(before);
  EXPECT_LT(left, 16 * 1024) << "100 sessions that each served their last request left " << left / 1024
                             << " KiB on the heap: a session that ends must be destroyed";
}
