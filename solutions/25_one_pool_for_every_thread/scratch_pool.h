// Batches of vertices are scaled and summed in scratch buffers from a pool,
// so that a renderer does not allocate per batch. ScratchPool takes no lock:
// it is made for one thread, like a per-thread allocator.
#pragma once

#include <cstddef>
#include <memory>
#include <numeric>
#include <thread>
#include <vector>

class ScratchPool {
 public:
  std::vector<float>* take() {
    if (free_.empty()) {
      made_.push_back(std::make_unique<std::vector<float>>());
      return made_.back().get();
    }
    std::vector<float>* buffer = free_.back();
    free_.pop_back();
    return buffer;
  }

  void give_back(std::vector<float>* buffer) {
    buffer->clear();
    free_.push_back(buffer);
  }

 private:
  std::vector<std::unique_ptr<std::vector<float>>> made_;
  std::vector<std::vector<float>*> free_;
};

// One pool per thread, as the pool was made for: no thread takes or gives
// back a buffer from another thread's pool.
inline thread_local ScratchPool scratch;

// The sum of the batch's vertices, each scaled by `scale`.
inline float scaled_sum(const std::vector<float>& batch, float scale) {
  std::vector<float>* buffer = scratch.take();
  for (const float v : batch) buffer->push_back(v * scale);
  const float sum = std::accumulate(buffer->begin(), buffer->end(), 0.0f);
  scratch.give_back(buffer);
  return sum;
}

// Each batch's scaled sum, the batches split between `workers` threads.
inline std::vector<float> scaled_sums(const std::vector<std::vector<float>>& batches, float scale, int workers) {
  std::vector<float> sums(batches.size());
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      for (std::size_t i = static_cast<std::size_t>(w); i < batches.size(); i += static_cast<std::size_t>(workers)) {
        sums[i] = scaled_sum(batches[i], scale);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return sums;
}
