// Splits text into lines lazily, one line each time the caller asks. The
// cursor that walks the text is pooled, so a busy parser does not make one
// per document.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "harness/pool.h"

// A cursor over a text that hands out its lines in order.
class LineReader {
 public:
  void reset(std::string_view text) {
    text_ = text;
    pos_ = 0;
  }
  std::optional<std::string_view> next() {
    if (pos_ >= text_.size()) return std::nullopt;
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    const std::string_view line = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return line;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

inline harness::Pool<LineReader> line_readers{[] { return std::make_unique<LineReader>(); }};

// The lines of one text, read as the caller asks for them.
class Lines {
 public:
  explicit Lines(harness::Lease<LineReader> reader) : reader_(std::move(reader)) {}
  std::optional<std::string_view> next() { return reader_->next(); }

 private:
  harness::Lease<LineReader> reader_;  // back to the pool when the view goes
};

inline Lines lines_of(std::string_view text) {
  harness::Lease<LineReader> reader = line_readers.lease();
  reader->reset(text);
  return Lines(std::move(reader));
}
