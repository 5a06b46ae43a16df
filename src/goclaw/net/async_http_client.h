// A reusable asynchronous HTTP(S)/1.1 client: what the http executor calls agents with, and
// what signal delivery, embeddings and trace export call out with. One I/O thread (Beast
// coroutines, one per request) and a keep-alive connection pool per scheme+host+port, so 10k
// requests in flight need no thread each. Request in, callback with the response or an error
// out; cancellable; one deadline for the whole exchange; a response size limit.
//
// https uses OpenSSL (private to this module's .cc): the server's certificate must chain to the
// system's trusted roots (or to HttpClientOptions::ca_file) and name the URL's host; SNI is sent
// for host names. There is no switch to turn verification off.
//
// Errors (the callback's Result), by code — callers decide what is worth a retry; transient
// ones are kUnavailable and kDeadlineExceeded:
//   kInvalidArgument     the request: a scheme other than http/https, a method that is not a
//                        token, a bad header (CheckHeaderName/CheckHeaderValue/IsReservedHeader)
//   kUnavailable         DNS, connection refused or lost, the client shutting down
//   kDeadlineExceeded    HttpRequest::timeout passed (DNS, connect, TLS, send, answer together)
//   kFailedPrecondition  TLS (untrusted or wrong-host certificate, protocol mismatch); a 101
//                        answer or more than 8 interim (1xx) answers
//   kResourceExhausted   the answer is larger than max_response_bytes
//   kCancelled           RequestHandle::Cancel
//   (any)                what HttpClientOptions::check_addresses returned
// Messages name the request as "scheme://host:port/target": "connecting to <it>: ...",
// "requesting <it>: ...", "response from <it> is larger than N bytes".
// An HTTP status of any value is a response, not an error.
//
// Connection reuse, and why an answer never reaches the wrong request: interim (1xx) answers are
// skipped; a connection goes back to the pool only when the exchange ended exactly at the final
// answer (no interim answers, no bytes after it, keep-alive on both sides); a pooled connection
// with bytes waiting is dropped; a pooled connection the server had closed (nothing of an answer
// arrived) is replaced once by a new one.
//
// Thread-safety: Start and RequestHandle::Cancel may be called from any thread. Callbacks run on
// the client's I/O thread and must not block. The destructor fails requests in flight
// (kUnavailable; every callback runs exactly once, before it returns) and joins the thread.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goclaw/core/duration.h"
#include "goclaw/core/host_pattern.h"
#include "goclaw/core/status.h"
#include "goclaw/core/unique_function.h"
#include "goclaw/core/url.h"

namespace goclaw::net {

struct HttpRequest {
  std::string method = "GET";  // an RFC 7230 token
  Url url;                     // http or https (ParseUrl)
  // Sent after Host (url.HostHeader()) and User-Agent, which they may replace; framing and
  // connection headers are the client's (IsReservedHeader).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;            // Content-Length is set from it
  Millis timeout{60000};       // deadline for DNS, connect, TLS, sending and the whole answer
  std::optional<std::size_t> max_response_bytes;  // default: HttpClientOptions's
};

struct HttpResponse {
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
  std::string body;  // empty for HEAD

  // The first header of that name (case-insensitive), "" when absent.
  std::string Header(std::string_view name) const;
};

struct HttpClientOptions {
  std::size_t max_response_bytes = std::size_t{1} << 20;
  std::size_t max_idle_per_host = 32;
  std::string ca_file;  // PEM certificates trusted in addition to the system's roots
  std::string user_agent = "goclaw";
  std::string thread_name = "goclaw-http";  // at most 15 characters (pthread)
  // Called on the I/O thread after DNS, before a new connection is made (pooled ones are not
  // checked again), with the URL and every address its host resolved to; an error refuses the
  // request with that error. Egress policies plug in here.
  std::function<Status(const Url& url, std::span<const IpAddress> addresses)> check_addresses;
  // Names ca_file in messages: "executors.http.ca_file: cannot load CA certificates from ...".
  std::string ca_file_setting = "ca_file";
};

// Cancels one request. Cancel is idempotent and safe from any thread at any time, also after
// the request finished or the client is gone; a request cancelled before it finished completes
// with kCancelled ("request cancelled") and its connection is closed at once.
class RequestHandle {
 public:
  RequestHandle() = default;
  void Cancel() const;

 private:
  friend class AsyncHttpClient;
  struct Shared;
  explicit RequestHandle(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}
  std::shared_ptr<Shared> shared_;
};

class AsyncHttpClient {
 public:
  using Callback = UniqueFunction<void(Result<HttpResponse>)>;

  // Fails when the system's CA certificates or ca_file cannot be loaded.
  static Result<std::unique_ptr<AsyncHttpClient>> Create(HttpClientOptions options);
  ~AsyncHttpClient();
  AsyncHttpClient(const AsyncHttpClient&) = delete;
  AsyncHttpClient& operator=(const AsyncHttpClient&) = delete;

  // Sends `request`; `done` runs exactly once, on the I/O thread (also for a request refused
  // before it was sent).
  RequestHandle Start(HttpRequest request, Callback done);

 private:
  class Impl;
  explicit AsyncHttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The checks Start applies to headers, for callers that want to refuse bad ones earlier with
// their own context ("config.headers.X: ..."):
// kInvalidArgument `invalid header name "X??Y"; a name is letters, digits and !#$%&'*+-.^_`|~
// (RFC 7230 token)` (control characters shown as '?').
Status CheckHeaderName(std::string_view name);
// kInvalidArgument `the value contains a CR at offset 1; header values may not contain CR, LF,
// NUL or other control characters` (a tab is fine).
Status CheckHeaderValue(std::string_view value);
// Content-Length, Transfer-Encoding, Connection, Upgrade, TE, Trailer (any case): framing and
// connection reuse are the client's business.
bool IsReservedHeader(std::string_view name);

// The reason phrase of a status code ("Not Found"; "<unknown-status>" for codes without one).
std::string_view StatusReason(unsigned status);

}  // namespace goclaw::net
