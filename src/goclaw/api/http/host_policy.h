// Which Host headers and browser Origins the HTTP server answers: the defence against DNS
// rebinding (a web page whose name is made to resolve to 127.0.0.1 would otherwise drive the
// API from the operator's browser). docs/security.md has the rules and their trade-offs:
//
//   - bound to a loopback address (127.0.0.0/8, ::1, localhost): only the loopback names
//     (`localhost`, any 127.x.y.z literal, `[::1]`, any port) plus `server.allowed_hosts`;
//   - bound elsewhere: `server.allowed_hosts` only, or any host when that list is empty;
//   - a WebSocket Origin: one in `server.cors_origins`, or one whose host[:port] passes the
//     same rule — and, where any host is served, equals the request's Host.
//
// An allowed entry without a port matches any port ("proxy.example" matches
// "proxy.example:8443"); one with a port matches only that port. Names compare case-insensitively.
//
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace goclaw::api::http {

// 127.0.0.0/8 literals, "::1" (bracketed or not) and "localhost".
bool IsLoopbackHost(std::string_view host);

class HostPolicy {
 public:
  HostPolicy(std::string_view bind_host, std::vector<std::string> allowed_hosts,
             std::vector<std::string> cors_origins);

  // `host` is a Host header value ("127.0.0.1:8080"); an empty one (HTTP/1.0) passes.
  bool HostAllowed(std::string_view host) const;
  // `origin` is an Origin header ("http://localhost:5173"); an empty one (not a browser) passes.
  bool OriginAllowed(std::string_view origin, std::string_view request_host) const;
  // For error messages: what is served and where to change it.
  std::string Describe() const;

 private:
  bool InAllowList(std::string_view host) const;

  bool loopback_bind_;
  std::vector<std::string> allowed_;  // lower-case
  std::vector<std::string> cors_origins_;
};

}  // namespace goclaw::api::http
