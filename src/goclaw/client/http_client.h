// A synchronous HTTP/1.1 client for goclaw's REST API: the CLI's commands (`goclaw submit`,
// `status`, `list`, `cancel`, `events`, `admin snapshot`), the end-to-end tests and the SDKs.
//
// `HttpClient` keeps one connection to one server and reuses it while the server keeps it
// alive (a reused connection the server closed meanwhile is replaced once, transparently).
// `HttpCall` is one request on one connection. Both bound every wait: connecting by
// Request::connect_timeout, sending and reading the whole answer by Request::timeout, so a
// server that accepts and never answers cannot hang the caller. Errors are values:
// kInvalidArgument (a bad request or URL), kUnavailable (cannot connect, connection lost),
// kDeadlineExceeded (a timeout), kResourceExhausted (an answer over max_response_bytes).
// An HTTP error status is not an error here: the Response carries it, and Response::ToError
// turns the API's error body into an Error.
//
// Plain http only (no TLS, so no OpenSSL in the CLI's client path); the server's URL comes from
// ParseServerUrl (core/url.h does the parsing).
//
// Thread-safety: HttpCall and ParseServerUrl are safe from any thread; one HttpClient is used
// by one thread at a time.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"
#include "goclaw/core/url.h"

namespace goclaw::client {

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; the last of repeated ones
  std::string body;

  // The body as JSON (null when it is not JSON).
  boost::json::value Json() const;
  // The header's value, "" when absent.
  std::string Header(const std::string& lower_name) const;
  // For error answers: the API's error body ({"error": {"message", "details"}}) as an Error,
  // its code from the HTTP status (404 kNotFound, 409 kFailedPrecondition, 429
  // kResourceExhausted, 503 kUnavailable, 504 kDeadlineExceeded, other 5xx kInternal, other 4xx
  // kInvalidArgument).
  Error ToError() const;
};

struct Request {
  std::string method = "GET";
  std::string target = "/";  // path and query
  std::string body;
  std::string content_type;  // sent as Content-Type when not empty
  // Sent after Host, User-Agent and Content-Type; a header of the same name replaces those.
  std::vector<std::pair<std::string, std::string>> headers;
  Millis timeout{60000};  // for sending the request and reading the whole answer
  Millis connect_timeout{10000};
};

struct HttpClientOptions {
  std::string user_agent = "goclaw-client";
  // false: "Connection: close" on every request, and a fresh connection for each.
  bool keep_alive = true;
  std::size_t max_response_bytes = std::size_t{1} << 30;
};

// A goclaw server's base URL: "http://host[:port]" (a trailing slash is fine; no port: 80;
// IPv6 as "http://[::1]:8080"). `what` names the value in messages ("--server"): kInvalidArgument
// `<what> must look like http://127.0.0.1:8080, got "..." (<what was wrong>)`.
Result<Url> ParseServerUrl(std::string_view server, std::string_view what = "the server URL");

class HttpClient {
 public:
  // `server` is a base URL (ParseServerUrl); only its scheme, host and port are used.
  explicit HttpClient(Url server, HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One request and its whole answer; see the file comment for the errors.
  Result<Response> Send(const Request& request);
  // Sends `bytes` exactly as given on a fresh connection and reads one answer: for tests of
  // malformed requests. `timeout` bounds connecting and the whole exchange each.
  Result<Response> SendRaw(std::string_view bytes, Millis timeout = Millis(30000));
  // Closes the kept-alive connection, if any (the next Send opens a new one).
  void Close();

  const Url& server() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on one connection ("Connection: close").
Result<Response> HttpCall(const Url& server, const Request& request, HttpClientOptions options = {});
// The same with `server` parsed by ParseServerUrl first.
Result<Response> HttpCall(std::string_view server, const Request& request, HttpClientOptions options = {});

}  // namespace goclaw::client
