// The bottom layer's bookkeeping, compiled once per flavour: the contract is
// in harness/base.h.
#include "harness/base.h"

#if HARNESS_POOL_HOSTILE

#ifdef HARNESS_TSAN
extern "C" {
void AnnotateIgnoreSyncBegin(const char* file, int line);
void AnnotateIgnoreSyncEnd(const char* file, int line);
void AnnotateIgnoreReadsBegin(const char* file, int line);
void AnnotateIgnoreReadsEnd(const char* file, int line);
void AnnotateIgnoreWritesBegin(const char* file, int line);
void AnnotateIgnoreWritesEnd(const char* file, int line);
}
#endif

namespace harness::detail {

constinit thread_local int t_pool_bookkeeping = 0;

#ifdef HARNESS_TSAN
UnorderedForTsan::UnorderedForTsan() {
  AnnotateIgnoreSyncBegin(__FILE__, __LINE__);
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
  AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
}
UnorderedForTsan::~UnorderedForTsan() {
  AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
  AnnotateIgnoreSyncEnd(__FILE__, __LINE__);
}
#else
UnorderedForTsan::UnorderedForTsan() {}
UnorderedForTsan::~UnorderedForTsan() {}
#endif

}  // namespace harness::detail

#endif  // HARNESS_POOL_HOSTILE
