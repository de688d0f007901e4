// Hex-encodes messages. Encoding happens in a scratch area with room for the
// largest message the service accepts, and encoders are pooled so that the
// scratch area is not allocated again for every message.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "harness/heap_probe.h"
#include "harness/pool.h"

inline constexpr std::size_t kMaxMessage = 8 * harness::kMiB;

struct Encoder {
  std::vector<char> scratch;  // grows to the messages actually encoded
};

inline harness::Pool<Encoder> encoders{[] { return std::make_unique<Encoder>(); }};

// Passes the hex text of `message` to `sink` without copying it. The view is
// valid only while `sink` runs.
inline void encode(std::string_view message, const std::function<void(std::string_view)>& sink) {
  if (message.size() > kMaxMessage) throw std::length_error("message too large to encode");
  harness::Lease<Encoder> encoder = encoders.lease();
  // A rare huge message must not leave a huge scratch area in the pool, on
  // any way out of here: declared after the lease, this runs before the lease
  // puts the encoder back, when sink() returns and when it throws.
  struct TrimOnExit {
    Encoder& encoder;
    ~TrimOnExit() {
      if (encoder.scratch.capacity() > 64 * 1024) encoder.scratch = std::vector<char>();
    }
  } trim_on_exit{*encoder};
  encoder->scratch.resize(2 * message.size());  // two hex digits per byte
  static constexpr char kDigits[] = "0123456789abcdef";
  char* out = encoder->scratch.data();
  for (const unsigned char byte : message) {
    *out++ = kDigits[byte >> 4];
    *out++ = kDigits[byte & 0xf];
  }
  sink(std::string_view(encoder->scratch.data(), 2 * message.size()));
}
