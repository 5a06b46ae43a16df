// Routes: (method, pattern) -> handler. Patterns are literal segments and `{name}` segments
// ("/api/v1/workflows/{id}/tasks/{task}/result"); a `{name}` matches one non-empty segment,
// percent-decoded into HttpRequest::params. A last segment `{*name}` matches the rest of the
// path, one or more segments, possibly empty ("/ui/{*path}" matches "/ui/" and "/ui/a/b.js"),
// given raw (not decoded: the handler decides what a safe path is). Lookup tells 404 (no such
// path) from 405 (the path exists with other methods, listed for the Allow header).
//
// Thread-safety: build once, then Find from any thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "goclaw/api/http/http_message.h"
#include "goclaw/api/http/websocket.h"

namespace goclaw::api::http {

using Handler = std::function<HttpResponse(HttpRequest&)>;

struct RouteOptions {
  bool blocking = false;  // may wait (e.g. for a workflow): runs on the handler pool, not on I/O
  bool documented = true;  // listed in /api/v1/openapi.json (false: the web UI's pages)
};

struct Route {
  std::string method;
  std::string pattern;
  std::string summary;  // one line, for the OpenAPI document
  Handler handler;
  RouteOptions options;
  std::vector<std::string> segments;  // the pattern split at '/'
  WebSocketHandler websocket;         // set for WebSocket routes (GET with Upgrade)
};

class Router {
 public:
  void Add(std::string method, std::string pattern, std::string summary, Handler handler,
           RouteOptions options = {});
  // A GET route that upgrades to WebSocket; a plain GET gets 426 Upgrade Required.
  void AddWebSocket(std::string pattern, std::string summary, WebSocketHandler handler);

  struct Match {
    const Route* route = nullptr;          // set when method and path matched
    std::map<std::string, std::string> params;
    std::vector<std::string> allow;        // methods of the path when only the method is wrong
    bool bad_escape = false;               // a segment had a malformed %-escape
  };
  Match Find(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace goclaw::api::http
