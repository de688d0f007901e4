// Formats "key=value" lines for a config file. The key and the value are
// each escaped in a buffer taken from a pool, then joined.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "harness/pool.h"

// The factory also hands every new buffer to the pool at once, so that the
// pool knows the buffer and destroys it when the program shuts down.
inline harness::Pool<std::string> field_buffers{[] {
  std::string* fresh = new std::string;
  field_buffers.put(std::unique_ptr<std::string>(fresh));  // register it with the pool
  return std::unique_ptr<std::string>(fresh);
}};

// Copies `text` into `out`, with a backslash before every '=' and '\'.
inline void escape_into(std::string& out, std::string_view text) {
  out.clear();
  for (const char c : text) {
    if (c == '=' || c == '\\') out += '\\';
    out += c;
  }
}

inline std::string format_pair(std::string_view key, std::string_view value) {
  harness::Lease<std::string> key_buffer = field_buffers.lease();
  harness::Lease<std::string> value_buffer = field_buffers.lease();
  escape_into(*key_buffer, key);
  escape_into(*value_buffer, value);
  return *key_buffer + "=" + *value_buffer;
}
