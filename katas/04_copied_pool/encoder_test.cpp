// Kata 04: an encoder's scratch buffers must have exactly one owner, and must
// still be there for the next call.
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "encoder.h"

namespace {

// If an Encoder can be copied at all, the copy is used and destroyed here.
template <class E>
void copy_use_and_drop(const E& original) {
  if constexpr (std::is_copy_constructible_v<E>) {
    E copy = original;
    EXPECT_EQ(copy.encode({"copy", 2}), "copy=2");
  }
}

}  // namespace

TEST(CopiedPool, EncodesOneReading) {
  Encoder encoder;
  EXPECT_EQ(encoder.encode({"temp", 21}), "temp=21");
  EXPECT_EQ(encoder.encode({"wind", -3}), "wind=-3");
}

TEST(CopiedPool, EncodesABatchWithAnEncoderThatWasUsedBefore) {
  Encoder encoder;
  EXPECT_EQ(encoder.encode({"temp", 21}), "temp=21");  // the encoder now caches a buffer
  EXPECT_EQ(encode_batch(encoder, {{"temp", 22}, {"wind", 4}}), "temp=22\nwind=4\n");
}  // the encoder deletes its cached buffer here, and must be the only one to do so

TEST(CopiedPool, ScratchBufferIsReusedAcrossBatches) {
  Encoder encoder;
  EXPECT_EQ(encode_batch(encoder, {{"a", 1}, {"b", 2}, {"c", 3}}), "a=1\nb=2\nc=3\n");
  EXPECT_EQ(encode_batch(encoder, {{"d", 4}}), "d=4\n");
  EXPECT_EQ(encoder.buffers_cached(), 1u)
      << "after two batches the encoder should still hold its scratch buffer for the next call; "
         "the buffer encode_batch() used never came back to this encoder";
  EXPECT_EQ(encoder.buffers_made(), 1u)
      << "this encoder should have made exactly one scratch buffer and used it for every reading of both batches";
}

// Each encoder owns its own free list: a new encoder starts with no buffers,
// and what one encoder caches is not another's.
TEST(CopiedPool, EachEncoderKeepsItsOwnBuffers) {
  Encoder first;
  EXPECT_EQ(first.encode({"temp", 21}), "temp=21");
  Encoder second;
  EXPECT_EQ(second.buffers_made(), 0u) << "a new encoder already counts buffers it never made: the count is shared";
  EXPECT_EQ(second.buffers_cached(), 0u)
      << "a new encoder already holds a scratch buffer: the encoders share one free list instead of owning their own";
  EXPECT_EQ(encode_batch(second, {{"wind", 4}}), "wind=4\n");
  EXPECT_EQ(first.buffers_cached(), 1u) << "encoding with one encoder took the scratch buffer of another";
  EXPECT_EQ(second.buffers_made(), 1u) << "the second encoder should have made its own scratch buffer";
}

// Every buffer has exactly one owner: an Encoder that can be copied must give
// the copy buffers of its own, or the first of the two to go frees the
// buffers the other still uses. (One that cannot be copied passes as is.)
TEST(CopiedPool, ACopiedEncoderSharesNoBufferWithTheOriginal) {
  Encoder original;
  EXPECT_EQ(original.encode({"first", 1}), "first=1");  // from here on it caches a buffer
  copy_use_and_drop(original);
  EXPECT_EQ(original.encode({"again", 3}), "again=3")
      << "the original encoder lost its buffer when its copy was destroyed";
}
