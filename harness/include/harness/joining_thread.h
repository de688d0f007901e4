// harness/joining_thread.h — a thread that is joined when it goes out of scope.
//
// What it promises
//   * the part of std::jthread the katas use: it starts a thread running the
//     function it is given, and its destructor (or a move-assignment onto it)
//     waits for that thread to finish;
//   * it moves, like std::thread, and cannot be copied.
//
// What it does not promise
//   * stop tokens: std::jthread's request_stop() has no counterpart here.
//
// Why not std::jthread: libc++ has it only from LLVM 18, so Apple Clang on
// many participants' Macs does not. This builds everywhere.
#pragma once

#include <thread>
#include <utility>

namespace harness {

class JoiningThread {
 public:
  JoiningThread() = default;
  template <class Function>
  explicit JoiningThread(Function&& function) : thread_(std::forward<Function>(function)) {}
  JoiningThread(JoiningThread&&) noexcept = default;
  JoiningThread& operator=(JoiningThread&& other) noexcept {
    join();
    thread_ = std::move(other.thread_);
    return *this;
  }
  ~JoiningThread() { join(); }

  // Waits for the thread, once; later calls do nothing.
  void join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

}  // namespace harness
