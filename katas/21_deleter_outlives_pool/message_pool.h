// A subscriber that delivers each message in a buffer from its own pool.
// take() hands out a std::shared_ptr whose deleter gives the buffer back to
// the pool instead of freeing it, so a busy subscriber reuses a few buffers.
// A callback may keep a message after it returns: on a queue, in a cache, on
// another thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct Message {
  std::string payload;
};

// The buffers a pool keeps for reuse, and how many it ever made.
class Shelf {
 public:
  // A buffer to reuse, or a new one.
  std::unique_ptr<Message> take() {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) {
      ++made_;
      return std::make_unique<Message>();
    }
    std::unique_ptr<Message> message = std::move(free_.back());
    free_.pop_back();
    return message;
  }

  void give_back(Message* used) {
    if (used->payload.capacity() > largest_kept_) {  // a giant buffer is not worth keeping
      delete used;
      return;
    }
    used->payload.clear();
    const std::lock_guard<std::mutex> lock(mutex_);
    free_.emplace_back(used);
  }

  std::size_t made() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return made_;
  }

 private:
  const std::size_t largest_kept_ = 4 * 1024 * 1024;
  std::vector<std::unique_ptr<Message>> free_;
  std::size_t made_ = 0;
  mutable std::mutex mutex_;
};

class MessagePool {
 public:
  std::shared_ptr<Message> take() {
    return std::shared_ptr<Message>(shelf_.take().release(), [this](Message* used) { shelf_.give_back(used); });
  }

  std::size_t made() const { return shelf_.made(); }

 private:
  Shelf shelf_;
};

class Subscriber {
 public:
  using Callback = std::function<void(std::shared_ptr<const Message>)>;
  explicit Subscriber(Callback callback) : callback_(std::move(callback)) {}

  void deliver(std::string_view payload) {
    std::shared_ptr<Message> message = pool_.take();
    message->payload.assign(payload);
    callback_(std::move(message));
  }

  std::size_t buffers_made() const { return pool_.made(); }

 private:
  MessagePool pool_;
  Callback callback_;
};
