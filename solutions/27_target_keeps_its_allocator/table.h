// An in-memory table that stores its columns on a memory resource of its own,
// so that it can say how much memory it takes. Each column is a Segment: its
// values, delta-encoded (each stored as its difference from the one before).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <vector>

// A memory resource that counts the bytes it has handed out and not yet had
// back; the memory itself comes from `upstream`.
class CountingResource : public std::pmr::memory_resource {
 public:
  explicit CountingResource(std::pmr::memory_resource* upstream = std::pmr::new_delete_resource())
      : upstream_(upstream) {}
  std::size_t bytes_in_use() const { return bytes_in_use_; }

 private:
  void* do_allocate(std::size_t bytes, std::size_t alignment) override {
    void* memory = upstream_->allocate(bytes, alignment);
    bytes_in_use_ += bytes;
    return memory;
  }
  void do_deallocate(void* memory, std::size_t bytes, std::size_t alignment) override {
    upstream_->deallocate(memory, bytes, alignment);
    bytes_in_use_ -= bytes;
  }
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }

  std::pmr::memory_resource* upstream_;
  std::size_t bytes_in_use_ = 0;
};

class Segment {
 public:
  // A pmr container keeps the resource it was constructed with: assigning
  // another container to it, even by move, copies the elements onto that
  // resource. So deltas_ is constructed on `memory` and filled in place.
  Segment(const std::vector<std::int64_t>& values, std::pmr::memory_resource* memory) : deltas_(memory) {
    deltas_.reserve(values.size());
    std::int64_t previous = 0;
    for (std::int64_t value : values) {
      deltas_.push_back(value - previous);
      previous = value;
    }
  }

  std::int64_t at(std::size_t row) const {
    std::int64_t value = 0;
    for (std::size_t i = 0; i <= row; ++i) value += deltas_[i];
    return value;
  }
  std::size_t rows() const { return deltas_.size(); }

 private:
  std::pmr::vector<std::int64_t> deltas_;
};

class Table {
 public:
  void add_column(const std::vector<std::int64_t>& values) { columns_.emplace_back(values, &memory_); }
  const Segment& column(std::size_t index) const { return columns_[index]; }
  // The memory the values of its columns take, as its resource counts it.
  std::size_t bytes_used() const { return memory_.bytes_in_use(); }

 private:
  CountingResource memory_;
  std::vector<Segment> columns_;
};
