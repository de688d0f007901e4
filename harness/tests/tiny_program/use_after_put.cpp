// A program that knows nothing of the katas: it includes the pool, is built
// with -fsanitize=address and no other flag, and reads a string after
// putting it back. The pool's poison must catch the read.
#include <memory>
#include <string>

#include "harness/pool.h"

int main() {
  harness::Pool<std::string> pool{[] { return std::make_unique<std::string>(); }};
  std::unique_ptr<std::string> text = pool.get();
  *text = "still mine?";
  const std::string& kept = *text;
  pool.put(std::move(text));
  return static_cast<int>(kept.size());  // no: the pool's
}
