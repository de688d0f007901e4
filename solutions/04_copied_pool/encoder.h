// Encodes sensor readings as text lines. Each line is formatted in a scratch
// buffer, and an Encoder keeps the buffers it has finished with in a small
// free list of its own, so that encoding many readings allocates one buffer,
// not one per reading.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdio>
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
  // A copy would share the cached buffers, and both would delete them.
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;
  ~Encoder() {
    for (char* buffer : free_) delete[] buffer;
  }

  std::string encode(const Reading& reading) {
    char* buffer = take();
    const int length = std::snprintf(buffer, kBufferSize, "%.*s=%d", static_cast<int>(reading.name.size()),
                                     reading.name.data(), reading.value);
    std::string line(buffer, std::min(static_cast<std::size_t>(length), kBufferSize - 1));
    free_.push_back(buffer);  // kept for the next call
    return line;
  }

  std::size_t buffers_made() const { return made_; }
  std::size_t buffers_cached() const { return free_.size(); }

 private:
  static constexpr std::size_t kBufferSize = 256;

  char* take() {
    if (free_.empty()) {
      ++made_;
      return new char[kBufferSize];
    }
    char* buffer = free_.back();
    free_.pop_back();
    return buffer;
  }

  std::vector<char*> free_;  // owned: deleted by ~Encoder
  std::size_t made_ = 0;
};

// One line per reading.
inline std::string encode_batch(Encoder& encoder, const std::vector<Reading>& readings) {
  std::string out;
  for (const Reading& reading : readings) out += encoder.encode(reading) + "\n";
  return out;
}
