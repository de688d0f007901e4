// Builds two-part reports. The heading and the body are formatted at the same
// time, the heading on a worker thread, in text buffers taken from a pool.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "harness/pool.h"

inline harness::Pool<std::string> text_buffers{[] { return std::make_unique<std::string>(); }};

inline void format_heading(std::string& out, std::string_view title) {
  out.clear();
  out += "== ";
  out += title;
  out += " ==";
}

inline void format_body(std::string& out, std::string_view text) {
  out.clear();
  out += text;
}

inline std::string build_report(std::string_view title, std::string_view text) {
  harness::Lease<std::string> buffer = text_buffers.lease();
  std::string heading;
  std::thread worker([&] {
    format_heading(*buffer, title);
    heading = *buffer;
  });
  format_body(*buffer, text);
  std::string body = *buffer;
  worker.join();
  return heading + "\n" + body;
}
