// The HTTP/1.1 server (Boost.Beast, one coroutine per connection, keep-alive) and the
// middleware every request passes through, in order:
//
//   request id (X-Request-ID in, or a new one; always echoed) -> CORS (allowed origins,
//   preflight) -> routing (404, 405 with Allow) -> the handler, inline on the I/O thread or,
//   for blocking routes, on the handler pool with the request timeout (504) -> recovery (a
//   throwing handler answers 500 with the request id; the server lives) -> access log and
//   the observer (metrics).
//
// WebSocket routes (Router::AddWebSocket): an upgrade request is checked (Origin: none, the
// server's own host, or a CORS origin; else 403), answered with 101, and served by the route's
// session until either side closes; shutdown sends 1001 "server shutting down" to each.
//
// Limits: request bodies over max_body_bytes get 413 (and the connection is closed), headers
// over 16 KiB get 431, header_timeout/idle_timeout close slow or idle connections.
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

namespace goclaw::api {

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
  void Shutdown(Millis drain);

 private:
  class Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::api
