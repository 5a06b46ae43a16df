// Reports a failed invariant and aborts.
#include "goclaw/core/check.h"

#include <cstdio>
#include <cstdlib>

namespace goclaw::internal {

void CheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "goclaw: check failed: %s at %s:%d\n", condition, file, line);
  std::abort();
}

}  // namespace goclaw::internal
