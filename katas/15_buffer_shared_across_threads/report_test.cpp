// Kata 15: a report must hold its own heading and its own body, with each
// half formatted on its own thread in a buffer taken from the pool.
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
