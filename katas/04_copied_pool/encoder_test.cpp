// Kata 04: an encoder's scratch buffers must have exactly one owner, and must
// still be there for the next call.
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "encoder.h"

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
         "the buffer encode_batch() used never came back to this encoder";  // for: this kata's bug
  EXPECT_EQ(encoder.buffers_made(), 1u)
      << "this encoder should have made exactly one scratch buffer and used it for every reading of both batches";  // for: this kata's bug
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
  EXPECT_EQ(second.buffers_made(), 1u) << "the second encoder should have made its own scratch buffer";  // for: this kata's bug
}

// A pool has identity. An Encoder that can be copied gives its buffers a
// second owner the moment anyone copies it, whether this program does yet or
// not, so the type itself must say no (as Go's sync.Pool carries noCopy).
TEST(CopiedPool, AnEncoderCannotBeCopied) {
  EXPECT_FALSE(std::is_copy_constructible_v<Encoder>)
      << "Encoder can still be copied: a copy would share or duplicate the free list, and its buffers would have two "
         "owners again; delete its copy constructor, even if no caller copies it any more";  // for: this kata's bug
  EXPECT_FALSE(std::is_copy_assignable_v<Encoder>)
      << "an Encoder can still be assigned from another: delete its copy assignment too";  // for: this kata's bug
}
