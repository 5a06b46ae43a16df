// Beast over a private io_context, used synchronously: every operation is started
// asynchronously and the io_context is run until it completed, because Beast's stream timeouts
// apply to asynchronous operations only (a synchronous read from a server that never answers
// never returns).
#include "goclaw/client/http_client.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "goclaw/core/json_limits.h"
#include "goclaw/core/json_text.h"

namespace goclaw::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

Response FromBeast(http::response<http::string_body>&& res) {
  Response out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  out.body = std::move(res.body());
  return out;
}

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool HasControl(std::string_view s, bool allow_space_and_tab) {
  return std::any_of(s.begin(), s.end(), [&](char c) {
    const auto u = static_cast<unsigned char>(c);
    if (allow_space_and_tab && (c == ' ' || c == '\t')) return false;
    return u <= 0x20 || u == 0x7f;
  });
}

// What the caller put together must not reshape the request on the wire: a CR/LF in a target
// built from a workflow id would start a header of its own.
Status CheckRequest(const Request& r) {
  if (r.method.empty() || !std::all_of(r.method.begin(), r.method.end(), IsTokenChar)) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid HTTP method \"" + r.method + "\"");
  }
  if (r.target.empty() || r.target[0] != '/' || HasControl(r.target, false)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid request target (it must start with '/' and contain no spaces or control "
                     "characters; percent-encode them): \"" + r.target.substr(0, 200) + "\"");
  }
  for (const auto& [name, value] : r.headers) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) {
      return MakeError(ErrorCode::kInvalidArgument, "invalid header name \"" + name + "\"");
    }
    if (HasControl(value, true)) {
      return MakeError(ErrorCode::kInvalidArgument, "the value of header " + name + " contains a control character");
    }
  }
  if (HasControl(r.content_type, true)) {
    return MakeError(ErrorCode::kInvalidArgument, "the content type contains a control character");
  }
  return OkStatus();
}

}  // namespace

boost::json::value Response::Json() const {
  // Responses wrap stored values a few levels deep (a status: tasks[i].result), so allow that
  // much beyond the limit every stored value obeys.
  auto v = ParseJsonText(body, "the response", kMaxJsonDepth + 8);
  return v ? std::move(*v) : boost::json::value();
}

std::string Response::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

Error Response::ToError() const {
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
  std::string message = e.contains("message") && e.at("message").is_string()
                            ? std::string(e.at("message").as_string())
                            : "error " + std::to_string(status);
  std::vector<ErrorDetail> details;
  if (const auto* list = e.if_contains("details"); list != nullptr && list->is_array()) {
    for (const auto& d : list->as_array()) {
      if (!d.is_object()) continue;
      ErrorDetail detail;
      if (const auto* p = d.as_object().if_contains("path"); p && p->is_string()) detail.path = p->as_string();
      if (const auto* m = d.as_object().if_contains("message"); m && m->is_string()) detail.message = m->as_string();
      if (const auto* l = d.as_object().if_contains("line"); l && l->is_int64()) {
        detail.line = static_cast<int>(l->as_int64());
      }
      details.push_back(std::move(detail));
    }
  }
  return Error(code, message, std::move(details));
}

Result<Url> ParseServerUrl(std::string_view server, std::string_view what) {
  return ParseUrl(server, {.what = what, .schemes = {"http"}, .allow_target = false,
                           .example = "http://127.0.0.1:8080"});
}

struct HttpClient::Impl {
  Impl(Url s, HttpClientOptions o) : server(std::move(s)), options(std::move(o)) {}

  struct Outcome {
    beast::error_code ec;
    bool got_some = false;  // any byte of an answer arrived
    bool keep_alive = false;
    std::optional<Response> response;
  };

  std::string Where() const { return "the goclaw server at " + server.Origin(); }
  bool Open() const { return stream.socket().is_open(); }

  void Reset() {
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream.socket().close(ignored);
    buffer.clear();
  }

  // Runs the io_context until the operations just started (and their timers) are done.
  void Run() {
    io.restart();
    io.run();
  }

  Status Connect(Millis timeout) {
    Reset();
    beast::error_code result;
    tcp::resolver resolver(io);
    resolver.async_resolve(server.host, std::to_string(server.port),
                           [&](beast::error_code ec, tcp::resolver::results_type results) {
                             if (ec) {
                               result = ec;
                               return;
                             }
                             stream.expires_after(timeout);
                             stream.async_connect(results, [&](beast::error_code cec, const tcp::endpoint&) {
                               result = cec;
                             });
                           });
    Run();
    if (!result) return OkStatus();
    Reset();
    if (result == beast::error::timeout) {
      return MakeError(ErrorCode::kDeadlineExceeded,
                       "no connection to " + Where() + " within " + FormatDuration(timeout));
    }
    return MakeError(ErrorCode::kUnavailable, "cannot reach " + Where() + ": " + result.message());
  }

