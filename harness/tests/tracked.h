// A pooled type that counts its live instances, for the harness tests.
#pragma once

#include <atomic>
#include <memory>

struct Tracked {
  static inline std::atomic<int> live{0};
  static inline std::atomic<int> created{0};

  Tracked() {
    live.fetch_add(1);
    created.fetch_add(1);
  }
  ~Tracked() { live.fetch_sub(1); }
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;

  static std::unique_ptr<Tracked> make() { return std::make_unique<Tracked>(); }

  std::atomic<bool> held{false};  // set while someone holds it (stress test)
  int value = 0;
};
