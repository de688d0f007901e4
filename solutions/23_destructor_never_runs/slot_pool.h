// A fixed pool of slots in one block of memory: make() builds an object in a
// free slot with placement new, release() gives the slot back. Opening and
// closing sessions then costs no allocation for the session itself.
#pragma once

#include <array>
#include <cstddef>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

template <class T, std::size_t Slots>
class SlotPool {
 public:
  SlotPool() {
    for (std::size_t slot = 0; slot < Slots; ++slot) free_[slot] = Slots - 1 - slot;
  }
  SlotPool(const SlotPool&) = delete;
  SlotPool& operator=(const SlotPool&) = delete;

  template <class... Args>
  T* make(Args&&... args) {
    if (free_count_ == 0) throw std::length_error("no free slot");
    T* object = ::new (static_cast<void*>(&slots_[free_[free_count_ - 1]])) T(std::forward<Args>(args)...);
    --free_count_;  // only once the object is built: a constructor that throws keeps its slot free
    return object;
  }

  void release(T* object) {
    object->~T();  // placement new built it, so nothing else will destroy it
    const auto* slot = reinterpret_cast<const Slot*>(object);
    free_[free_count_++] = static_cast<std::size_t>(slot - slots_.data());
  }

  std::size_t free_slots() const { return free_count_; }

 private:
  struct alignas(T) Slot {
    std::byte bytes[sizeof(T)];
  };
  std::array<Slot, Slots> slots_;
  std::array<std::size_t, Slots> free_;
  std::size_t free_count_ = Slots;
};

struct Session {
  explicit Session(std::string user_name) : user(std::move(user_name)) {}
  std::string user;
  std::vector<std::string> log;
};

inline SlotPool<Session, 16> sessions;

inline Session* open_session(std::string user) { return sessions.make(std::move(user)); }
inline void close_session(Session* session) { sessions.release(session); }
