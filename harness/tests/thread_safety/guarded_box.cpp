// The check behind harness/thread_annotations.h: compiled by Clang with
// -Werror=thread-safety, a member guarded by a lock may be touched with the
// lock held, and touching it without (BREAK_THE_RULE) is refused.
#include <vector>

#include "harness/thread_annotations.h"

class GuardedBox {
 public:
  void add(int value) HARNESS_EXCLUDES(mu_) {
    harness::MutexLock lock(mu_);
    add_locked(value);
  }
#ifdef BREAK_THE_RULE
  int count() const { return static_cast<int>(items_.size()); }
#endif

 private:
  void add_locked(int value) HARNESS_REQUIRES(mu_) { items_.push_back(value); }

  mutable harness::Mutex mu_;
  std::vector<int> items_ HARNESS_GUARDED_BY(mu_);
};

int main() {
  GuardedBox box;
  box.add(1);
}
