// Request counting for /metrics.
#include "goclaw/api/http/http_metrics.h"

#include <algorithm>
#include <string_view>

#include "goclaw/api/http/event_stream.h"

namespace goclaw::api::http {
namespace {

constexpr std::array<std::string_view, 8> kMethodNames = {"GET",    "POST",    "PUT",  "PATCH",
                                                          "DELETE", "OPTIONS", "HEAD", "OTHER"};

std::size_t MethodIndex(const std::string& method) {
  for (std::size_t i = 0; i + 1 < kMethodNames.size(); ++i) {
    if (method == kMethodNames[i]) return i;
  }
  return kMethodNames.size() - 1;
}

const std::string kUnmatched = "unmatched";

}  // namespace

void HttpMetrics::Observe(const HttpRequest& req, int status, double seconds) {
  const std::string& route = req.route.empty() ? kUnmatched : req.route;
  const std::size_t method = MethodIndex(req.method);
  std::lock_guard lock(mu_);
  auto it = routes_.find(route);
  if (it == routes_.end()) it = routes_.emplace(route, PerRoute{}).first;
  PerMethod& m = it->second[method];
  m.duration.Record(seconds);
  for (auto& [code, n] : m.codes) {
    if (code == status) {
      ++n;
      return;
    }
  }
  m.codes.emplace_back(status, 1);
}

void HttpMetrics::Write(metrics::TextWriter& w) const {
  std::lock_guard lock(mu_);
  std::vector<const std::pair<const std::string, PerRoute>*> sorted;  // stable output order
  for (const auto& entry : routes_) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  w.Family("goclaw_http_requests_total", "counter", "HTTP requests answered, by method, route and status code.");
  for (const auto* entry : sorted) {
    for (std::size_t i = 0; i < kMethods; ++i) {
      auto codes = entry->second[i].codes;
      std::sort(codes.begin(), codes.end());
      for (const auto& [code, n] : codes) {
        const std::string status = std::to_string(code);
        w.Sample("goclaw_http_requests_total",
                 {{"method", kMethodNames[i]}, {"route", entry->first}, {"code", status}}, static_cast<double>(n));
      }
    }
  }
  w.Family("goclaw_http_connections_refused_total", "counter",
           "Connections answered 503 and closed because server.max_connections were open.");
  w.Sample("goclaw_http_connections_refused_total", {},
           static_cast<double>(refused_connections_.load(std::memory_order_relaxed)));
  w.Family("goclaw_http_request_duration_seconds", "histogram",
           "Time from reading a request's headers to its answer, by method and route.");
  for (const auto* entry : sorted) {
    for (std::size_t i = 0; i < kMethods; ++i) {
      const PerMethod& m = entry->second[i];
      if (m.duration.count() == 0) continue;
      w.Histogram("goclaw_http_request_duration_seconds", {{"method", kMethodNames[i]}, {"route", entry->first}},
                  m.duration);
    }
  }
}

metrics::Collector HttpCollector(const HttpMetrics& metrics) {
  return [&metrics](metrics::TextWriter& w) { metrics.Write(w); };
}

metrics::Collector EventHubCollector(const EventHub& hub) {
  return [&hub](metrics::TextWriter& w) {
    const EventHub::Stats s = hub.stats();
    w.Family("goclaw_ws_clients", "gauge", "Connected /ws/events clients.");
    w.Sample("goclaw_ws_clients", {}, static_cast<double>(s.clients));
    w.Family("goclaw_ws_events_sent_total", "counter", "Event messages queued to /ws/events clients.");
    w.Sample("goclaw_ws_events_sent_total", {}, static_cast<double>(s.events_sent));
    w.Family("goclaw_ws_slow_disconnects_total", "counter", "Clients disconnected for falling behind.");
    w.Sample("goclaw_ws_slow_disconnects_total", {}, static_cast<double>(s.slow_disconnects));
  };
}

}  // namespace goclaw::api::http
