// The HTTP/1.1 server (Boost.Beast, one coroutine per connection, keep-alive) and the
// middleware every request passes through, in order:
//
//   request id (X-Request-ID in, or a new one; always echoed) -> CORS (allowed origins,
//   preflight) -> routing (404, 405 with Allow) -> the handler, inline on the I/O thread or,
//   for blocking routes, on the handler pool with the request timeout (504) -> recovery (a
//   throwing handler answers 500 with the request id; the server lives) -> access log and
//   the observer (metrics).
//
// WebSocket routes (Router::AddWebSocket): an upgrade request is checked (Origin: none, a CORS
// origin, or one whose host the HostPolicy serves; else 403), answered with 101, and served by the route's
// session until either side closes; shutdown sends 1001 "server shutting down" to each.
//
// Limits: request bodies over max_body_bytes get 413 (and the connection is closed; with
// `Expect: 100-continue` before the body is sent, else 100 Continue), headers over 16 KiB get
// 431; the headers must arrive within header_timeout (from accept, or from a keep-alive
// request's first byte; idle_timeout before that) and a body must not pause for longer than
// body_timeout (else 408). Host headers are checked against host_policy.h (421), HTTP/1.1
// requires exactly one (400). Connections over max_connections (connection_limits.h) get 503
// and are closed; when out of file descriptors, the accept loop backs off (10 ms to 1 s).
// Shutdown(drain) stops accepting, lets requests in flight finish for up to `drain`, then
// closes every connection.
//
// Thread-safety: Start/Shutdown from one thread; the observer is called on I/O threads.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "goclaw/api/http/router.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"
#include "goclaw/log/log.h"

namespace goclaw::api::http {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: a free port (see HttpServer::port)
  int io_threads = 2;
  int handler_threads = 16;
  std::size_t max_body_bytes = 4u << 20;
  Millis header_timeout{10000};
  Millis idle_timeout{60000};
  Millis request_timeout{60000};
  std::vector<std::string> cors_origins;  // "*" allows any origin
  std::size_t ws_max_queued_bytes = 32u << 20;  // per WebSocket connection (see websocket.h)
  std::vector<std::string> allowed_hosts;  // Host names served (host_policy.h)
  std::int64_t max_connections = 0;  // 0: from RLIMIT_NOFILE; clamped to it (connection_limits.h)
  Millis body_timeout{30000};        // the longest pause while a request body arrives (408)
  std::function<void()> on_connection_refused;  // a connection over max_connections (metrics)
  std::function<void()> on_accept_error;        // an accept failed (e.g. EMFILE); on the accept loop
  log::Logger logger;
  // Called once per answered request: the request (route set when matched), status, seconds.
  std::function<void(const HttpRequest&, int status, double seconds)> observer;
};

class HttpServer {
 public:
  // Binds and starts serving. kUnavailable when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options,
                                                   std::shared_ptr<const Router> router);
  ~HttpServer();  // Shutdown(0) if not done
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  std::int64_t max_connections() const;  // the limit in force
  void Shutdown(Millis drain);

 private:
  class Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::api::http
