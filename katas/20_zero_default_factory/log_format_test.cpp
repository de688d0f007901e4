// Kata 20: every log entry is formatted in a real pooled buffer, and a
// TypedPool never hands out a null pointer for the caller to write through.
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include "harness/testing.h"

#include "log_format.h"

TEST(ZeroDefaultFactory, FormatsAnEntry) {
  EXPECT_EQ(format_entry("info", "disk almost full"), "[info] disk almost full");
}

TEST(ZeroDefaultFactory, EntriesReuseOnePooledBuffer) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
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

// Forgetting the factory is the mistake this kata is about, and the wrapper
// is where it is fixed for every pool: a TypedPool made without a factory
// must not compile. A default that makes some object instead (new Object,
// T{} checked for null) still lets the next pool forget its factory, only
// more quietly.
TEST(ZeroDefaultFactory, ATypedPoolCannotBeMadeWithoutAFactory) {
  EXPECT_FALSE(std::is_default_constructible_v<TypedPool<Buffer*>>)
      << "a TypedPool<Buffer*> can still be made without a factory: the wrapper picks a default for the caller. "
         "Make the factory a required argument, so that forgetting it is a compile error";  // for: this kata's bug
}

// The pool is there so that entries are formatted in a reused buffer, which
// keeps the room it grew to for the next call.
TEST(ZeroDefaultFactory, TheEntryIsFormattedInThePooledBuffer) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  const std::string message(100, 'z');
  EXPECT_EQ(format_entry("info", message), "[info] " + message);
  Buffer* pooled = log_buffers.get();  // the buffer format_entry() just put back
  ASSERT_NE(pooled, nullptr);
  EXPECT_GE(pooled->text.capacity(), message.size())
      << "the pooled buffer came back without the room the entry needed: format_entry() formatted it somewhere else, or moved the buffer's storage out, so every call allocates again";
  log_buffers.put(pooled);
}
