// How many connections the HTTP server keeps open, and how its accept loop backs off when the
// process is out of file descriptors (EMFILE/ENFILE) instead of retrying at once (a busy loop).
//
// The default connection limit leaves a reserve of descriptors for the store (RocksDB files),
// executors (pipes, sockets) and logs: RLIMIT_NOFILE's soft limit - 256, at least 16. A
// configured limit is clamped to that. Connections over the limit are answered 503 and closed.
//
// Thread-safety: pure functions; an AcceptBackoff belongs to the accept loop.
#pragma once

#include <cstdint>

#include "goclaw/core/duration.h"

namespace goclaw::api::http {

inline constexpr std::int64_t kFdReserve = 256;
inline constexpr std::int64_t kMinConnections = 16;

// RLIMIT_NOFILE's soft limit (RLIM_INFINITY as a large number).
std::int64_t SoftFileLimit();
// `configured` 0: the default from `soft_file_limit`; else min(configured, that default).
std::int64_t EffectiveMaxConnections(std::int64_t configured, std::int64_t soft_file_limit);

// 10 ms, doubling to 1 s, per episode of accept failures; Reset when an accept succeeds.
class AcceptBackoff {
 public:
  static constexpr Millis kFirst{10};
  static constexpr Millis kMax{1000};
  Millis Next();                           // the pause before the next accept
  bool first() const { return failures_ == 1; }  // after Next: this failure started an episode
  bool failing() const { return failures_ > 0; }  // in an episode
  void Reset() { failures_ = 0; }

 private:
  int failures_ = 0;
  Millis delay_{0};
};

}  // namespace goclaw::api::http
