// Kata 07: every line must be sorted on its own, with nothing left over from
// the lines sorted before it.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/testing.h"
#include "sort_numbers.h"

const char* const kLeftovers =
    "numbers from an earlier line turned up in this one: the pooled vector came back still holding them";

TEST(VectorNotCleared, SortsALine) {
  EXPECT_EQ(sort_numbers("3 1 2"), "1 2 3");  // for: this kata's bug
}

TEST(VectorNotCleared, EachLineIsSortedOnItsOwn) {
  EXPECT_EQ(sort_numbers("30 10 20"), "10 20 30") << kLeftovers;  // for: this kata's bug
  EXPECT_EQ(sort_numbers("5 -4"), "-4 5") << kLeftovers;  // for: this kata's bug
  EXPECT_EQ(sort_numbers(""), "") << "an empty line must give an empty result; " << kLeftovers;  // for: this kata's bug
}

TEST(VectorNotCleared, SortingReusesThePooledVector) {
  const harness::testing::ExactPool exact("counts reuse: a put() that race mode drops would count as a miss");
  sort_numbers("0");  // from here on the pool holds a vector
  const harness::testing::PoolActivity activity(number_buffers);
  EXPECT_EQ(sort_numbers("2 1"), "1 2") << kLeftovers;  // for: this kata's bug
  EXPECT_EQ(sort_numbers("9 7 8"), "7 8 9") << kLeftovers;  // for: this kata's bug
  EXPECT_EQ(sort_numbers("6"), "6") << kLeftovers;  // for: this kata's bug
  EXPECT_EQ(activity.gets(), 3u) << "sort_numbers() must parse into a vector taken from number_buffers";
  EXPECT_EQ(activity.hits(), 3u)
      << "each call should reuse the vector the previous call put back, instead of making a new one";
}

TEST(VectorNotCleared, ThePooledVectorKeepsItsCapacity) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  std::string line;
  for (int i = 100; i > 0; --i) line += std::to_string(i) + " ";
  sort_numbers(line);
  // Borrow the vector sort_numbers() just put back, look at it, return it.
  std::unique_ptr<std::vector<long>> pooled = number_buffers.get();
  ASSERT_NE(pooled, nullptr);
  EXPECT_GE(pooled->capacity(), 100u)
      << "the vector went back to the pool without the room it had grown: "
         "emptying it must keep its capacity, or pooling it gains nothing";
  number_buffers.put(std::move(pooled));
}

// Whoever empties the vector (after get() or before put()), once a line is
// sorted the pooled vector holds that line's numbers or nothing: never the
// numbers of lines before it, even if the result leaves them out.
TEST(VectorNotCleared, ThePooledVectorHoldsNoEarlierLinesNumbers) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(number_buffers);
  sort_numbers("30 10 20");
  const std::string result = sort_numbers("5 4");
  EXPECT_EQ(result, "4 5");  // for: this kata's bug
  std::unique_ptr<std::vector<long>> pooled = number_buffers.try_get();  // the vector sort_numbers() just put back, never the factory's
  ASSERT_NE(pooled, nullptr) << "sort_numbers() put no vector back into number_buffers";
  // Said only of a right result: one that shows the old numbers is the bug
  // the line above reports, and hid nothing.
  if (result == "4 5") {
    EXPECT_LE(pooled->size(), 2u) << "the pooled vector still holds " << pooled->size()
                                  << " numbers after a line of two: sort_numbers() hid the earlier lines' numbers "
                                     "from its result, but never emptied the vector, which grows with every call";
  }
  number_buffers.put(std::move(pooled));
}

// Reuse means the same memory: numbers that fit in the vector's room are
// parsed into it, not into new storage that replaces it.
TEST(VectorNotCleared, EachLineIsParsedIntoTheSameStorage) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  std::string long_line;
  for (int i = 100; i > 0; --i) long_line += std::to_string(i) + " ";
  sort_numbers(long_line);  // the pooled vector now has room for 100 numbers
  std::unique_ptr<std::vector<long>> pooled = number_buffers.get();
  ASSERT_NE(pooled, nullptr);
  const long* storage = pooled->data();
  number_buffers.put(std::move(pooled));

  EXPECT_EQ(sort_numbers("9 8 7 6 5 4 3 2 1"), "1 2 3 4 5 6 7 8 9");  // for: this kata's bug
  pooled = number_buffers.get();
  ASSERT_NE(pooled, nullptr);
  EXPECT_EQ(pooled->data(), storage)
      << "sort_numbers() replaced the pooled vector's storage with new memory: a fresh vector was assigned or "
         "swapped in, so nothing is reused and every call allocates again";
  number_buffers.put(std::move(pooled));
}

