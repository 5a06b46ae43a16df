// gRPC call counting for /metrics (grpc_metrics.h).
#include "goclaw/api/grpc/grpc_metrics.h"

#include <algorithm>

namespace goclaw::api::grpc {

void GrpcMetrics::Observe(std::string_view method, std::string_view code, double seconds) {
  std::lock_guard lock(mu_);
  auto it = methods_.find(method);
  if (it == methods_.end()) it = methods_.emplace(std::string(method), PerMethod{}).first;
  PerMethod& m = it->second;
  m.duration.Record(seconds);
  for (auto& [c, n] : m.codes) {
    if (c == code) {
      ++n;
      return;
    }
  }
  m.codes.emplace_back(std::string(code), 1);
}

void GrpcMetrics::Write(metrics::TextWriter& w) const {
  std::lock_guard lock(mu_);
  w.Family("goclaw_grpc_requests_total", "counter", "gRPC calls answered, by method and status code.");
  for (const auto& [method, m] : methods_) {
    auto codes = m.codes;
    std::sort(codes.begin(), codes.end());
    for (const auto& [code, n] : codes) {
      w.Sample("goclaw_grpc_requests_total", {{"method", method}, {"code", code}}, static_cast<double>(n));
    }
  }
  w.Family("goclaw_grpc_request_duration_seconds", "histogram",
           "Time from a gRPC call's start to its status (streams: their whole life), by method.");
  for (const auto& [method, m] : methods_) {
    if (m.duration.count() > 0) w.Histogram("goclaw_grpc_request_duration_seconds", {{"method", method}}, m.duration);
  }
  w.Family("goclaw_grpc_streams", "gauge", "Open gRPC watch, log and saga streams (grpc.max_streams).");
  w.Sample("goclaw_grpc_streams", {}, static_cast<double>(streams_.load(std::memory_order_relaxed)));
  w.Family("goclaw_grpc_streams_refused_total", "counter", "Streams refused because grpc.max_streams were open.");
  w.Sample("goclaw_grpc_streams_refused_total", {}, static_cast<double>(refused_.load(std::memory_order_relaxed)));
}

metrics::Collector GrpcCollector(const GrpcMetrics& metrics) {
  return [&metrics](metrics::TextWriter& w) { metrics.Write(w); };
}

}  // namespace goclaw::api::grpc
