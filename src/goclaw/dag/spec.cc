// Names of spec enums.
#include "goclaw/dag/spec.h"

namespace goclaw::dag {

bool IsValidTaskTypeName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() < 'a' || name.front() > 'z') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string_view BackoffName(Backoff b) {
  return b == Backoff::kFixed ? "fixed" : "exponential";
}

}  // namespace goclaw::dag
