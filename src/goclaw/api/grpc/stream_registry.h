// The gRPC API's open streams and waits: grpc.max_streams (a stream past it is refused), and
// a clean end for each of them when the server shuts down (before gRPC's own shutdown, which
// would otherwise wait for watch streams that never end by themselves).
//
// Counted entries are streams (watch, logs, sagas); uncounted ones are calls that wait for
// something (SubmitWorkflow with `wait`) and must also be answered at shutdown.
//
// Thread-safety: every method from any thread. `close` callbacks run without the registry's
// lock, on CloseAll's thread (or at once, on Open's, when it is already closed: then Open
// returns 0 and the caller answers UNAVAILABLE).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

#include "goclaw/api/grpc/grpc_metrics.h"

namespace goclaw::api::grpc {

class StreamRegistry {
 public:
  // `metrics` (optional) counts the open and refused streams; it must outlive the registry.
  explicit StreamRegistry(std::size_t max_streams, GrpcMetrics* metrics = nullptr)
      : max_(max_streams), metrics_(metrics) {}

  enum class Refusal { kNone, kFull, kClosed };
  // A handle for Release, or 0 with why not (kFull: max_streams counted entries are open).
  std::uint64_t Open(std::function<void()> close, bool counted, Refusal* why);
  void Release(std::uint64_t handle);
  // Refuses new entries and calls every open entry's `close`. Idempotent.
  void CloseAll();

  std::size_t open_streams() const { return streams_.load(std::memory_order_relaxed); }
  std::uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

 private:
  struct Entry {
    std::function<void()> close;
    bool counted = false;
  };
  const std::size_t max_;
  GrpcMetrics* const metrics_;
  std::mutex mu_;
  bool closed_ = false;
  std::uint64_t next_ = 0;
  std::unordered_map<std::uint64_t, Entry> open_;
  std::atomic<std::size_t> streams_{0};
  std::atomic<std::uint64_t> refused_{0};
};

}  // namespace goclaw::api::grpc
