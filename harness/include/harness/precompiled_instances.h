// The template instances most kata tests use, named once so that the
// precompiled header instantiates them (harness/cmake/PchCode.cmake).
//
// Promises: nothing to call. No function here is ever called; their bodies
// only name the instances. Included by the precompiled header alone (Clang
// on GCC's standard library), never by a test or a kata: with Clang's
// -fpch-codegen the instances' code is then compiled once per flavour, and a
// kata's test file, recompiled on every save, no longer generates and
// instruments each of them again.
//
// Does not: change what any test or kata does. A test that uses an instance
// not named here compiles it itself, as before; this list only makes saves
// faster (it was taken from the symbols the twenty test files each defined:
// GoogleTest's comparisons and printers of sizes, counts, strings and
// pointers, its << of string literals, and the pool of strings nine of the
// katas use). Where code comes from moves the code's layout, and with it
// which of two racing accesses ThreadSanitizer happens to report first
// (kata 12's README excerpt was regenerated for it).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "harness/pool.h"
#include "harness/testing.h"

namespace harness::precompiled {

// `<< "a message"` instantiates one operator<< per literal length.
template <std::size_t... N>
void stream_literals(std::index_sequence<N...>) {
  ::testing::Message message;
  ::testing::AssertionResult result(false);
  ((message << *static_cast<const char (*)[N + 1]>(nullptr)), ...);
  ((result << *static_cast<const char (*)[N + 1]>(nullptr)), ...);
}

template <typename A, typename B>
void compare(const A& a, const B& b) {
  EXPECT_EQ(a, b);
  EXPECT_NE(a, b);
  EXPECT_LT(a, b);
  EXPECT_LE(a, b);
  EXPECT_GT(a, b);
  EXPECT_GE(a, b);
}

template <typename T>
void stream(const T& value) {
  ::testing::Message message;
  message << value;
  ::testing::AssertionResult result(false);
  result << value;
  (void)::testing::PrintToString(value);
}

// A pool of strings, as nine katas have, and what their tests ask of it.
inline void pool_of_strings() {
  Pool<std::string> pool{[] { return std::make_unique<std::string>(); }};
  std::unique_ptr<std::string> object = pool.get();
  EXPECT_NE(object, nullptr);
  EXPECT_EQ(object, nullptr);
  pool.put(std::move(object));
  pool.put(pool.try_get());
  Lease<std::string> lease = pool.lease();
  lease->append("x");
  pool.put(lease.release());
  pool.collect();
  const testing::PoolActivity<std::string> activity(pool);
  (void)(activity.gets() + activity.hits() + activity.factory_calls() + activity.puts());
  testing::drain(pool);
}

inline void name_the_instances() {
  stream_literals(std::make_index_sequence<192>{});
  pool_of_strings();
  std::vector<std::string> strings;
  strings.push_back(std::string());
  strings.emplace_back("x");
  strings.emplace_back(std::string_view());
  const std::string_view view = std::string();
  (void)std::string_view("x");
  EXPECT_EQ(view, std::string_view());
  EXPECT_EQ(view, "x");
  stream(nullptr);
  compare(std::size_t{}, 0u);
  compare(0u, std::size_t{});
  compare(std::size_t{}, std::size_t{});
  compare(0, 0);
  compare(0L, 0L);
  compare(0LL, 0LL);
  compare(0u, 0u);
  compare(std::string(), std::string());
  EXPECT_EQ(std::string(), static_cast<const char*>(nullptr));
  EXPECT_TRUE(true);
  EXPECT_FALSE(false);
  stream(0);
  stream(0u);
  stream(0L);
  stream(0LL);
  stream(std::size_t{});
  stream(0.0);
  stream('x');
  stream(true);
  stream(static_cast<const char*>(nullptr));
  stream(std::string());
  stream(std::string_view());
}

}  // namespace harness::precompiled
