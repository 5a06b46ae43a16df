// A plain synchronous HTTP/1.1 client for the CLI's commands against a goclaw server
// (`goclaw submit/status/list/cancel/events`): one request per connection, connect and answer
// timeouts, and
// errors as values (kUnavailable when the server cannot be reached).
//
// Thread-safety: free functions; no shared state.
#pragma once

#include <map>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"

namespace goclaw::api {

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  // The body as JSON (null when it is not JSON).
  boost::json::value Json() const;
  std::string Header(const std::string& lower_name) const;
  // For error bodies: the API's error as an Error (code from the HTTP status, message, details).
  Error ToError() const;
};

struct ClientRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::string content_type;
  Millis timeout{60000};  // for sending the request and reading the whole answer
  Millis connect_timeout{10000};
};

// A Beast response as a ClientResponse (header names lower-cased); shared with the tests' client.
ClientResponse FromBeast(boost::beast::http::response<boost::beast::http::string_body>&& res);

struct ServerAddress {
  std::string host;
  std::string port;
};
// "http://host:port" (a trailing slash is fine; no port: 80). kInvalidArgument otherwise.
Result<ServerAddress> ParseServerUrl(const std::string& server);

// `server` is "http://host:port" (a trailing slash is fine). kDeadlineExceeded when the server
// accepts no connection within request.connect_timeout, or does not answer within
// request.timeout (a server that accepts and never answers cannot hang the caller).
Result<ClientResponse> HttpCall(const std::string& server, const ClientRequest& request);

}  // namespace goclaw::api
