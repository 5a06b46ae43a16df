// One-shot Beast client.
#include "goclaw/api/http/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include "goclaw/core/json_limits.h"
#include "goclaw/core/json_text.h"

namespace goclaw::api {

namespace beast = boost::beast;
namespace http = beast::http;

boost::json::value ClientResponse::Json() const {
  // Responses wrap stored values a few levels deep (a status: tasks[i].result), so allow that
  // much beyond the limit every stored value obeys.
  auto v = ParseJsonText(body, "the response", kMaxJsonDepth + 8);
  return v ? std::move(*v) : boost::json::value();
}

std::string ClientResponse::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

Error ClientResponse::ToError() const {
  ErrorCode code = status == 404   ? ErrorCode::kNotFound
                   : status == 409 ? ErrorCode::kFailedPrecondition
                   : status == 429 ? ErrorCode::kResourceExhausted
                   : status == 503 ? ErrorCode::kUnavailable
                   : status == 504 ? ErrorCode::kDeadlineExceeded
                   : status >= 500 ? ErrorCode::kInternal
                                   : ErrorCode::kInvalidArgument;
  boost::json::value j = Json();
  const boost::json::value* err = j.is_object() ? j.as_object().if_contains("error") : nullptr;
  if (err == nullptr || !err->is_object()) {
    return Error(code, "the server answered " + std::to_string(status) + ": " + body.substr(0, 300));
  }
  const auto& e = err->as_object();
  std::string message = e.contains("message") && e.at("message").is_string() ? std::string(e.at("message").as_string())
                                                                              : "error " + std::to_string(status);
  std::vector<ErrorDetail> details;
  if (const auto* list = e.if_contains("details"); list != nullptr && list->is_array()) {
    for (const auto& d : list->as_array()) {
      if (!d.is_object()) continue;
      ErrorDetail detail;
      if (const auto* p = d.as_object().if_contains("path"); p && p->is_string()) detail.path = p->as_string();
      if (const auto* m = d.as_object().if_contains("message"); m && m->is_string()) detail.message = m->as_string();
      if (const auto* l = d.as_object().if_contains("line"); l && l->is_int64()) detail.line = static_cast<int>(l->as_int64());
      details.push_back(std::move(detail));
    }
  }
  return Error(code, message, std::move(details));
}

Result<ServerAddress> ParseServerUrl(const std::string& server) {
  std::string_view rest = server;
  if (rest.rfind("http://", 0) != 0) {
    return MakeError(ErrorCode::kInvalidArgument, "--server must look like http://127.0.0.1:8080, got \"" + server + "\"");
  }
  rest.remove_prefix(7);
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  std::size_t colon = rest.rfind(':');
  std::string host(rest.substr(0, colon));
  std::string port = colon == std::string_view::npos ? "80" : std::string(rest.substr(colon + 1));
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "--server must look like http://127.0.0.1:8080, got \"" + server + "\"");
  }
  return ServerAddress{std::move(host), std::move(port)};
}

Result<ClientResponse> HttpCall(const std::string& server, const ClientRequest& request) {
  GOCLAW_ASSIGN_OR_RETURN(ServerAddress address, ParseServerUrl(server));
  const std::string& host = address.host;
  const std::string& port = address.port;
  http::request<http::string_body> req;
  req.method_string(request.method);
  req.target(request.target);
  req.version(11);
  req.set(http::field::host, host + ":" + port);
  req.set(http::field::user_agent, "goclaw-cli");
  if (!request.content_type.empty()) req.set(http::field::content_type, request.content_type);
  req.body() = request.body;
  req.keep_alive(false);
  req.prepare_payload();

  // Asynchronous on a private io_context: Beast's stream timeouts apply to asynchronous
  // operations only, and a synchronous read from a server that never answers never returns.
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  boost::asio::ip::tcp::resolver resolver(io);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1u << 30);
  bool connected = false;
  beast::error_code result;
  resolver.async_resolve(host, port, [&](beast::error_code resolved, boost::asio::ip::tcp::resolver::results_type results) {
    if (resolved) {
      result = resolved;
      return;
    }
    stream.expires_after(request.connect_timeout);
    stream.async_connect(results, [&](beast::error_code connect_ec, const boost::asio::ip::tcp::endpoint&) {
      if (connect_ec) {
        result = connect_ec;
        return;
      }
      connected = true;
      stream.expires_after(request.timeout);
      http::async_write(stream, req, [&](beast::error_code write_ec, std::size_t) {
        if (write_ec) {
          result = write_ec;
          return;
        }
        http::async_read(stream, buffer, parser, [&](beast::error_code read_ec, std::size_t) { result = read_ec; });
      });
    });
  });
  io.run();
  if (result == beast::error::timeout) {
    return MakeError(ErrorCode::kDeadlineExceeded,
                     connected ? "the goclaw server at " + server + " did not answer within " +
                                     FormatDuration(request.timeout)
                               : "no connection to the goclaw server at " + server + " within " +
                                     FormatDuration(request.connect_timeout));
  }
  if (result && !connected) {
    return MakeError(ErrorCode::kUnavailable, "cannot reach the goclaw server at " + server + ": " + result.message());
  }
  if (result) return MakeError(ErrorCode::kUnavailable, "talking to the goclaw server at " + server + ": " + result.message());
  return FromBeast(parser.release());
}

ClientResponse FromBeast(http::response<http::string_body>&& res) {
  ClientResponse out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = std::move(res.body());
  return out;
}

}  // namespace goclaw::api