// Reuse means the numbers live in the pooled vector: once it has the room
// for a line, sorting the line allocates no block as large as the numbers,
// and no allocation per number, whatever container they might pass through.
TEST(VectorNotCleared, AWarmCallBuildsNoContainerOfItsOwnForTheNumbers) {
  const harness::testing::ExactPool exact("the warm vector must be the one the call gets back");
  constexpr std::size_t kNumbers = 1000;
  std::string line;
  for (std::size_t i = 0; i < kNumbers; ++i) line += std::to_string((i * 7) % 10) + " ";  // 2 characters a number
  const std::string sorted = sort_numbers(line);  // the pooled vector now has room for every number
  std::string again;
  std::size_t allocations = 0;
  const std::size_t largest = harness::testing::largest_allocation_during(
      [&] { allocations = harness::testing::allocations_during([&] { again = sort_numbers(line); }); });
  EXPECT_EQ(again, sorted);  // for: this kata's bug
  // Said only of a right result from a vector that holds this line's numbers
  // alone: one that keeps the old numbers grows, and allocates, for that
  // reason (even when the result leaves them out).
  std::unique_ptr<std::vector<long>> pooled = number_buffers.get();
  ASSERT_NE(pooled, nullptr);
  const bool holds_only_this_line = pooled->size() <= kNumbers;
  number_buffers.put(std::move(pooled));
  if (again == sorted && holds_only_this_line) {
    EXPECT_LT(largest, kNumbers * sizeof(long))
        << "sorting a line of " << kNumbers << " numbers allocated a block of " << largest << " bytes, the size of "
        << "the numbers themselves: they were parsed into a new container and the pooled vector, which already had "
           "the room, was not where the work happened";
    EXPECT_LT(allocations, kNumbers / 10)
        << "sorting a line of " << kNumbers << " numbers made " << allocations << " allocations: the numbers "
        << "passed through a container built afresh on every call";
  }
}

// Included here, after the tests above, so that the lines the docs cite from
// this file stay where they are; it replaces operator new for this program.
#include "harness/failing_new.h"

// Emptying the vector means on every path: a line whose sorting fails
// half-way (an allocation throws std::bad_alloc, as a full heap does) must
// not leave its numbers for the line after it.
TEST(VectorNotCleared, ALineAfterAFailedOneHoldsOnlyItsOwnNumbers) {
  if (!harness::testing::FailingAllocation::kWorksInThisBuild) GTEST_SKIP() << "this build cannot make an allocation fail";
  const harness::testing::ExactPool exact("the failed call's vector must be the one the next call gets");
  // Said only of a program whose normal path empties the vector: the tests
  // above speak of one that never does.
  sort_numbers("9 8 7");
  if (sort_numbers("2 1") != "1 2") return;
  const std::string line = "19 18 17 16 15 14 13 12 11 10";  // parsing it allocates, and so does the result
  harness::testing::each_allocation_failing([] { harness::testing::drain(number_buffers); },
                                            [&] { sort_numbers(line); },
                                            [](long allocation) {
                                              EXPECT_EQ(sort_numbers("2 1"), "1 2")
                                                  << "allocation " << allocation << " inside sort_numbers() failed "
                                                  << "with std::bad_alloc, and the next line came back with numbers "
                                                     "it never had: the vector is emptied when a line is sorted, not "
                                                     "on the path where an exception sends it back to the pool";
                                            });
}

// The pool may hand a vector to any thread: one that another thread filled
// with a longer line's numbers must hold only this line's numbers once
// sort_numbers() has used it.
TEST(VectorNotCleared, ALineSortedInAVectorAnotherThreadFilledHoldsOnlyItsOwnNumbers) {
  const harness::testing::ExactPool exact("hands this thread the other thread's vector: race mode may drop it");
  // Said only of a program whose vectors come back empty on one thread: the
  // tests above speak of one that never empties them.
  sort_numbers("3 1 2");
  if (sort_numbers("2 1") != "1 2") return;
  std::unique_ptr<std::vector<long>> filled =
      harness::testing::left_by_another_thread(number_buffers, [] { sort_numbers("9 8 7 6 5 4 3 2 1"); });
  if (filled == nullptr) return;  // nothing went back to the pool: the reuse tests above speak of it
  const std::size_t held = filled->size();
  sort_numbers("2 1");  // this thread's own last line: a short one
  harness::testing::give_to_this_thread(number_buffers, std::move(filled));
  EXPECT_EQ(sort_numbers("5 4"), "4 5")
      << "the vector another thread had left holding " << held << " numbers came to this thread, and the line "
      << "sorted in it kept some of them: a vector may come back to any thread, holding anything; empty what it "
         "holds, not what this thread last left in one";
}
