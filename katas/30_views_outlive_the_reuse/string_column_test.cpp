// Kata 30: a column reused for the next batch shows that batch's rows only:
// a row not set again reads as empty, never as the last batch's text or as
// memory the column has freed.
#include <cstddef>
#include <string>

#include <gtest/gtest.h>

#include "harness/testing.h"
#include "string_column.h"

namespace {

// 100 rows of 100 bytes: three buffers of 4 KiB (rows 0-39, 40-79, 80-99).
void fill_first_batch(StringColumn& column) {
  for (std::size_t row = 0; row < column.size(); ++row) {
    std::string text = "first batch, row " + std::to_string(row) + " ";
    text.resize(100, '.');
    column.set(row, text);
  }
}

std::string second_batch_row(std::size_t row) { return "new " + std::to_string(row); }

}  // namespace

TEST(ViewsOutliveTheReuse, RowsReadWhatWasSet) {
  StringColumn column(3);
  column.set(0, "alpha");
  column.set(2, std::string(5000, 'z'));
  EXPECT_EQ(column[0], "alpha");
  EXPECT_EQ(column[1], "");
  EXPECT_EQ(column[2], std::string(5000, 'z'));
  EXPECT_EQ(to_csv_line(column), "alpha,," + std::string(5000, 'z'));
}

TEST(ViewsOutliveTheReuse, AReusedColumnShowsOnlyTheNewBatch) {
  StringColumn column(100);
  fill_first_batch(column);
  ASSERT_GT(column.buffers(), 1u);
  column.prepare_for_reuse(100);
  for (std::size_t row = 0; row < 60; ++row) column.set(row, second_batch_row(row));
  std::string expected;
  for (std::size_t row = 0; row < 100; ++row) expected += (row > 0 ? "," : "") + (row < 60 ? second_batch_row(row) : "");
  const std::string line = to_csv_line(column);  // for: this kata's bug
  EXPECT_EQ(line, expected) << "rows 60 to 99 were not set in the second batch, so they should read as empty";
  for (std::size_t row = 60; row < 100; ++row) {
    EXPECT_EQ(column[row], "") << "row " << row << " was not set in the second batch, yet it reads "
                               << column[row].size() << " bytes: its view still points into the first batch's buffers";
    if (!column[row].empty()) break;
  }
}

TEST(ViewsOutliveTheReuse, ReuseKeepsOneBufferForTheNextBatch) {
  StringColumn column(100);
  fill_first_batch(column);
  column.prepare_for_reuse(100);
  EXPECT_EQ(column.buffers(), 1u) << "after prepare_for_reuse() the column keeps " << column.buffers()
                                  << " string buffers: it should keep one, and free the rest";
  const std::size_t allocations = harness::testing::allocations_during([&] {
    for (std::size_t row = 0; row < 100; ++row) column.set(row, second_batch_row(row));
  });
  EXPECT_EQ(allocations, 0u) << "the second batch's 100 short strings made " << allocations
                             << " heap allocations: the buffer kept by prepare_for_reuse() has room for them";
}

TEST(ViewsOutliveTheReuse, EveryBatchCostsTheSame) {
  StringColumn column(100);
  for (int batch = 0; batch < 20; ++batch) {
    fill_first_batch(column);
    column.prepare_for_reuse(100);
  }
  EXPECT_LE(column.buffers(), 1u) << "after 20 batches the column holds " << column.buffers() << " string buffers";
}

TEST(ViewsOutliveTheReuse, AColumnCanShrinkAndGrow) {
  StringColumn column(100);
  fill_first_batch(column);
  column.prepare_for_reuse(10);
  EXPECT_EQ(column.size(), 10u);
  column.prepare_for_reuse(200);
  ASSERT_EQ(column.size(), 200u);
  EXPECT_EQ(to_csv_line(column), std::string(199, ','))
      << "a column reused twice with nothing set should read as 200 empty rows";  // for: this kata's bug
}
