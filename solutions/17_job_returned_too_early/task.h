// Runs text jobs on worker threads. A job carries the caller's input and,
// once the worker is done, its result: the input with a map applied to every
// character. Jobs are pooled so that their strings keep their capacity from
// one job to the next.
#pragma once

#include <cctype>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "harness/pool.h"

struct Job {
  std::string input;   // set by the caller
  std::string result;  // set by the worker
};

inline harness::Pool<Job> jobs{[] { return std::make_unique<Job>(); }};

using CharMap = std::function<char(char)>;
inline char upper_case(char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); }

// What the caller holds while its job runs: it starts the worker, which maps
// the input (upper-cases it, unless told otherwise), and hands out the result.
class Task {
 public:
  explicit Task(std::string_view input, CharMap map = upper_case) {
    job_ = jobs.get();
    job_->input = input;
    worker_ = std::thread([job = job_.get(), map = std::move(map)] {  // the worker only borrows the job
      job->result.clear();
      for (const char c : job->input) job->result += map(c);
    });
  }
  ~Task() {
    if (worker_.joinable()) worker_.join();
    jobs.put(std::move(job_));  // the caller is done with the result: now the job may go
  }

  // Waits for the worker, then returns the job's result.
  const std::string& result() {
    if (worker_.joinable()) worker_.join();
    return job_->result;
  }

 private:
  std::unique_ptr<Job> job_;  // the caller owns the job until the task ends
  std::thread worker_;
};
