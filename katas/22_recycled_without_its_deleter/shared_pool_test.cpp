// Kata 22: an object the pool hands out goes back to the pool every time its
// last shared_ptr goes, not only the first time.
#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "shared_pool.h"

namespace {

// Counts how many were built and destroyed, so that a test sees an object
// deleted where it should have gone back to the pool.
struct Tracked {
  static inline std::atomic<int> built{0};
  static inline std::atomic<int> destroyed{0};
  Tracked() { ++built; }
  ~Tracked() { ++destroyed; }
  int uses = 0;
};

struct Counts {
  int built = Tracked::built;
  int destroyed = Tracked::destroyed;
};

}  // namespace

TEST(RecycledWithoutItsDeleter, FindsTheNumbersInALine) {
  EXPECT_EQ(numbers_in("12 apples, 7 pears and 300 plums"), (std::vector<long>{12, 7, 300}));
  EXPECT_EQ(numbers_in("none"), std::vector<long>{});
}

TEST(RecycledWithoutItsDeleter, ObjectsOutAtTheSameTimeAreDistinct) {
  SharedPool<Tracked> pool;
  const std::shared_ptr<Tracked> first = pool.get();
  const std::shared_ptr<Tracked> second = pool.get();
  ASSERT_NE(first, nullptr);
  EXPECT_NE(first.get(), second.get()) << "the pool handed one object to two holders at once";
}

TEST(RecycledWithoutItsDeleter, AReleasedObjectComesBack) {
  SharedPool<Tracked> pool;
  const Counts before;
  const Tracked* address = nullptr;
  {
    const std::shared_ptr<Tracked> object = pool.get();
    address = object.get();
  }
  const std::shared_ptr<Tracked> again = pool.get();
  EXPECT_EQ(again.get(), address) << "the object released first was not the one handed out next";
  EXPECT_EQ(Tracked::destroyed - before.destroyed, 0) << "releasing the object deleted it";
}

TEST(RecycledWithoutItsDeleter, AnObjectComesBackEveryTimeItIsReleased) {
  SharedPool<Tracked> pool;
  const Counts before;
  for (int round = 1; round <= 10; ++round) {
    const std::shared_ptr<Tracked> object = pool.get();
    ++object->uses;
  }
  const int destroyed = Tracked::destroyed - before.destroyed;
  EXPECT_EQ(destroyed, 0) << "10 uses one after another deleted " << destroyed
                          << " objects, and the pool made " << pool.made()
                          << ": an object the pool handed out again was deleted when released, "
                             "instead of going back to the pool";  // for: this kata's bug
  EXPECT_EQ(pool.made(), 1u);  // for: this kata's bug
  EXPECT_EQ(pool.get()->uses, 10) << "the one object should have served all ten uses";  // for: this kata's bug
}

TEST(RecycledWithoutItsDeleter, ParsingLineAfterLineUsesOneParser) {
  const std::size_t made_before = parsers.made();
  for (int i = 0; i < 100; ++i) ASSERT_EQ(numbers_in("1 2 3"), (std::vector<long>{1, 2, 3}));
  EXPECT_LE(parsers.made() - made_before, 1u)
      << "100 lines parsed one after another built " << parsers.made() - made_before
      << " parsers: a released parser should go back to the pool for the next line";  // for: this kata's bug
}

TEST(RecycledWithoutItsDeleter, AnObjectReleasedOnAnotherThreadComesBack) {
  SharedPool<Tracked> pool;
  const Counts before;
  for (int round = 0; round < 3; ++round) {
    std::shared_ptr<Tracked> object = pool.get();
    std::thread([held = std::move(object)]() mutable { held.reset(); }).join();
  }
  EXPECT_EQ(Tracked::destroyed - before.destroyed, 0) << "an object released on another thread was deleted";  // for: this kata's bug
  EXPECT_EQ(pool.made(), 1u);  // for: this kata's bug
}

TEST(RecycledWithoutItsDeleter, DestroyingThePoolDestroysWhatItKeeps) {
  const Counts before;
  {
    SharedPool<Tracked> pool;
    const std::shared_ptr<Tracked> a = pool.get();
    const std::shared_ptr<Tracked> b = pool.get();
  }  // a and b go back, then the pool goes
  EXPECT_EQ(Tracked::built - before.built, 2);
  EXPECT_EQ(Tracked::destroyed - before.destroyed, 2)
      << "the pool went away without destroying the objects it kept (or destroyed one twice)";
}

// Objects released on two threads at once, with nothing ordering the two
// releases: the pool's own bookkeeping must keep them apart.
TEST(RecycledWithoutItsDeleter, ObjectsReleasedOnTwoThreadsAtOnceBothComeBack) {
  SharedPool<Tracked> pool;
  const Counts before;
  std::shared_ptr<Tracked> first = pool.get();
  std::shared_ptr<Tracked> second = pool.get();
  std::thread one([held = std::move(first)]() mutable { held.reset(); });
  std::thread two([held = std::move(second)]() mutable { held.reset(); });
  one.join();
  two.join();
  EXPECT_EQ(Tracked::destroyed - before.destroyed, 0) << "an object released on another thread was deleted";
  const std::shared_ptr<Tracked> a = pool.get();
  const std::shared_ptr<Tracked> b = pool.get();
  EXPECT_EQ(pool.made(), 2u) << "two objects released at once did not both come back";
}
