// Kata 15: a report must hold its own heading and its own body, with each
// half formatted on its own thread in a buffer taken from the pool.
#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/testing.h"
#include "report.h"

TEST(BufferSharedAcrossThreads, ReportHasHeadingThenBody) {
  EXPECT_EQ(build_report("Q3", "sales are up"), "== Q3 ==\nsales are up")
      << "the heading and the body got mixed up: both were written into one buffer at the same time";
}

TEST(BufferSharedAcrossThreads, ManyReportsInARow) {
  for (const char* title : {"north", "south", "east", "west"}) {
    const std::string text = std::string("figures for the ") + title;
    EXPECT_EQ(build_report(title, text), "== " + std::string(title) + " ==\n" + text)
        << "the heading and the body got mixed up: both were written into one buffer at the same time";
  }
}

// Each half of a report is formatted in a pooled buffer of its own, so that
// the two halves can be formatted at the same time: two gets per report. (One
// buffer that the threads take turns with makes them wait for each other.)
// After the warm-up the pool holds buffers, so the gets are served from it;
// every buffer a report takes goes back, or the next report makes it again.
TEST(BufferSharedAcrossThreads, ReportsAreFormattedInPooledBuffers) {
  const harness::testing::ExactPool exact("counts reuse: a put() that race mode drops would count as a miss");
  build_report("warm-up", "warm-up");
  const harness::testing::PoolActivity pool(text_buffers);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(build_report("t", "b"), "== t ==\nb");
  EXPECT_GE(pool.gets(), 10u) << "each half of a report should be formatted in a buffer of its own from text_buffers "
                                 "(two per report), so that neither half waits for the other";
  EXPECT_GE(pool.hits(), 5u) << "reports should reuse the pooled buffers instead of making new ones";
  EXPECT_EQ(pool.puts(), pool.gets()) << "5 reports took " << pool.gets() << " buffers from the pool and gave back "
                                      << pool.puts() << ": a buffer one of the threads took was not put back, so "
                                         "the next report has to make it again";
}

// The pool is there so that the text is formatted in a reused buffer, which
// keeps the room it grew to for the next report: after one report with a long
// body, a buffer with that room is back in the pool.
TEST(BufferSharedAcrossThreads, TheTextIsFormattedInAPooledBuffer) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(text_buffers);  // start from an empty pool, whatever earlier tests left in it
  const std::string text(100, 'b');
  EXPECT_EQ(build_report("t", text), "== t ==\n" + text);
  std::vector<std::unique_ptr<std::string>> pooled;  // every buffer the report put back
  for (std::size_t n = text_buffers.stats().cached; n > 0; --n) pooled.push_back(text_buffers.get());
  std::size_t room = 0;
  for (const std::unique_ptr<std::string>& buffer : pooled) room = std::max(room, buffer->capacity());
  EXPECT_GE(room, text.size())
      << "no buffer came back to the pool with the room the report's body needed: build_report() formatted it "
         "somewhere else, or threw the buffer's storage away, so every report allocates again";
  for (std::unique_ptr<std::string>& buffer : pooled) text_buffers.put(std::move(buffer));
}

// Both halves' buffers go back with the room their text grew them to, the
// heading's as well as the body's: that room is what the pool keeps them for.
TEST(BufferSharedAcrossThreads, EachBufferGoesBackWithTheRoomItsTextNeeded) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(text_buffers);
  const std::string title(200, 't');
  const std::string text(200, 'b');
  EXPECT_EQ(build_report(title, text), "== " + title + " ==\n" + text);
  std::size_t cached = 0;
  std::size_t roomy = 0;
  harness::testing::each_cached(text_buffers, [&](const std::string& buffer) {
    ++cached;
    if (buffer.capacity() >= title.size()) ++roomy;
  });
  EXPECT_EQ(roomy, cached) << cached - roomy << " of the " << cached << " buffers build_report() put back came back "
                           << "without the room a 200-character heading or body needed: its storage was moved out "
                              "before it went back, so the next report grows it again";
}
