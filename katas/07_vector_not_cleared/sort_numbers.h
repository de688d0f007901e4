// Sorts a line of numbers: "3 1 2" becomes "1 2 3". The numbers are parsed
// into a pooled vector, so that a busy service does not allocate one per line.
#pragma once

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "harness/pool.h"

inline harness::Pool<std::vector<long>> number_buffers{[] { return std::make_unique<std::vector<long>>(); }};

inline std::string sort_numbers(std::string_view line) {
  std::unique_ptr<std::vector<long>> numbers = number_buffers.get();
  std::istringstream in{std::string(line)};
  for (long n; in >> n;) numbers->push_back(n);
  std::sort(numbers->begin(), numbers->end());

  std::string sorted;
  for (long n : *numbers) sorted += (sorted.empty() ? "" : " ") + std::to_string(n);
  number_buffers.put(std::move(numbers));
  return sorted;
}
