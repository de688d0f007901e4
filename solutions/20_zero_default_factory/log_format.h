// Formats log entries in pooled buffers, through a small typed front end to
// harness::Pool that hands out plain pointers, as the older logging code does.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "harness/pool.h"

// A pool of T, a pointer type. Objects are owned by the pool while cached and
// by the caller between get() and put().
template <class T>
class TypedPool {
  static_assert(std::is_pointer_v<T>, "TypedPool hands out plain pointers");
  using Object = std::remove_pointer_t<T>;

 public:
  using Factory = std::function<T()>;

  // No default: T{} would be a null pointer. A pool must be told how to make one.
  explicit TypedPool(Factory make)
      : pool_([make] { return std::unique_ptr<Object>(make()); }) {}

  T get() { return pool_.get().release(); }
  void put(T object) { pool_.put(std::unique_ptr<Object>(object)); }
  harness::PoolStats stats() const { return pool_.stats(); }

 private:
  harness::Pool<Object> pool_;
};

struct Buffer {
  std::string text;
  void clear() { text.clear(); }
  void append(std::string_view piece) { text += piece; }
};

inline TypedPool<Buffer*> log_buffers{[] { return new Buffer; }};

inline std::string format_entry(std::string_view level, std::string_view message) {
  Buffer* buffer = log_buffers.get();
  buffer->clear();
  buffer->append("[");
  buffer->append(level);
  buffer->append("] ");
  buffer->append(message);
  std::string entry = buffer->text;
  log_buffers.put(buffer);
  return entry;
}
