// What the gRPC API answered, for /metrics: calls by method and status code, their durations by
// method, and the open streams. Fed by the server's interceptor (every method, the worker
// service's and grpc.health's included) and its stream registry; exposed through the collector
// below, which the server's wiring registers. Methods are the registered ones' full names
// ("goclaw.v1.WorkflowService/SubmitWorkflow"), so the series stay bounded.
//
// Thread-safety: every method from any thread (one mutex for the per-method table; counters
// are atomics). No gRPC headers here: the server's wiring owns one.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goclaw/metrics/collector_registry.h"
#include "goclaw/metrics/histogram.h"
#include "goclaw/metrics/text_format.h"

namespace goclaw::api::grpc {

class GrpcMetrics {
 public:
  // A call ended with `code` ("OK", "NOT_FOUND", ...) after `seconds`.
  void Observe(std::string_view method, std::string_view code, double seconds);
  void StreamOpened() { streams_.fetch_add(1, std::memory_order_relaxed); }
  void StreamClosed() { streams_.fetch_sub(1, std::memory_order_relaxed); }
  void StreamRefused() { refused_.fetch_add(1, std::memory_order_relaxed); }
  std::int64_t open_streams() const { return streams_.load(std::memory_order_relaxed); }

  // goclaw_grpc_requests_total{method,code}, goclaw_grpc_request_duration_seconds{method},
  // goclaw_grpc_streams, goclaw_grpc_streams_refused_total.
  void Write(metrics::TextWriter& w) const;

 private:
  struct PerMethod {
    metrics::Histogram duration;
    std::vector<std::pair<std::string, std::uint64_t>> codes;  // few per method: a flat list
  };
  mutable std::mutex mu_;
  std::map<std::string, PerMethod, std::less<>> methods_;
  std::atomic<std::int64_t> streams_{0};
  std::atomic<std::uint64_t> refused_{0};
};

// `metrics` must outlive the collector.
metrics::Collector GrpcCollector(const GrpcMetrics& metrics);

}  // namespace goclaw::api::grpc
