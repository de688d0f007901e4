// The same object put back twice, in a program built with -fsanitize=address
// and nothing else: the second put() must stop the program with one line.
#include <memory>
#include <string>

#include "harness/pool.h"

int main() {
  harness::Pool<std::string> pool{[] { return std::make_unique<std::string>(); }};
  std::unique_ptr<std::string> text = pool.get();
  std::string* same = text.get();
  pool.put(std::move(text));
  pool.put(std::unique_ptr<std::string>(same));
  return 0;
}
