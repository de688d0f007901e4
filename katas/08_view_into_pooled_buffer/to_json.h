// Encodes user records as JSON, such as {"name":"alice","age":30}. The text
// is built in a pooled buffer, so that encoding does not allocate per call.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "harness/pool.h"

inline harness::Pool<std::string> json_buffers{[] { return std::make_unique<std::string>(); }};

inline std::string_view to_json(std::string_view name, int age) {
  harness::Lease<std::string> buffer = json_buffers.lease();
  buffer->clear();
  buffer->append(R"({"name":")").append(name);
  buffer->append(R"(","age":)").append(std::to_string(age)).append("}");
  return *buffer;
}
