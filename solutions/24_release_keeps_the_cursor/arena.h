// A monotonic arena: allocate() moves a cursor through the current block and
// takes a new block, twice the last one's size, when that one runs out;
// nothing is freed one by one. release() frees every block at once, so that
// a server can reuse one arena request after request.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

class Arena {
 public:
  explicit Arena(std::size_t first_block = 1024) : first_block_(first_block), next_block_(first_block) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void* allocate(std::size_t size, std::size_t align = alignof(std::max_align_t)) {
    void* place = cursor_;
    std::size_t space = left_;
    if (place == nullptr || std::align(align, size, place, space) == nullptr) {
      new_block(size + align);
      place = cursor_;
      space = left_;
      std::align(align, size, place, space);
    }
    cursor_ = static_cast<char*>(place) + size;
    left_ = space - size;
    return place;
  }

  // Frees every block; what was allocated before is gone. The arena is then
  // as it was built: no current block, and the first block's size again.
  void release() {
    blocks_.clear();
    cursor_ = nullptr;
    left_ = 0;
    next_block_ = first_block_;
  }

  std::size_t blocks() const { return blocks_.size(); }

 private:
  void new_block(std::size_t at_least) {
    const std::size_t size = std::max(next_block_, at_least);
    blocks_.push_back(std::make_unique<char[]>(size));
    cursor_ = blocks_.back().get();
    left_ = size;
    next_block_ = size * 2;
  }

  std::size_t first_block_;
  std::size_t next_block_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cursor_ = nullptr;
  std::size_t left_ = 0;
};

// A copy of `text` in the arena, valid until the arena's next release().
inline std::string_view copy_into(Arena& arena, std::string_view text) {
  char* copy = static_cast<char*>(arena.allocate(text.size(), 1));
  std::memcpy(copy, text.data(), text.size());
  return {copy, text.size()};
}
