// Totals CSV payloads of "id,amount" rows. Decoders are pooled: each one keeps
// a scratch vector for the fields of the row it is reading, reused row after
// row and call after call.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/pool.h"

struct Totals {
  std::size_t rows = 0;
  long long amount = 0;
};

struct Decoder {
  std::shared_ptr<const std::string> input;  // the fields point into it: keep it alive
  std::vector<std::string_view> fields;      // scratch for the current row

  void reset() {
    input.reset();
    fields.clear();
  }

  Totals run() {
    Totals totals;
    std::string_view rest = *input;
    while (!rest.empty()) {
      const std::size_t end = std::min(rest.find('\n'), rest.size());
      split(rest.substr(0, end));
      rest.remove_prefix(std::min(end + 1, rest.size()));
      long long amount = 0;
      if (fields.size() == 2) std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), amount);
      ++totals.rows;
      totals.amount += amount;
    }
    return totals;
  }

  void split(std::string_view row) {
    fields.clear();
    for (std::size_t comma; (comma = row.find(',')) != std::string_view::npos; row.remove_prefix(comma + 1))
      fields.push_back(row.substr(0, comma));
    fields.push_back(row);
  }
};

inline harness::Pool<Decoder> decoders{[] { return std::make_unique<Decoder>(); }};

inline Totals total(std::shared_ptr<const std::string> payload) {
  harness::Lease<Decoder> decoder = decoders.lease();
  // The pool must not keep the caller's payload alive, on any way out of
  // here: declared after the lease, this runs before the lease puts the
  // decoder back, when run() returns and when it throws.
  struct ResetOnExit {
    Decoder& decoder;
    ~ResetOnExit() { decoder.reset(); }
  } reset_on_exit{*decoder};
  decoder->input = std::move(payload);
  return decoder->run();
}
