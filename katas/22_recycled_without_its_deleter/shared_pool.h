// A pool that hands out std::shared_ptr: when the last copy goes, the object
// goes back to the pool instead of being deleted, so callers never give it
// back by hand. Here it keeps number parsers, which are costly to build.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

template <class T>
class SharedPool {
 public:
  // An idle object, or a new one; either comes back here when released.
  std::shared_ptr<T> get() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      std::shared_ptr<T> object = std::move(idle_.back());
      idle_.pop_back();
      return object;
    }
    ++made_;
    return std::shared_ptr<T>(new T(), [this](T* released) { give_back(released); });
  }

  std::size_t made() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return made_;
  }

 private:
  void give_back(T* released) {
    const std::lock_guard<std::mutex> lock(mutex_);
    idle_.push_back(std::shared_ptr<T>(released));
  }

  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<T>> idle_;
  std::size_t made_ = 0;
};

// Reads the decimal numbers in a line; its digit table is built once per parser.
class NumberParser {
 public:
  NumberParser() {
    digit_.fill(-1);
    for (int d = 0; d < 10; ++d) digit_[static_cast<unsigned char>('0' + d)] = d;
  }

  std::vector<long> parse(std::string_view line) const {
    std::vector<long> numbers;
    bool in_number = false;
    for (const char c : line) {
      const int d = digit_[static_cast<unsigned char>(c)];
      if (d < 0) {
        in_number = false;
      } else {
        if (!in_number) numbers.push_back(0);
        numbers.back() = numbers.back() * 10 + d;
        in_number = true;
      }
    }
    return numbers;
  }

 private:
  std::array<int, 256> digit_;
};

inline SharedPool<NumberParser> parsers;

inline std::vector<long> numbers_in(std::string_view line) { return parsers.get()->parse(line); }
