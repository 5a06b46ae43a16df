// What the HTTP server answered: requests by method, route and status code, and their
// durations by method and route. Fed by HttpServerOptions::observer; written by /metrics.
// Routes are the matched patterns ("/api/v1/workflows/{id}"), or "unmatched", so the number of
// series stays bounded whatever paths clients send.
//
// Thread-safety: Observe and Write from any thread (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "goclaw/api/http/http_message.h"
#include "goclaw/metrics/histogram.h"
#include "goclaw/metrics/text_format.h"

namespace goclaw::api {

class HttpMetrics {
 public:
  void Observe(const HttpRequest& req, int status, double seconds);
  void Write(metrics::TextWriter& w) const;

 private:
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;  // method, route, code
  std::map<std::pair<std::string, std::string>, metrics::Histogram> durations_;  // method, route
};

}  // namespace goclaw::api
