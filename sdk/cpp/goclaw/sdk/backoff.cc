// Backoff (backoff.h): capped exponential steps with equal jitter.
#include "goclaw/sdk/backoff.h"

#include <algorithm>

namespace goclaw::sdk {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max,
                 std::uint64_t seed)
    : initial_(std::max(initial, std::chrono::milliseconds(1))),
      max_(std::max(max, initial_)),
      rng_(seed) {}

std::chrono::milliseconds Backoff::Next() {
  // initial * 2^failures without overflow: stop doubling once past the cap.
  std::int64_t step = initial_.count();
  for (int i = 0; i < failures_ && step < max_.count(); ++i) step *= 2;
  step = std::min(step, static_cast<std::int64_t>(max_.count()));
  ++failures_;
  const std::int64_t half = step / 2;
  std::uniform_int_distribution<std::int64_t> jitter(0, step - half);
  return std::chrono::milliseconds(half + jitter(rng_));
}

}  // namespace goclaw::sdk
