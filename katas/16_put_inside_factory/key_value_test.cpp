// Kata 16: every get() must hand out an object that nobody else holds, so
// the key and the value of a line never share a buffer.
#include <cstddef>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "harness/testing.h"
#include "key_value.h"

// On an empty pool both gets have to run the factory. Each must come back
// with a buffer of its own; the test then simply lets both go.
TEST(PutInsideFactory, TwoGetsNeverShareAnObject) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(field_buffers);  // start from an empty pool, whatever earlier tests left in it
  const std::unique_ptr<std::string> first = field_buffers.get();
  const std::unique_ptr<std::string> second = field_buffers.get();
  ASSERT_TRUE(first && second);
  EXPECT_NE(first.get(), second.get())
      << "two gets returned the same object: the pool still held the buffer its factory had just handed out";
}

TEST(PutInsideFactory, KeyAndValueKeepTheirOwnText) {
  EXPECT_EQ(format_pair("user", "alice"), "user=alice")
      << "the key and the value were escaped into the same buffer";
  EXPECT_EQ(format_pair("a=b", "c\\d"), "a\\=b=c\\\\d");
}

TEST(PutInsideFactory, LinesReuseThePooledBuffers) {
  const harness::testing::ExactPool exact("counts reuse: a put() that race mode drops would count as a miss");
  format_pair("warm", "up");  // from here on the pool holds the buffers a line needs
  const harness::testing::PoolActivity activity(field_buffers);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(format_pair("port", "8080"), "port=8080");
  EXPECT_GE(activity.gets(), 3u) << "each line should take its buffers from field_buffers";
  EXPECT_EQ(activity.factory_calls(), 0u)
      << "lines should reuse the pooled buffers instead of making new ones";
}

// The pool is there so that keys and values are escaped in reused buffers,
// which keep the room they grew to for the next line. One buffer used in turn
// for the key and the value is as good as two.
TEST(PutInsideFactory, KeyAndValueAreEscapedInThePooledBuffers) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(field_buffers);  // start from an empty pool, whatever earlier tests left in it
  const std::string key(100, 'k');
  const std::string value(100, 'v');
  EXPECT_EQ(format_pair(key, value), key + "=" + value);
  std::size_t buffers = 0;
  harness::testing::each_cached(field_buffers, [&](const std::string& buffer) {
    ++buffers;
    EXPECT_GE(buffer.capacity(), key.size())
        << "a pooled buffer came back without the room the 100-character key and value needed: format_pair() "
           "escaped them somewhere else, or moved the buffer's storage out, so every line allocates again";
  });
  EXPECT_GE(buffers, 1u) << "format_pair() put no buffer back into field_buffers";
}

// The factory only builds: what the pool holds is only what callers have put
// back. A get on an empty pool leaves the pool as empty as it was.
TEST(PutInsideFactory, AMissPutsNothingIntoThePool) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(field_buffers);
  const harness::testing::PoolActivity pool(field_buffers);
  std::unique_ptr<std::string> fresh = field_buffers.get();
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(pool.puts(), 0u) << "the factory put " << pool.puts()
                             << " buffer(s) into the pool itself: only a caller that is done with a buffer puts it";
  EXPECT_EQ(field_buffers.stats().cached, 0u)
      << "after one get on an empty pool, the pool holds a buffer nobody gave back: the factory put it there";
}

// Each call's line is the caller's own: kept while the same thread formats a
// hundred more, it still says what it said.
TEST(PutInsideFactory, EachLineStaysTheCallersOwnWhileMoreAreFormatted) {
  constexpr int kLines = 100;
  const int changed = harness::testing::first_result_changed_by_later_calls(
      kLines, [](int i) -> decltype(auto) { return format_pair("k" + std::to_string(i), "v"); },
      [](int i) { return "k" + std::to_string(i) + "=v"; });
  EXPECT_EQ(changed, -1) << "the line format_pair() returned for call " << changed << " changed while the same "
                         << "thread formatted more lines: it points into storage a later call reuses, not a string "
                            "the caller owns";
}
