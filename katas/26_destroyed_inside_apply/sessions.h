// Sessions kept in a pool by id. apply(id, f) finds a session, locks it, runs
// f on it and unlocks it, so that f never sees a session another thread is
// changing; remove(id) takes a session out and destroys it. serve() counts a
// request, and a session ends with the last request it may serve.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

struct Session {
  std::string user;
  int requests = 0;
  int applied = 0;  // how many times apply() ran on it
  std::mutex lock;
};

class SessionPool {
 public:
  void add(int id, std::string user) {
    auto session = std::make_unique<Session>();
    session->user = std::move(user);
    const std::lock_guard<std::mutex> hold(mutex_);
    sessions_[id] = std::move(session);
  }

  template <class F>
  bool apply(int id, F&& f) {
    Session* session = find(id);
    if (session == nullptr) return false;
    session->lock.lock();
    f(*session);
    ++session->applied;
    session->lock.unlock();
    return true;
  }

  void remove(int id) {
    const std::lock_guard<std::mutex> hold(mutex_);
    sessions_.erase(id);
  }

  std::size_t size() {
    const std::lock_guard<std::mutex> hold(mutex_);
    return sessions_.size();
  }

 private:
  Session* find(int id) {
    const std::lock_guard<std::mutex> hold(mutex_);
    const auto found = sessions_.find(id);
    return found == sessions_.end() ? nullptr : found->second.get();
  }

  std::mutex mutex_;
  std::map<int, std::unique_ptr<Session>> sessions_;
};

inline SessionPool sessions;

// Counts one request of session `id`; after its `limit`-th the session ends.
inline void serve(int id, int limit) {
  sessions.apply(id, [&](Session& session) {
    ++session.requests;
    if (session.requests >= limit) sessions.remove(id);
  });
}
