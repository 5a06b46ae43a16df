// Request counting for /metrics.
#include "goclaw/api/http/http_metrics.h"

#include <array>

namespace goclaw::api {
namespace {

std::string MethodLabel(const std::string& method) {
  static constexpr std::array<std::string_view, 7> kKnown = {"GET", "POST", "PUT", "PATCH",
                                                             "DELETE", "OPTIONS", "HEAD"};
  for (std::string_view m : kKnown) {
    if (method == m) return method;
  }
  return "OTHER";
}

}  // namespace

void HttpMetrics::Observe(const HttpRequest& req, int status, double seconds) {
  std::string method = MethodLabel(req.method);
  std::string route = req.route.empty() ? "unmatched" : req.route;
  std::lock_guard lock(mu_);
  ++requests_[{method, route, status}];
  durations_[{std::move(method), std::move(route)}].Record(seconds);
}

void HttpMetrics::Write(metrics::TextWriter& w) const {
  std::lock_guard lock(mu_);
  w.Family("goclaw_http_requests_total", "counter", "HTTP requests answered, by method, route and status code.");
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, code] = key;
    const std::string status = std::to_string(code);
    w.Sample("goclaw_http_requests_total", {{"method", method}, {"route", route}, {"code", status}},
             static_cast<double>(n));
  }
  w.Family("goclaw_http_request_duration_seconds", "histogram",
           "Time from reading a request's headers to its answer, by method and route.");
  for (const auto& [key, h] : durations_) {
    w.Histogram("goclaw_http_request_duration_seconds", {{"method", key.first}, {"route", key.second}}, h);
  }
}

}  // namespace goclaw::api
