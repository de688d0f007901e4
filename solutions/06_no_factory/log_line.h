// Formats log lines such as "[warn] disk almost full". Each line is assembled
// in a pooled string, so that logging does not allocate a buffer per call.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "harness/pool.h"

inline harness::Pool<std::string> line_buffers{[] { return std::make_unique<std::string>(); }};

inline std::string log_line(std::string_view level, std::string_view message) {
  harness::Lease<std::string> buffer = line_buffers.lease();
  buffer->clear();
  buffer->append("[").append(level).append("] ");
  buffer->append(message);
  return *buffer;
}
