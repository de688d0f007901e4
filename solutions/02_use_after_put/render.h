// Renders greetings in pooled buffers. Callers on many threads render at
// once, and each one reads the greeting it got back.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "harness/pool.h"

inline harness::Pool<std::string> render_buffers{[] { return std::make_unique<std::string>(); }};

inline std::string render(std::string_view name) {
  std::unique_ptr<std::string> buffer = render_buffers.get();
  buffer->clear();
  *buffer += "hello ";
  *buffer += name;
  std::string rendered = *buffer;  // a copy the caller owns
  render_buffers.put(std::move(buffer));
  return rendered;
}
