// `http` tasks: how remote agents are called, over net::AsyncHttpClient (net/async_http_client.h:
// one I/O thread, a keep-alive connection pool per host, so 10k requests in flight need no
// thread each). This file turns a task's config into a request and the answer into the
// attempt's output or failure.
//
//   config: {method: POST, url: "http://127.0.0.1:9000/search", headers: {X-Key: abc},
//            body: {q: "lanes"}, timeout: 30s, expect_status: [200, 201],
//            signal_url: "http://127.0.0.1:9000/signals"}
//
// With `signal_url`, signals sent to the attempt are POSTed there (http_signal_forwarder.h).
// A task restarted by an interrupt gets the interrupt's payload in a Goclaw-Interrupt header.
//
// `method` (GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS; nothing else is sent) defaults to
// GET, or POST when there is a body; a JSON `body` is sent as
// application/json (a string body as text/plain). The output is {"status", "headers", "body"}
// with the body parsed as JSON when the response says JSON (or parses as JSON), else text.
// 5xx, 429, timeouts and connection errors are retryable failures; other statuses outside
// `expect_status` (default: any 2xx) fail without retry. Responses larger than
// `max_response_bytes` fail. `timeout` (default executors.http.default_timeout) is a deadline
// for the whole exchange: DNS, connecting, TLS, the request and the whole answer. Cancelling the
// attempt closes its connection at once.
// https uses OpenSSL: the server's certificate must chain to the system's trusted roots (or
// to `ca_file`) and name the URL's host; SNI is sent for host names. TLS failures (bad certificate, wrong
// host, protocol mismatch) fail without retry.
//
// Hardening (docs/security.md). `url` and `headers` are often templated from another agent's
// output, so they are checked, not trusted: CR, LF, NUL, other control characters and spaces
// in the URL are refused (percent-encode data; core/url.h parses it, user info is refused too),
// as are control characters in header values,
// header names that are not RFC 7230 tokens, and the reserved headers (Content-Length,
// Transfer-Encoding, Connection, Upgrade, TE, Trailer, Goclaw-Lineage); a URL fragment is not
// sent; IPv6 literals work (`http://[::1]:9000/x`, Host keeps the brackets). Such refusals
// fail the task without retry. Interim 1xx answers (100 Continue) are skipped; 101 fails. A
// connection goes back to the pool only when the exchange ended exactly at the final answer
// (no interim answers, no bytes after it), and a pooled connection with bytes waiting is
// dropped: one workflow's answer never reaches another's request. New connections pass the
// egress policy (egress.h: allow/deny host patterns, and not this server's own listeners)
// after DNS, before connecting. Every request carries `Goclaw-Lineage: <depth + 1>`, the
// lineage depth of the task's workflow plus one; the submit route refuses workflows past
// limits.max_lineage_depth, so a workflow that submits itself cannot fan out without bound.
//
// Thread-safety: Start may be called from any thread.
#pragma once

#include <memory>

#include "goclaw/core/clock.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/exec/egress.h"
#include "goclaw/exec/executor.h"

namespace goclaw::exec {

struct HttpOptions {
  Millis default_timeout{60000};
  std::size_t max_response_bytes = 1u << 20;
  std::size_t max_idle_per_host = 32;
  std::string ca_file;  // PEM certificates trusted in addition to the system's roots
  EgressOptions egress;  // which hosts tasks may call; default: any but this server itself
  // For the backoff of signal deliveries (http_signal_forwarder.h); none: retried at once.
  TimerQueue* timers = nullptr;
  const Clock* clock = nullptr;
};

// `url` (required) and `method` strings, `headers` an object, no keys the executor does not
// read. Values with {{...}} are checked once resolved, when the task starts.
void CheckHttpConfig(const boost::json::object& config, const std::string& path, Diagnostics& diag);

class HttpExecutor final : public Executor {
 public:
  // Fails when ca_file cannot be loaded or an egress pattern is invalid.
  static Result<std::unique_ptr<HttpExecutor>> Create(HttpOptions options);
  // Aborts requests in flight (their attempts fail, retryable) and joins the I/O thread.
  ~HttpExecutor() override;
  HttpExecutor(const HttpExecutor&) = delete;
  HttpExecutor& operator=(const HttpExecutor&) = delete;

  void Start(Attempt attempt, AttemptDone done) override;
  void CheckConfig(const boost::json::object& config, const std::string& path,
                   Diagnostics& diag) const override {
    CheckHttpConfig(config, path, diag);
  }
  // Aborts requests in flight (their attempts fail, retryable) and joins the I/O thread.
  void Shutdown() override;

 private:
  class Impl;
  explicit HttpExecutor(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::exec
