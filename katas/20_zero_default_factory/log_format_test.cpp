// Kata 20: every log entry is formatted in a real pooled buffer, and a
// TypedPool never hands out a null pointer for the caller to write through.
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include "log_format.h"

TEST(ZeroDefaultFactory, FormatsAnEntry) {
  EXPECT_EQ(format_entry("info", "disk almost full"), "[info] disk almost full");
}

TEST(ZeroDefaultFactory, EntriesReuseOnePooledBuffer) {
  format_entry("debug", "warm-up");  // from here on the pool holds a buffer
  const harness::PoolStats before = log_buffers.stats();
  EXPECT_EQ(format_entry("warn", "slow request"), "[warn] slow request");
  EXPECT_EQ(format_entry("error", "timeout"), "[error] timeout");
  EXPECT_EQ(format_entry("info", "ok"), "[info] ok");
  const harness::PoolStats after = log_buffers.stats();
  EXPECT_EQ(after.gets - before.gets, 3u) << "format_entry() must format in a buffer taken from log_buffers";
  EXPECT_EQ(after.hits - before.hits, 3u) << "each entry should reuse the pooled buffer instead of making a new one";
}

TEST(ZeroDefaultFactory, APoolHandsOutWhatItsFactoryMakes) {
  TypedPool<Buffer*> pool{[] {
    auto* fresh = new Buffer;
    fresh->text = "made by the factory";
    return fresh;
  }};
  Buffer* buffer = pool.get();
  ASSERT_NE(buffer, nullptr) << "a TypedPool with a factory handed out a null pointer";
  EXPECT_EQ(buffer->text, "made by the factory");
  pool.put(buffer);
}

// Forgetting the factory is the mistake this kata is about. A TypedPool that
// requires one turns it into a compile error, and then there is nothing to
// run here. A TypedPool that can still be made without one must hand out
// objects the caller can use.
template <class SomePool>
void expect_usable_objects_without_a_factory() {
  if constexpr (std::is_default_constructible_v<SomePool>) {
    SomePool pool;
    auto object = pool.get();
    EXPECT_NE(object, nullptr) << "a TypedPool made without a factory handed out a null pointer";
    if (object != nullptr) pool.put(object);
  }
}

TEST(ZeroDefaultFactory, APoolMadeWithoutAFactoryNeverHandsOutNull) {
  expect_usable_objects_without_a_factory<TypedPool<Buffer*>>();
}

// The pool is there so that entries are formatted in a reused buffer, which
// keeps the room it grew to for the next call.
TEST(ZeroDefaultFactory, TheEntryIsFormattedInThePooledBuffer) {
  const std::string message(100, 'z');
  EXPECT_EQ(format_entry("info", message), "[info] " + message);
  Buffer* pooled = log_buffers.get();  // the buffer format_entry() just put back
  ASSERT_NE(pooled, nullptr);
  EXPECT_GE(pooled->text.capacity(), message.size())
      << "the pooled buffer came back without the room the entry needed: format_entry() formatted it somewhere else, or moved the buffer's storage out, so every call allocates again";
  log_buffers.put(pooled);
}
