// Greets people. Every greeting is formatted in a pooled buffer, so that a
// busy server does not allocate a fresh string per request.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "harness/pool.h"

inline harness::Pool<std::string> greeting_buffers{[] { return std::make_unique<std::string>(); }};

inline std::string greet(std::string_view name) {
  harness::Lease<std::string> buffer = greeting_buffers.lease();
  *buffer += "hello ";
  *buffer += name;
  return *buffer;
}
