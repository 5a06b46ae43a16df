// Backoff computation.
#include "goclaw/engine/retry.h"

#include <algorithm>
#include <cmath>

namespace goclaw::engine {

Millis RetryDelay(const dag::RetryPolicy& policy, std::int64_t retry, std::mt19937_64& rng) {
  double ms = static_cast<double>(policy.initial.count());
  if (policy.backoff == dag::Backoff::kExponential && retry > 1) {
    ms *= std::pow(policy.multiplier, static_cast<double>(retry - 1));
  }
  ms = std::min(ms, static_cast<double>(policy.max_delay.count()));
  if (policy.jitter && ms > 0) {
    std::uniform_real_distribution<double> half_to_full(ms / 2, ms);
    ms = half_to_full(rng);
  }
  return Millis(static_cast<Millis::rep>(std::llround(ms)));
}

}  // namespace goclaw::engine
