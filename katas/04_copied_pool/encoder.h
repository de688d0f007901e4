// Encodes sensor readings as text lines. An Encoder keeps the scratch strings
// it has finished with in a small free list of its own, so that encoding many
// readings allocates one scratch string, not one per reading.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

struct Reading {
  std::string_view name;
  int value;
};

class Encoder {
 public:
  Encoder() = default;
  ~Encoder() {
    for (std::string* buffer : free_) delete buffer;
  }

  std::string encode(const Reading& reading) {
    std::string* buffer = take();
    buffer->clear();
    *buffer += reading.name;
    *buffer += '=';
    *buffer += std::to_string(reading.value);
    std::string line = *buffer;
    free_.push_back(buffer);  // kept for the next call
    return line;
  }

  std::size_t buffers_made() const { return made_; }
  std::size_t buffers_cached() const { return free_.size(); }

 private:
  std::string* take() {
    if (free_.empty()) {
      ++made_;
      return new std::string;
    }
    std::string* buffer = free_.back();
    free_.pop_back();
    return buffer;
  }

  std::vector<std::string*> free_;  // owned: deleted by ~Encoder
  std::size_t made_ = 0;
};

// One line per reading.
inline std::string encode_batch(Encoder encoder, const std::vector<Reading>& readings) {
  std::string out;
  for (const Reading& reading : readings) out += encoder.encode(reading) + "\n";
  return out;
}
