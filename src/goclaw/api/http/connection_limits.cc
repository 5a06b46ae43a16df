// Connection limit from RLIMIT_NOFILE; the accept loop's back-off.
#include "goclaw/api/http/connection_limits.h"

#include <sys/resource.h>

#include <algorithm>
#include <limits>

namespace goclaw::api::http {

std::int64_t SoftFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) {
    return std::numeric_limits<std::int32_t>::max();
  }
  return static_cast<std::int64_t>(std::min<rlim_t>(rl.rlim_cur, std::numeric_limits<std::int32_t>::max()));
}

std::int64_t EffectiveMaxConnections(std::int64_t configured, std::int64_t soft_file_limit) {
  const std::int64_t cap = std::max(kMinConnections, soft_file_limit - kFdReserve);
  return configured <= 0 ? cap : std::min(configured, cap);
}

Millis AcceptBackoff::Next() {
  ++failures_;
  delay_ = failures_ == 1 ? kFirst : std::min(kMax, delay_ * 2);
  return delay_;
}

}  // namespace goclaw::api::http
