// A column of strings in a query engine, reused batch after batch. Each row
// is a view into one of the column's string buffers, where set() copies the
// text; prepare_for_reuse() readies the column for the next batch and keeps
// one buffer, so that the next batch's strings need no new allocation.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

class StringColumn {
 public:
  static constexpr std::size_t kBufferBytes = 4096;

  explicit StringColumn(std::size_t rows) : rows_(rows) {}

  // Row `row` now reads `text`, copied into the column's buffers.
  void set(std::size_t row, std::string_view text) {
    char* place = room_for(text.size());
    std::memcpy(place, text.data(), text.size());
    rows_[row] = std::string_view(place, text.size());
  }

  // What row `row` holds; a row not set in this batch reads as empty.
  std::string_view operator[](std::size_t row) const { return rows_[row]; }
  std::size_t size() const { return rows_.size(); }
  std::size_t buffers() const { return buffers_.size(); }

  // Readies the column for a batch of `rows` rows: every string buffer but
  // the last is freed, and the last is emptied for the next batch's strings.
  void prepare_for_reuse(std::size_t rows) {
    if (buffers_.size() > 1) buffers_.erase(buffers_.begin(), buffers_.end() - 1);
    used_ = 0;
    rows_.resize(rows);
  }

 private:
  char* room_for(std::size_t bytes) {
    if (buffers_.empty() || used_ + bytes > last_buffer_bytes_) {
      last_buffer_bytes_ = std::max(bytes, kBufferBytes);
      buffers_.push_back(std::make_unique<char[]>(last_buffer_bytes_));
      used_ = 0;
    }
    char* place = buffers_.back().get() + used_;
    used_ += bytes;
    return place;
  }

  std::vector<std::string_view> rows_;
  std::vector<std::unique_ptr<char[]>> buffers_;
  std::size_t last_buffer_bytes_ = 0;
  std::size_t used_ = 0;
};

// The column's rows, comma-separated, as a report writes them out.
inline std::string to_csv_line(const StringColumn& column) {
  std::string line;
  for (std::size_t row = 0; row < column.size(); ++row) {
    if (row > 0) line += ',';
    line.append(column[row]);
  }
  return line;
}
