// Delay before the next attempt of a failed task, from its RetryPolicy: fixed or exponential
// backoff (initial * multiplier^(n-1)), capped at max_delay, with optional full jitter
// (uniform in [delay/2, delay]) so that many tasks failing together do not retry together.
//
// Thread-safety: pure; the random source is the caller's.
#pragma once

#include <cstdint>
#include <random>

#include "goclaw/core/duration.h"
#include "goclaw/dag/spec.h"

namespace goclaw::engine {

// `retry` counts retries so far, from 1 for the first retry.
Millis RetryDelay(const dag::RetryPolicy& policy, std::int64_t retry, std::mt19937_64& rng);

}  // namespace goclaw::engine
