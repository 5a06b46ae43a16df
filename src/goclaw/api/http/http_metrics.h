// What the HTTP server answered: requests by method, route and status code, and their
// durations by method and route. Fed by HttpServerOptions::observer; exposed through the
// collector below (registered by the server's wiring), as is the event hub's.
// Routes are the matched patterns ("/api/v1/workflows/{id}"), or "unmatched", so the number of
// series stays bounded whatever paths clients send. Observe allocates only the first time a
// (route, method, code) is seen.
//
// Thread-safety: Observe and Write from any thread (one mutex).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "goclaw/api/http/http_message.h"
#include "goclaw/metrics/collector_registry.h"
#include "goclaw/metrics/histogram.h"
#include "goclaw/metrics/text_format.h"

namespace goclaw::api::http {

class EventHub;

class HttpMetrics {
 public:
  void Observe(const HttpRequest& req, int status, double seconds);
  // A connection over server.max_connections was answered 503 and closed.
  void ConnectionRefused() { refused_connections_.fetch_add(1, std::memory_order_relaxed); }
  void Write(metrics::TextWriter& w) const;

 private:
  static constexpr std::size_t kMethods = 8;  // GET POST PUT PATCH DELETE OPTIONS HEAD OTHER
  struct PerMethod {
    metrics::Histogram duration;
    std::vector<std::pair<int, std::uint64_t>> codes;  // few per route: a flat list
  };
  using PerRoute = std::array<PerMethod, kMethods>;

  mutable std::mutex mu_;
  std::unordered_map<std::string, PerRoute> routes_;
  std::atomic<std::uint64_t> refused_connections_{0};
};

// goclaw_http_requests_total, goclaw_http_connections_refused_total and
// goclaw_http_request_duration_seconds. `metrics` must outlive the collector.
metrics::Collector HttpCollector(const HttpMetrics& metrics);
// goclaw_ws_clients, goclaw_ws_events_sent_total, goclaw_ws_slow_disconnects_total (/ws/events).
// `hub` must outlive the collector.
metrics::Collector EventHubCollector(const EventHub& hub);

}  // namespace goclaw::api::http
