// Receives uploads: reads a request body into a pooled buffer and answers
// with the number of lines in it. The service accepts bodies up to kMaxBody.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>

#include "harness/heap_probe.h"
#include "harness/pool.h"

inline constexpr std::size_t kMaxBody = 1 * harness::kMiB;
inline constexpr std::size_t kMaxPooledCapacity = 64 * 1024;  // larger buffers are freed, not pooled

// A request body as it arrives from the network: read() copies up to `room`
// bytes into `into` and returns how many it copied, 0 once the body has ended.
struct Body {
  virtual ~Body() = default;
  virtual std::size_t read(char* into, std::size_t room) = 0;
};

struct Response {
  int status;  // 200 served, 413 body too large
  std::string text;
};

inline harness::Pool<std::string> body_buffers{[] { return std::make_unique<std::string>(); }};

inline Response handle_upload(Body& body) {
  harness::Lease<std::string> buffer = body_buffers.lease();
  // A buffer that grew past the usual size is freed, not put back, on every
  // way out of here: served, refused, or a read() that throws. Declared after
  // the lease, this runs before the lease puts the buffer back.
  struct FreeIfGrown {
    harness::Lease<std::string>& buffer;
    ~FreeIfGrown() {
      if (buffer->capacity() > kMaxPooledCapacity) buffer.release();  // freed here
    }
  } free_if_grown{buffer};
  buffer->clear();
  char chunk[16 * 1024];
  while (std::size_t n = body.read(chunk, sizeof chunk)) {
    buffer->append(chunk, n);
    if (buffer->size() > kMaxBody) break;  // too large: stop reading it
  }
  if (buffer->size() > kMaxBody) return {413, "body too large"};

  const auto lines = std::count(buffer->begin(), buffer->end(), '\n');
  return {200, std::to_string(lines) + " lines"};
}
