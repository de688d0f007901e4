// Turns raw input into UI events. Every kind of event derives from Event, so
// that queues and dispatchers can carry any of them through one interface.
// Each kind has its own pool, so that a busy input loop reuses events instead
// of allocating a new one per keystroke.
#pragma once

#include <memory>
#include <string>

#include "harness/pool.h"

struct Event {
  virtual ~Event() = default;
  virtual std::string describe() const = 0;
};

struct Click : Event {
  int x = 0;
  int y = 0;
  std::string describe() const override { return "click at " + std::to_string(x) + "," + std::to_string(y); }
};

struct KeyPress : Event {
  char key = 0;
  std::string describe() const override { return std::string("key ") + key; }
};

inline harness::Pool<Event> clicks{[] { return std::make_unique<Click>(); }};
inline harness::Pool<Event> key_presses{[] { return std::make_unique<KeyPress>(); }};

inline std::string on_click(int x, int y) {
  harness::Lease<Event> event = clicks.lease();
  Click* click = static_cast<Click*>(event.get());
  click->x = x;
  click->y = y;
  return click->describe();
}

inline std::string on_key(char key) {
  harness::Lease<Event> event = key_presses.lease();
  KeyPress* press = static_cast<KeyPress*>(event.get());
  press->key = key;
  return press->describe();
}