  // Writes with `write` (given a completion handler) and reads one answer.
  template <typename Write>
  Outcome Exchange(Write write, bool head, Millis timeout) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(options.max_response_bytes);
    if (head) parser.skip(true);  // a Content-Length but no body
    beast::error_code result;
    stream.expires_after(timeout);
    write([&](beast::error_code wec, std::size_t) {
      if (wec) {
        result = wec;
        return;
      }
      http::async_read(stream, buffer, parser, [&](beast::error_code rec, std::size_t) { result = rec; });
    });
    Run();
    Outcome out;
    out.ec = result;
    out.got_some = parser.got_some();
    if (!result) {
      out.keep_alive = parser.get().keep_alive();
      out.response = FromBeast(parser.release());
    }
    return out;
  }

  Error ExchangeError(const beast::error_code& ec, Millis timeout) const {
    if (ec == beast::error::timeout) {
      return Error(ErrorCode::kDeadlineExceeded, Where() + " did not answer within " + FormatDuration(timeout));
    }
    if (ec == http::error::body_limit) {
      return Error(ErrorCode::kResourceExhausted, "the answer of " + Where() + " is larger than " +
                                                      std::to_string(options.max_response_bytes) + " bytes");
    }
    return Error(ErrorCode::kUnavailable, "talking to " + Where() + ": " + ec.message());
  }

  Status CheckScheme() const {
    if (server.Secure()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       server.scheme + ":// is not supported by this client (it has no TLS); reach " +
                           server.HostHeader() + " over http:// (e.g. behind a TLS-terminating proxy)");
    }
    return OkStatus();
  }

  Result<Response> Send(const Request& request) {
    GOCLAW_RETURN_IF_ERROR(CheckScheme());
    GOCLAW_RETURN_IF_ERROR(CheckRequest(request));
    http::request<http::string_body> req;
    req.method_string(request.method);
    req.target(request.target);
    req.version(11);
    req.set(http::field::host, server.HostHeader());
    if (!options.user_agent.empty()) req.set(http::field::user_agent, options.user_agent);
    if (!request.content_type.empty()) req.set(http::field::content_type, request.content_type);
    for (const auto& [name, value] : request.headers) req.set(name, value);
    req.body() = request.body;
    req.keep_alive(options.keep_alive);
    req.prepare_payload();
    const bool head = req.method() == http::verb::head;
    // Round two only when a kept-alive connection turned out closed by the server before any
    // answer (it closes idle connections): the request is sent once more on a fresh one.
    for (int round = 0; round < 2; ++round) {
      const bool reused = Open();
      if (!reused) GOCLAW_RETURN_IF_ERROR(Connect(request.connect_timeout));
      Outcome out = Exchange([&](auto handler) { http::async_write(stream, req, std::move(handler)); }, head,
                             request.timeout);
      if (out.ec && reused && !out.got_some && out.ec != beast::error::timeout) {
        Reset();
        continue;
      }
      if (out.ec) {
        Reset();
        return tl::unexpected<Error>(ExchangeError(out.ec, request.timeout));
      }
      if (!options.keep_alive || !out.keep_alive) Reset();
      return std::move(*out.response);
    }
    return MakeError(ErrorCode::kUnavailable, "talking to " + Where() + ": the connection closed twice");
  }

  Result<Response> SendRaw(std::string_view bytes, Millis timeout) {
    GOCLAW_RETURN_IF_ERROR(CheckScheme());
    GOCLAW_RETURN_IF_ERROR(Connect(timeout));
    Outcome out = Exchange(
        [&](auto handler) { asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()), std::move(handler)); },
        /*head=*/false, timeout);
    if (out.ec) {
      Reset();
      return tl::unexpected<Error>(ExchangeError(out.ec, timeout));
    }
    if (!options.keep_alive || !out.keep_alive) Reset();
    return std::move(*out.response);
  }

  Url server;
  HttpClientOptions options;
  asio::io_context io{1};
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(Url server, HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(server), std::move(options))) {}
HttpClient::~HttpClient() = default;

Result<Response> HttpClient::Send(const Request& request) { return impl_->Send(request); }
Result<Response> HttpClient::SendRaw(std::string_view bytes, Millis timeout) { return impl_->SendRaw(bytes, timeout); }
void HttpClient::Close() { impl_->Reset(); }
const Url& HttpClient::server() const { return impl_->server; }

Result<Response> HttpCall(const Url& server, const Request& request, HttpClientOptions options) {
  options.keep_alive = false;
  HttpClient client(server, std::move(options));
  return client.Send(request);
}

Result<Response> HttpCall(std::string_view server, const Request& request, HttpClientOptions options) {
  GOCLAW_ASSIGN_OR_RETURN(Url url, ParseServerUrl(server));
  return HttpCall(url, request, std::move(options));
}

}  // namespace goclaw::client
