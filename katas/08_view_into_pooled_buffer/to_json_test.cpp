// Kata 08: a record returned by to_json() must keep its text for as long as
// the caller holds it, however many records are encoded after it.
//
// The tests hold results as `const auto&`: that binds to whatever to_json()
// returns, a view or a string, and keeps it alive without making a copy.
#include <cstddef>
#include <string>

#include <gtest/gtest.h>

#include "harness/heap_probe.h"
#include "harness/testing.h"
#include "to_json.h"

const std::string kAlice = R"({"name":"alice","age":30})";

TEST(ViewIntoPooledBuffer, EncodesARecord) {
  EXPECT_EQ(to_json("alice", 30), kAlice);
}

TEST(ViewIntoPooledBuffer, ARecordKeepsItsTextWhenTheNextOneIsEncoded) {
  const auto& alice = to_json("alice", 30);
  const auto& carol = to_json("carol", 41);
  EXPECT_EQ(alice, kAlice) << "alice's record turned into the next one: it still pointed into the pooled "
                              "buffer, which the next call cleared and rewrote";
  EXPECT_EQ(carol, std::string(R"({"name":"carol","age":41})"));
}

TEST(ViewIntoPooledBuffer, ARecordSurvivesALongerOneBeingEncoded) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  // Start from an empty pool, so that alice's record gets a new, small buffer.
  harness::testing::drain(json_buffers);
  const std::string long_name(200, 'z');
  const auto& alice = to_json("alice", 30);
  const auto& someone = to_json(long_name, 52);
  EXPECT_EQ(alice, kAlice) << "alice's record still pointed into the pooled buffer, which the next, longer "
                              "record made grow into new memory";
  EXPECT_EQ(someone, R"({"name":")" + long_name + R"(","age":52})");
}

TEST(ViewIntoPooledBuffer, EncodingReusesThePooledBuffer) {
  const harness::testing::ExactPool exact("counts reuse: a put() that race mode drops would count as a miss");
  to_json("warm-up", 0);  // from here on the pool holds a buffer
  const harness::testing::PoolActivity activity(json_buffers);
  EXPECT_EQ(to_json("dave", 7), std::string(R"({"name":"dave","age":7})"));
  EXPECT_EQ(to_json("erin", 8), std::string(R"({"name":"erin","age":8})"));
  EXPECT_EQ(to_json("frank", 9), std::string(R"({"name":"frank","age":9})"));
  EXPECT_EQ(activity.gets(), 3u) << "to_json() must build the text in a buffer taken from json_buffers";
  EXPECT_EQ(activity.factory_calls(), 0u)
      << "to_json() should reuse the pooled buffer, not make a new one per call";
}

// The pool is there so that records are built in a reused buffer, which keeps
// the room it grew to for the next call.
TEST(ViewIntoPooledBuffer, TheTextIsBuiltInThePooledBuffer) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  harness::testing::drain(json_buffers);  // start from an empty pool, whatever earlier tests left in it
  const std::string name(100, 'z');
  EXPECT_EQ(to_json(name, 1), R"({"name":")" + name + R"(","age":1})");
  std::unique_ptr<std::string> pooled = json_buffers.try_get();  // the buffer to_json() just put back, never the factory's
  ASSERT_NE(pooled, nullptr) << "to_json() put no buffer back into json_buffers";
  EXPECT_GE(pooled->capacity(), name.size())
      << "the pooled buffer came back without the room the record needed: to_json() built it somewhere else, or moved the buffer's storage out, so every call allocates again";
  json_buffers.put(std::move(pooled));
}

// A record lives as long as its caller holds it, and no longer: encoding
// records that nobody keeps must not make the program hold more memory.
TEST(ViewIntoPooledBuffer, RecordsNobodyKeepsAreNotKeptEither) {
  to_json("warm-up", 0);  // from here on the pool holds a buffer
  const std::size_t before = harness::live_heap_bytes();
  for (int i = 0; i < 2000; ++i) EXPECT_EQ(to_json("frank", i).size(), 23u + std::to_string(i).size());
  const std::size_t after = harness::live_heap_bytes();
  // 2000 records of about 30 bytes: a program that keeps them all holds some
  // 60 KiB more; one that keeps none holds what it held before.
  EXPECT_LT(after, before + 16 * 1024)
      << "after encoding 2000 records that nobody kept, the program holds " << (after - before) / 1024
      << " KiB more: every record was stored somewhere for good, so that its view would not dangle";
}

#include <type_traits>  // here, not above, so that the lines the docs cite stay where they are

// A record is a value the caller owns: a copy of it made and dropped takes
// nothing away from the record it was copied from.
TEST(ViewIntoPooledBuffer, ARecordKeepsItsTextAfterACopyOfItIsDropped) {
  const auto& alice = to_json("alice", 30);
  // A template, so that a record that cannot be copied compiles this as nothing.
  []<class Record>(const Record& record) {
    if constexpr (std::is_copy_constructible_v<Record>) {
      const Record copy = record;  // made, then dropped at once
      (void)copy;
    }
  }(alice);
  EXPECT_EQ(alice, kAlice) << "alice's record changed once a copy of it was made and dropped: dropping the copy "
                              "gave back to the pool the buffer the record still reads";
}

// However many records the caller holds at once, each keeps its own text:
// kept while the same thread encodes a hundred more, it still says what it
// said.
TEST(ViewIntoPooledBuffer, AHundredRecordsHeldAtOnceEachKeepTheirText) {
  constexpr int kRecords = 100;
  const auto text = [](int i) { return R"({"name":"user)" + std::to_string(i) + R"(","age":30})"; };
  const int changed = harness::testing::first_result_changed_by_later_calls(
      kRecords, [](int i) -> decltype(auto) { return to_json("user" + std::to_string(i), 30); }, text);
  EXPECT_EQ(changed, -1) << "record " << changed << " changed while the same thread encoded more records: it "
                         << "points into storage a later call reuses, not text the caller owns";
}
