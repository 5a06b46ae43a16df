// `http` tasks: how remote agents are called. An asynchronous HTTP/1.1 client (Boost.Beast)
// on one I/O thread, with a keep-alive connection pool per host, so 10k requests in flight
// need no thread each.
//
//   config: {method: POST, url: "http://127.0.0.1:9000/search", headers: {X-Key: abc},
//            body: {q: "lanes"}, timeout: 30s, expect_status: [200, 201]}
//
// `method` defaults to GET, or POST when there is a body; a JSON `body` is sent as
// application/json (a string body as text/plain). The output is {"status", "headers", "body"}
// with the body parsed as JSON when the response says JSON (or parses as JSON), else text.
// 5xx, 429, timeouts and connection errors are retryable failures; other statuses outside
// `expect_status` (default: any 2xx) fail without retry. Responses larger than
// `max_response_bytes` fail. Cancelling the attempt closes its connection at once.
// https uses OpenSSL: the server's certificate must chain to the system's trusted roots (or
// to `ca_file`) and name the URL's host; SNI is sent. TLS failures (bad certificate, wrong
// host, protocol mismatch) fail without retry.
//
// Thread-safety: Start may be called from any thread.
#pragma once

#include <memory>

#include "goclaw/core/duration.h"
#include "goclaw/engine/executor.h"

namespace goclaw::engine {

struct HttpOptions {
  Millis default_timeout{60000};
  std::size_t max_response_bytes = 1u << 20;
  std::size_t max_idle_per_host = 32;
  std::string ca_file;  // PEM certificates trusted in addition to the system's roots
};

class HttpExecutor final : public Executor {
 public:
  // Fails when ca_file cannot be loaded.
  static Result<std::unique_ptr<HttpExecutor>> Create(HttpOptions options);
  // Aborts requests in flight (their attempts fail, retryable) and joins the I/O thread.
  ~HttpExecutor() override;
  HttpExecutor(const HttpExecutor&) = delete;
  HttpExecutor& operator=(const HttpExecutor&) = delete;

  void Start(Attempt attempt, AttemptDone done) override;

 private:
  class Impl;
  explicit HttpExecutor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::engine
