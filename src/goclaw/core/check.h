// Invariant checks. GOCLAW_CHECK aborts (in every build) when a condition that the code relies
// on is false: a broken invariant is a bug, not bad input. GOCLAW_DCHECK does the same in debug
// builds only. Bad input must be reported with a Result instead (see status.h).
#pragma once

namespace goclaw::internal {
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);
}  // namespace goclaw::internal

#define GOCLAW_CHECK(cond)                                              \
  do {                                                                  \
    if (!(cond)) [[unlikely]] {                                         \
      ::goclaw::internal::CheckFailed(#cond, __FILE__, __LINE__);       \
    }                                                                   \
  } while (false)

#ifdef NDEBUG
#define GOCLAW_DCHECK(cond) \
  do {                      \
  } while (false && (cond))
#else
#define GOCLAW_DCHECK(cond) GOCLAW_CHECK(cond)
#endif
