// Formats tables of (id, name) rows in fixed-width columns. Formatters are
// pooled: each one keeps a scratch line and its header, rendered once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/pool.h"

struct RowFormatter {
  RowFormatter();

  // Lays out one row: the id padded to 6 characters, the name to 10.
  const std::string& row(std::string_view id, std::string_view name) {
    line.clear();
    line += id;
    line.resize(6, ' ');
    line += name;
    line.resize(16, ' ');
    line += '\n';
    return line;
  }

  std::string header;
  std::string line;
};

inline harness::Pool<RowFormatter> row_formatters{[] { return std::make_unique<RowFormatter>(); }};

// The header is laid out like any other row, so borrow a formatter to render it.
inline RowFormatter::RowFormatter() {
  harness::Lease<RowFormatter> helper = row_formatters.lease();
  header = helper->row("id", "name");
}

inline std::string format_table(const std::vector<std::pair<std::string, std::string>>& rows) {
  harness::Lease<RowFormatter> formatter = row_formatters.lease();
  std::string table = formatter->header;
  for (const auto& [id, name] : rows) table += formatter->row(id, name);
  return table;
}
