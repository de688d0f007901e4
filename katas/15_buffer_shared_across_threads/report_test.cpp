// Kata 15: a report must hold its own heading and its own body, with each
// half formatted on its own thread in a buffer taken from the pool.
#include <algorithm>
#include <memory>
#include <string>

#include <gtest/gtest.h>

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

// Each report is formatted by two threads at once, so each one needs a
// buffer of its own: two gets per report. After the warm-up the pool holds
// at least one buffer, so at least one of the two gets is served from it.
TEST(BufferSharedAcrossThreads, EachHalfIsFormattedInAPooledBuffer) {
  build_report("warm-up", "warm-up");
  const harness::PoolStats before = text_buffers.stats();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(build_report("t", "b"), "== t ==\nb");
  const harness::PoolStats after = text_buffers.stats();
  EXPECT_EQ(after.gets - before.gets, 10u)
      << "each report should take two buffers from text_buffers, one for each thread that formats";
  EXPECT_GE(after.hits - before.hits, 5u) << "reports should reuse the pooled buffers instead of making new ones";
}

// The pool is there so that each half is formatted in a reused buffer, which
// keeps the room it grew to for the next report: after one report with a long
// heading and a long body, both buffers come back from the pool that large.
TEST(BufferSharedAcrossThreads, BothHalvesAreFormattedInPooledBuffers) {
  text_buffers.collect();  // start from an empty pool, whatever earlier tests left in it
  text_buffers.collect();
  const std::string title(100, 't');
  const std::string text(100, 'b');
  EXPECT_EQ(build_report(title, text), "== " + title + " ==\n" + text);
  std::unique_ptr<std::string> first = text_buffers.get();  // the two buffers the report used, back in the pool
  std::unique_ptr<std::string> second = text_buffers.get();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_GE(std::min(first->capacity(), second->capacity()), text.size())
      << "a pooled buffer came back without the room its half of the report needed: build_report() formatted "
         "the heading or the body somewhere else, so every report allocates again";
  text_buffers.put(std::move(first));
  text_buffers.put(std::move(second));
}
