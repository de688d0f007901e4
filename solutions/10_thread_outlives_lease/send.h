// Sends greetings in the background. The greeting is formatted at once, in a
// pooled buffer; a worker thread then hands it to `deliver` (a slow network
// call in real life) while the caller carries on with the next request.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "harness/joining_thread.h"
#include "harness/pool.h"

using Deliver = std::function<void(const std::string& greeting)>;

inline harness::Pool<std::string> outgoing_buffers{[] { return std::make_unique<std::string>(); }};

// Returns the worker; the caller joins it (or lets it join itself) later.
inline harness::JoiningThread send_greeting(std::string_view name, Deliver deliver) {
  harness::Lease<std::string> buffer = outgoing_buffers.lease();
  buffer->clear();
  *buffer += "hello ";
  *buffer += name;
  // The lease puts the buffer back when this function returns, long before
  // the worker runs: give the worker a copy of its own.
  return harness::JoiningThread([greeting = *buffer, deliver = std::move(deliver)] { deliver(greeting); });
}
