// Kata 27: a table's values are stored on the table's own memory resource,
// which therefore counts every byte of them, and nowhere else.
#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <vector>

#include <gtest/gtest.h>

#include "table.h"

namespace {

std::vector<std::int64_t> readings(std::size_t count) {
  std::vector<std::int64_t> values;
  for (std::size_t i = 0; i < count; ++i) values.push_back(1'000'000 + static_cast<std::int64_t>(i * i % 97));
  return values;
}

// Counts, by itself, what it hands out and has back: the test's own
// measure, apart from the program's CountingResource.
class Counter : public std::pmr::memory_resource {
 public:
  long long bytes_in_use() const { return bytes_in_use_; }

 private:
  void* do_allocate(std::size_t bytes, std::size_t alignment) override {
    bytes_in_use_ += static_cast<long long>(bytes);
    return std::pmr::new_delete_resource()->allocate(bytes, alignment);
  }
  void do_deallocate(void* memory, std::size_t bytes, std::size_t alignment) override {
    bytes_in_use_ -= static_cast<long long>(bytes);
    std::pmr::new_delete_resource()->deallocate(memory, bytes, alignment);
  }
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }

  long long bytes_in_use_ = 0;
};

// While it lives, the default memory resource is one that counts: whatever a
// std::pmr container takes without being told where, it takes from here.
class CountedDefaultResource {
 public:
  CountedDefaultResource() : previous_(std::pmr::set_default_resource(&counter_)) {}
  ~CountedDefaultResource() { std::pmr::set_default_resource(previous_); }
  long long bytes_in_use() const { return counter_.bytes_in_use(); }
  bool still_default() const { return std::pmr::get_default_resource() == &counter_; }

 private:
  Counter counter_;
  std::pmr::memory_resource* previous_;
};

}  // namespace

TEST(TargetKeepsItsAllocator, ColumnsReadBackTheirValues) {
  Table table;
  table.add_column(readings(500));
  table.add_column({5, -3, 8});
  EXPECT_EQ(table.column(0).rows(), 500u);
  EXPECT_EQ(table.column(0).at(0), readings(500)[0]);
  EXPECT_EQ(table.column(0).at(499), readings(500)[499]);
  EXPECT_EQ(table.column(1).at(1), -3);
  EXPECT_EQ(table.column(1).at(2), 8);
}

TEST(TargetKeepsItsAllocator, TheTableCountsTheMemoryItsValuesTake) {
  Table table;
  table.add_column(readings(1000));
  const std::size_t values_bytes = 1000 * sizeof(std::int64_t);
  EXPECT_GE(table.bytes_used(), values_bytes)
      << "the table holds 1000 values (" << values_bytes << " bytes of deltas), but its resource counts "
      << table.bytes_used() << " bytes in use: the values live in memory that the table's resource did not hand out";  // for: this kata's bug
}

TEST(TargetKeepsItsAllocator, NoValueIsStoredOnTheDefaultResource) {
  CountedDefaultResource default_resource;
  {
    Table table;
    for (int column = 0; column < 4; ++column) table.add_column(readings(250));
    EXPECT_TRUE(default_resource.still_default()) << "building a table changed the program's default memory resource";
    EXPECT_EQ(default_resource.bytes_in_use(), 0)
        << "with the table built, " << default_resource.bytes_in_use()
        << " bytes of it are on the default memory resource, where the table does not count them";  // for: this kata's bug
    EXPECT_GE(table.bytes_used(), 1000 * sizeof(std::int64_t));  // for: this kata's bug
  }
  EXPECT_EQ(default_resource.bytes_in_use(), 0)
      << "once the table was destroyed, the default memory resource had " << -default_resource.bytes_in_use()
      << " bytes more back than it handed out: the table gave its values' memory back to a resource that did not "
         "hand it out";
}

TEST(TargetKeepsItsAllocator, TwoTablesCountTheirOwnValues) {
  Table small;
  Table large;
  small.add_column(readings(10));
  large.add_column(readings(5000));
  small.add_column(readings(10));
  EXPECT_LT(small.bytes_used(), 1000u) << "a table of 20 values counts " << small.bytes_used() << " bytes";
  EXPECT_GE(small.bytes_used(), 20 * sizeof(std::int64_t))
      << "a table of two 10-value columns counts " << small.bytes_used()
      << " bytes in use, less than its 160 bytes of values: small columns' values live elsewhere";  // for: this kata's bug
  EXPECT_GE(large.bytes_used(), 5000 * sizeof(std::int64_t));  // for: this kata's bug
}
