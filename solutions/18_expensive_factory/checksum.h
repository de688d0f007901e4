// Checksums messages with CRC-32. Computing the lookup table is the costly
// part, so whole engines, table included, are pooled and reused by callers.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "harness/pool.h"

// How many times a lookup table has been computed since the program started.
inline std::atomic<int> table_builds{0};
inline int tables_built() { return table_builds.load(); }

// The 256-entry table of the reflected CRC-32 polynomial 0xEDB88320.
struct CrcTable {
  std::array<std::uint32_t, 256> entry{};
  CrcTable() {
    table_builds.fetch_add(1);
    for (std::uint32_t byte = 0; byte < 256; ++byte) {
      std::uint32_t crc = byte;
      for (int bit = 0; bit < 8; ++bit) crc = (crc & 1u) ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
      entry[byte] = crc;
    }
  }
};

// The one table of the program, computed the first time an engine needs it.
inline const CrcTable& shared_crc_table() {
  static const CrcTable table;
  return table;
}

struct CrcEngine {
  const CrcTable& table = shared_crc_table();  // shared, never recomputed
  std::uint32_t state = 0;

  void start() { state = 0xFFFFFFFFu; }
  void feed(std::string_view bytes) {
    for (unsigned char b : bytes) state = table.entry[(state ^ b) & 0xFFu] ^ (state >> 8);
  }
  std::uint32_t finish() const { return state ^ 0xFFFFFFFFu; }
};

inline harness::Pool<CrcEngine> crc_engines{[] { return std::make_unique<CrcEngine>(); }};

inline std::uint32_t crc32(std::string_view message) {
  harness::Lease<CrcEngine> engine = crc_engines.lease();
  engine->start();
  engine->feed(message);
  return engine->finish();
}
