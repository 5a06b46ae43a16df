// How long a worker waits before it connects again: exponential (initial, 2x, 4x, ...),
// capped at `max`, with "equal jitter" (each delay is half the step plus a random part of the
// other half) so that workers cut off together do not all come back at the same instant.
// Reset() after a connection that was welcomed: the next break starts from `initial` again.
//
// Thread-safety: one user at a time. Deterministic for a given seed.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace goclaw::sdk {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max, std::uint64_t seed);

  std::chrono::milliseconds Next();
  void Reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds max_;
  int failures_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace goclaw::sdk
