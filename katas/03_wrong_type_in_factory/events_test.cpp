// Kata 03: each pool must hand out the kind of event its callers expect.
#include <gtest/gtest.h>

#include "events.h"
#include "harness/testing.h"

TEST(WrongTypeInFactory, ClicksAreDescribed) {
  EXPECT_EQ(on_click(3, 4), "click at 3,4");
  EXPECT_EQ(on_click(10, 20), "click at 10,20");
}

TEST(WrongTypeInFactory, KeyPressesAreDescribed) {
  EXPECT_EQ(on_key('q'), "key q") << "on_key() worked on an event that is not a key press";
  EXPECT_EQ(on_key('w'), "key w") << "on_key() worked on an event that is not a key press";
}

// Whatever a pool hands out, its callers treat as their own kind of event:
// every object in the pool and every one its factory makes. The pools are
// drained first, so that the events come from the factories themselves, not
// from what earlier calls put back.
// (auto: the test also compiles if a pool is declared over the derived type.)
TEST(WrongTypeInFactory, EachPoolHandsOutItsOwnKindOfEvent) {
  const harness::testing::ExactPool exact("looks at what the call left in the pool: race mode may drop or move it");
  on_key('a');  // whatever on_key() does to the pool, it has done it
  harness::testing::drain(key_presses);
  auto first_press = key_presses.get();
  auto second_press = key_presses.get();
  EXPECT_NE(dynamic_cast<KeyPress*>(first_press.get()), nullptr)
      << "key_presses' factory makes events that are not a KeyPress: every caller that treats one as a key press "
         "reads and writes an object of another type";
  EXPECT_NE(dynamic_cast<KeyPress*>(second_press.get()), nullptr)
      << "key_presses' factory makes events that are not a KeyPress";
  key_presses.put(std::move(first_press));
  key_presses.put(std::move(second_press));

  on_click(1, 2);
  harness::testing::drain(clicks);
  auto click = clicks.get();
  EXPECT_NE(dynamic_cast<Click*>(click.get()), nullptr) << "clicks' factory makes events that are not a Click";
  clicks.put(std::move(click));
}

TEST(WrongTypeInFactory, EventsAreReused) {
  const harness::testing::ExactPool exact("counts reuse: a put() that race mode drops would count as a miss");
  on_key('a');  // from here on each pool holds an event
  on_click(0, 0);
  const harness::testing::PoolActivity key_activity(key_presses);
  const harness::testing::PoolActivity click_activity(clicks);
  for (char key : {'x', 'y', 'z'}) EXPECT_EQ(on_key(key), std::string("key ") + key);
  EXPECT_EQ(on_click(5, 6), "click at 5,6");
  EXPECT_EQ(key_activity.gets(), 3u) << "on_key() must take its event from key_presses";
  EXPECT_EQ(key_activity.factory_calls(), 0u)
      << "on_key() should reuse the pooled key press, not make a new one each time";
  EXPECT_EQ(click_activity.gets(), 1u) << "on_click() must take its event from clicks";
  EXPECT_EQ(click_activity.factory_calls(), 0u)
      << "on_click() should reuse the pooled click, not make a new one each time";
}
