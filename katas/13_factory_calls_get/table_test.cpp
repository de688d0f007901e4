// Kata 13: format_table() lays out rows under a header, with a formatter from
// the pool that is built once and then reused.
#include <cstddef>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/failing_new.h"
#include "harness/testing.h"
#include "table.h"

TEST(FactoryCallsGet, FormatsAHeaderAndOneLinePerRow) {
  EXPECT_EQ(format_table({{"1", "alice"}, {"22", "bob"}}),
            "id    name      \n"
            "1     alice     \n"
            "22    bob       \n")
      << "a table is the header line, then each row with its id padded to 6 characters and its name to 10";
}

TEST(FactoryCallsGet, AnEmptyTableIsJustTheHeader) {
  EXPECT_EQ(format_table({}), "id    name      \n") << "a formatter must come with the table's header line";
}

TEST(FactoryCallsGet, TablesReuseThePooledFormatter) {
  const harness::testing::ExactPool exact("counts reuse: a put() that race mode drops would count as a miss");
  format_table({{"0", "warm-up"}});  // from here on the pool holds a formatter
  const harness::testing::PoolActivity activity(row_formatters);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(format_table({{"7", "carol"}}), "id    name      \n7     carol     \n");
  EXPECT_EQ(activity.gets(), 3u) << "format_table() must take its formatter from row_formatters";
  EXPECT_EQ(activity.factory_calls(), 0u) << "format_table() should reuse the pooled formatter, "
                                                          "not build a new one for every table";
}

// Every formatter the pool holds must be whole, not only the one the next
// call happens to get: a formatter built halfway and put back waits there for
// some later caller (on another thread, or after the others are taken).
TEST(FactoryCallsGet, EveryFormatterInThePoolHasItsHeader) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(row_formatters);
  EXPECT_EQ(format_table({{"1", "alice"}}), "id    name      \n1     alice     \n");
  const std::size_t cached = row_formatters.stats().cached;
  std::vector<std::unique_ptr<RowFormatter>> all;
  for (std::size_t i = 0; i < cached; ++i) all.push_back(row_formatters.get());
  for (const std::unique_ptr<RowFormatter>& formatter : all) {
    ASSERT_NE(formatter, nullptr);
    EXPECT_EQ(formatter->header, "id    name      \n")
        << "the pool holds a formatter without its header: one was put back before it was fully built";
  }
  for (std::unique_ptr<RowFormatter>& formatter : all) row_formatters.put(std::move(formatter));
}

// Running out of memory while the pool makes a formatter must not spoil the
// formatters made after it. Each allocation of a formatter's making fails in
// turn with std::bad_alloc (a full heap); after each failure, a new formatter
// still comes with its header. A flag the constructor sets and clears around
// its work, for one, stays set when the work throws.
TEST(FactoryCallsGet, AFormatterThatFailedToBuildLeavesTheNextOnesWhole) {
  if (!harness::testing::FailingAllocation::kWorksInThisBuild) GTEST_SKIP() << "this build cannot make an allocation fail";
  const harness::testing::ExactPool exact("each round must make a new formatter: nothing may be cached");
  for (long skip = 0; skip < 100; ++skip) {
    harness::testing::drain(row_formatters);  // the next table makes a formatter
    bool reached = false;
    {
      const harness::testing::FailingAllocation failing(skip);
      try {
        format_table({{"1", "alice"}});
      } catch (const std::bad_alloc&) {  // the failure we made
      }
      reached = failing.failed();
    }
    harness::testing::drain(row_formatters);
    ASSERT_EQ(format_table({}), "id    name      \n")
        << "allocation " << skip + 1 << " failed while a formatter was being made, and the formatter made after it "
        << "has no header: the failure left behind something the constructor had set up";
    if (!reached) break;  // format_table() made fewer allocations than that: each of them has failed once
  }
}
