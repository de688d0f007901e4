// Encodes records as one line of text, `key=value;` per field. Lines are built
// in pooled buffers, so that a busy logger does not allocate one per record.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/pool.h"

using Record = std::vector<std::pair<std::string, std::string>>;

inline harness::Pool<std::string> line_buffers{[] { return std::make_unique<std::string>(); }};

// Appends one field; a name that is empty or contains '=' or ';' would make
// the line impossible to parse back, so it is refused.
inline void append_field(std::string& line, std::string_view name, std::string_view value) {
  if (name.empty() || name.find_first_of("=;") != std::string_view::npos) {
    throw std::invalid_argument("cannot encode a field named '" + std::string(name) + "'");
  }
  line += name;
  line += '=';
  line += value;
  line += ';';
}

// Throws std::invalid_argument for a record it cannot encode.
inline std::string encode(const Record& record) {
  std::unique_ptr<std::string> buffer = line_buffers.get();
  buffer->clear();
  for (const auto& [name, value] : record) append_field(*buffer, name, value);
  std::string line = *buffer;
  line_buffers.put(std::move(buffer));
  return line;
}
