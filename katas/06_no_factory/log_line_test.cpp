// Kata 06: log_line() must work on every call, including the first one and
// the first one after the pool has thrown its cached buffers away.
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "harness/testing.h"
#include "log_line.h"

TEST(NoFactory, FormatsALogLine) {
  EXPECT_EQ(log_line("warn", "disk almost full"), "[warn] disk almost full")
      << "the very first log line must work, when the pool has nothing cached yet";
}

TEST(NoFactory, KeepsWorkingAfterThePoolDropsItsBuffers) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  log_line("info", "warm-up");
  // Like a garbage-collection cycle in Go: two collections empty the pool.
  harness::testing::drain(line_buffers);
  EXPECT_EQ(line_buffers.stats().cached, 0u);
  EXPECT_EQ(log_line("error", "cache lost"), "[error] cache lost")
      << "log_line() must cope with an empty pool: the pool may drop its cache at any moment";
}

TEST(NoFactory, WorksOnANewThread) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(line_buffers);
  std::string line;
  std::thread worker([&] { line = log_line("debug", "from a worker"); });
  worker.join();
  EXPECT_EQ(line, "[debug] from a worker") << "a thread that finds the pool empty must still get a buffer";
}

// The pool may drop any buffer that is put back, at any moment: race mode
// (the second run of every test binary that passes) drops one put in four.
// log_line() must work on every call whatever the pool dropped, not only
// when the pool hands back the buffer it was just given.
TEST(NoFactory, WorksOnEveryCallWhateverThePoolDrops) {
  for (int call = 1; call <= 200; ++call) {
    ASSERT_EQ(log_line("info", "tick"), "[info] tick") << "call " << call << " of 200";
  }
}

TEST(NoFactory, LogLinesReuseOnePooledBuffer) {
  const harness::testing::ExactPool exact("counts reuse: a put() that race mode drops would count as a miss");
  log_line("info", "warm-up");  // from here on the pool holds a buffer
  const harness::testing::PoolActivity activity(line_buffers);
  for (const char* message : {"one", "two", "three", "four"}) {
    EXPECT_EQ(log_line("info", message), std::string("[info] ") + message);
  }
  EXPECT_EQ(activity.gets(), 4u) << "log_line() must assemble the line in a buffer taken from line_buffers";
  EXPECT_EQ(activity.hits(), 4u)
      << "each call should reuse the buffer the previous call put back, instead of making a new one";
}

// The pool is there so that lines are assembled in a reused buffer, which
// keeps the room it grew to for the next call.
TEST(NoFactory, TheLineIsAssembledInThePooledBuffer) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  const std::string message(100, 'z');
  EXPECT_EQ(log_line("info", message), "[info] " + message);
  std::unique_ptr<std::string> pooled = line_buffers.try_get();  // the buffer log_line() just put back, never the factory's
  ASSERT_NE(pooled, nullptr) << "log_line() did not put a buffer back into line_buffers";
  EXPECT_GE(pooled->capacity(), message.size())
      << "the pooled buffer came back without the room the line needed: log_line() assembled it somewhere else, or moved the buffer's storage out, so every call allocates again";
  line_buffers.put(std::move(pooled));
}

// Reuse means the same memory: a line that fits in the buffer's room is
// written into it, not into new storage that replaces it.
TEST(NoFactory, EachLineIsWrittenIntoTheSameStorage) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  log_line("info", std::string(100, 'z'));  // the pooled buffer now has room for 100 characters
  std::unique_ptr<std::string> pooled = line_buffers.get();
  ASSERT_NE(pooled, nullptr) << "log_line() did not put a buffer back into line_buffers";
  const char* storage = pooled->data();
  line_buffers.put(std::move(pooled));

  const std::string message = "a message longer than a short string, shorter than the room";
  EXPECT_EQ(log_line("info", message), "[info] " + message);
  pooled = line_buffers.get();
  ASSERT_NE(pooled, nullptr) << "log_line() did not put a buffer back into line_buffers";
  EXPECT_EQ(static_cast<const void*>(pooled->data()), static_cast<const void*>(storage))
      << "log_line() replaced the pooled buffer's storage with new memory: a fresh string was moved in, "
         "so nothing is reused and every call allocates again";
  line_buffers.put(std::move(pooled));
}

// Each call's line is the caller's own: kept while the same thread logs a
// hundred more, it still says what it said.
TEST(NoFactory, EachLineStaysTheCallersOwnWhileMoreAreLogged) {
  constexpr int kLines = 100;
  const auto message = [](int i) { return "request " + std::to_string(i); };
  const int changed = harness::testing::first_result_changed_by_later_calls(
      kLines, [&](int i) -> decltype(auto) { return log_line("info", message(i)); },
      [&](int i) { return "[info] " + message(i); });
  EXPECT_EQ(changed, -1) << "the line log_line() returned for call " << changed << " changed while the same thread "
                         << "logged more lines: it points into storage a later call reuses, not a string the caller "
                            "owns";
}
