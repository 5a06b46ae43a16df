// The http executor: Beast over one io_context thread, coroutines per request, a pool of
// keep-alive connections per host.
#include "goclaw/exec/http_executor.h"

#include <pthread.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/core/json_reader.h"

namespace goclaw::exec {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Url {
  bool tls = false;
  std::string host;         // for DNS, SNI and the egress policy: no brackets
  std::string host_header;  // as it goes on the wire: an IPv6 literal keeps its brackets
  std::string port;
  std::string target;       // path and query; the fragment is not sent
  std::string PoolKey() const { return (tls ? "https://" : "http://") + host_header + ":" + port; }
};

// What an agent's output templated into a URL or header must not smuggle in: CR and LF end
// the line (a second header or request follows), NUL truncates; other controls are refused too.
std::optional<std::size_t> FindControl(std::string_view s, bool allow_tab) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && !(allow_tab && c == '\t')) || c == 0x7f) return i;
  }
  return std::nullopt;
}

std::string DescribeChar(char c) {
  switch (c) {
    case '\r': return "a CR";
    case '\n': return "an LF";
    case '\0': return "a NUL";
    case ' ': return "a space";
    default: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%02x", static_cast<unsigned char>(c));
      return std::string("control character ") + buf;
    }
  }
}

// RFC 7230 token characters (header names, methods).
bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

Result<Url> ParseUrl(std::string_view url) {
  auto bad = [&](const std::string& why) -> Result<Url> {
    std::string shown(url);
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    return MakeError(ErrorCode::kInvalidArgument, "config.url " + why + ": \"" + shown + "\"");
  };
  // Refused, not percent-encoded: a URL that needs encoding is usually an agent's output
  // spliced in raw, and guessing which part was meant as data would hide that.
  for (std::size_t i = 0; i < url.size(); ++i) {
    if (url[i] == ' ' || FindControl(url.substr(i, 1), false)) {
      return bad("contains " + DescribeChar(url[i]) + " at offset " + std::to_string(i) +
                 " (percent-encode data placed in a URL, e.g. %20 for a space)");
    }
  }
  Url out;
  std::string_view rest;
  if (url.rfind("https://", 0) == 0) {
    out.tls = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return MakeError(ErrorCode::kInvalidArgument,
                     "config.url must start with http:// or https://, got \"" + std::string(url) + "\"");
  }
  if (std::size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!out.target.empty() && out.target[0] == '?') out.target.insert(0, "/");
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return bad("has no valid host (user info is not accepted)");
  }
  std::string_view host = authority, port;
  if (authority.front() == '[') {
    std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("has an invalid host or port ('[' without ']')");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("has an invalid host or port");
      port = after.substr(1);
    }
    auto ip = IpAddress::Parse(host);
    if (!ip || !ip->v6) return bad("has an invalid host or port (brackets hold an IPv6 address)");
    out.host = std::string(host);
    out.host_header = "[" + out.host + "]";
  } else {
    std::size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
    }
    const bool name_ok = !host.empty() && std::all_of(host.begin(), host.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
    });
    if (!name_ok) return bad("has an invalid host or port");
    out.host = out.host_header = std::string(host);
  }
  if (port.empty()) port = out.tls ? "443" : "80";
  if (port.find_first_not_of("0123456789") != std::string_view::npos || port.size() > 5 ||
      std::stoi(std::string(port)) > 65535 || std::stoi(std::string(port)) == 0) {
    return bad("has an invalid host or port");
  }
  out.port = std::string(port);
  return out;
}

// One connection, plain or TLS; pooled whole between requests to the same scheme+host+port.
struct Connection {
  explicit Connection(asio::io_context& io) : plain(std::make_unique<beast::tcp_stream>(io)) {}
  Connection(asio::io_context& io, ssl::context& tls_context)
      : tls(std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, tls_context)) {}
  beast::tcp_stream& tcp() { return plain ? *plain : tls->next_layer(); }

  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
};

// Interim (1xx) answers skipped before the final one; more is a broken or hostile server.
constexpr int kMaxInterim = 8;

struct ReadOutcome {
  beast::error_code ec;
  bool interim = false;    // 1xx answers came before the final one
  bool leftover = false;   // bytes after the final answer: not ours, never pooled
  unsigned refused = 0;    // 101, or the 1xx past kMaxInterim
};

// Writes the request and reads the final response on either kind of stream, skipping 100
// Continue and other interim answers (RFC 9110 §15.2): taking one as the answer would leave
// the real answer unread on a pooled connection, for the next request to any workflow.
template <typename Stream>
asio::awaitable<ReadOutcome> Roundtrip(Stream& stream, http::request<http::string_body>& req,
                                       std::optional<http::response_parser<http::string_body>>& parser,
                                       std::size_t body_limit) {
  ReadOutcome out;
  auto [wec, written] = co_await http::async_write(stream, req, kTuple);
  if (wec) {
    out.ec = wec;
    co_return out;
  }
  beast::flat_buffer buffer;  // outlives the interim answers: the final one may follow in it
  for (int interim = 0;; ++interim) {
    parser.emplace();
    parser->body_limit(body_limit);
    if (req.method() == http::verb::head) parser->skip(true);  // a Content-Length but no body
    auto [rec, read] = co_await http::async_read(stream, buffer, *parser, kTuple);
    if (rec) {
      out.ec = rec;
      co_return out;
    }
    const unsigned status = parser->get().result_int();
    if (status >= 200) break;
    out.interim = true;
    if (status == 101 || interim == kMaxInterim) {
      out.refused = status;
      co_return out;
    }
  }
  out.leftover = buffer.size() != 0;
  co_return out;
}

// What an egress check sees of the resolved endpoints.
std::vector<IpAddress> AddressesOf(const tcp::resolver::results_type& results) {
  std::vector<IpAddress> out;
  for (const auto& entry : results) {
    const asio::ip::address a = entry.endpoint().address();
    if (a.is_v4()) {
      out.push_back(IpAddress::FromV4(a.to_v4().to_bytes()));
    } else {
      out.push_back(IpAddress::FromV6(a.to_v6().to_bytes()));
    }
  }
  return out;
}

constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

// Framing and hop-by-hop headers are the executor's business; Goclaw-Lineage is set by it.
constexpr std::string_view kReservedHeaders[] = {"content-length", "transfer-encoding", "connection",
                                                 "upgrade", "te", "trailer", "goclaw-lineage"};

bool Retryable(unsigned status) { return status >= 500 || status == 429 || status == 408; }

}  // namespace

class HttpExecutor::Impl {
 public:
  explicit Impl(HttpOptions options) : options_(std::move(options)) {}

  Status Init() {
    boost::system::error_code ec;
    tls_context_.set_default_verify_paths(ec);
    if (ec) return MakeError(ErrorCode::kUnavailable, "loading the system CA certificates: " + ec.message());
    if (!options_.ca_file.empty()) {
      tls_context_.load_verify_file(options_.ca_file, ec);
      if (ec) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "executors.http.ca_file: cannot load CA certificates from \"" +
                             options_.ca_file + "\": " + ec.message());
      }
    }
    tls_context_.set_verify_mode(ssl::verify_peer);
    GOCLAW_ASSIGN_OR_RETURN(egress_, EgressPolicy::Create(options_.egress));
    thread_ = std::thread([this] { io_.run(); });
    pthread_setname_np(thread_.native_handle(), "goclaw-http");
    return OkStatus();
  }

  ~Impl() {
    asio::post(io_, [this] {
      closing_ = true;
      idle_.clear();
      for (Request* r : active_) {
        if (r->conn) r->conn->tcp().socket().close();
      }
    });
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }

  void Start(Attempt attempt, AttemptDone done) {
    auto r = std::make_shared<Request>();
    r->done = std::move(done);
    r->channel = attempt.channel;
    if (Status s = Build(attempt, *r); !s) {
      r->done(AttemptResult{tl::unexpected<Error>(s.error()), false});
      return;
    }
    std::weak_ptr<Request> weak = r;
    attempt.channel->OnCancel([this, weak] {
      asio::post(io_, [weak] {
        if (auto req = weak.lock()) {
          req->cancelled = true;
          if (req->conn) req->conn->tcp().socket().close();
        }
      });
    });
    asio::co_spawn(io_, Run(std::move(r)), asio::detached);
  }

 private:
  struct Request {
    AttemptDone done;
    Url url;
    http::request<http::string_body> req;
    Millis timeout{0};
    std::vector<unsigned> expect;  // empty: any 2xx
    std::shared_ptr<Connection> conn;
    bool cancelled = false;
    Status refused;  // by the egress policy: fails the attempt without a retry
    std::shared_ptr<AttemptChannel> channel;  // the status line goes to the attempt's log
    unsigned status = 0;                      // of the final response, once read
  };

  static Status CheckHeader(const std::string& name, const std::string& value) {
    std::string shown = name;
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "config.headers: invalid header name \"" + shown +
                           "\"; a name is letters, digits and !#$%&'*+-.^_`|~ (RFC 7230 token)");
    }
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (std::find(std::begin(kReservedHeaders), std::end(kReservedHeaders), lower) !=
        std::end(kReservedHeaders)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "config.headers." + name + ": set by goclaw, not by a task (framing, "
                       "connection and lineage headers are reserved)");
    }
    if (auto at = FindControl(value, /*allow_tab=*/true)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "config.headers." + name + ": the value contains " + DescribeChar(value[*at]) +
                           " at offset " + std::to_string(*at) +
                           "; header values may not contain CR, LF, NUL or other control characters");
    }
    return OkStatus();
  }

  Status Build(const Attempt& a, Request& r) const {
    Diagnostics diag;
    std::string url, method;
    boost::json::object headers;
    r.timeout = options_.default_timeout;
    static const boost::json::value kNoConfig = boost::json::object();
    const boost::json::value& config_value = a.config.is_object() ? a.config : kNoConfig;
    {
      ObjectReader rd(config_value, "config", diag);
      rd.String("url", &url, /*required=*/true);
      rd.String("method", &method);
      rd.Object("headers", &headers);
      rd.Duration("timeout", &r.timeout);
      rd.Allow({"body", "expect_status", "signal_url"});
    }
    if (!diag.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       diag.details()[0].path + ": " + diag.details()[0].message);
    }
    GOCLAW_ASSIGN_OR_RETURN(r.url, ParseUrl(url));
    const boost::json::object& config = config_value.get_object();
    const boost::json::value* body = config.if_contains("body");
    if (method.empty()) method = body != nullptr ? "POST" : "GET";
    if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
      std::string shown = method;
      for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
      }
      return MakeError(ErrorCode::kInvalidArgument,
                       "config.method: unknown HTTP method \"" + shown +
                           "\"; expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    }
    http::verb verb = http::string_to_verb(method);
    if (const boost::json::value* e = config.if_contains("expect_status")) {
      auto add = [&](const boost::json::value& v) {
        if (v.is_int64() && v.get_int64() >= 100 && v.get_int64() <= 599) {
          r.expect.push_back(static_cast<unsigned>(v.get_int64()));
          return true;
        }
        return false;
      };
      bool ok = e->is_array() ? std::all_of(e->as_array().begin(), e->as_array().end(), add) : add(*e);
      if (!ok) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "config.expect_status: expected a status code or a list of them (100-599)");
      }
    }
    r.req.method(verb);
    r.req.target(r.url.target);
    r.req.version(11);
    bool default_port = r.url.port == (r.url.tls ? "443" : "80");
    r.req.set(http::field::host, default_port ? r.url.host_header : r.url.host_header + ":" + r.url.port);
    r.req.set(http::field::user_agent, "goclaw");
    r.req.set("Idempotency-Key", a.idempotency_key);
    for (const auto& kv : headers) {
      std::string name(kv.key());
      std::string value = kv.value().is_string() ? std::string(kv.value().get_string())
                                                 : boost::json::serialize(kv.value());
      GOCLAW_RETURN_IF_ERROR(CheckHeader(name, value));
      r.req.set(name, value);
    }
    // How many workflows deep this call is: the submit route refuses past limits.max_lineage_depth.
    r.req.set(kLineageHeader, std::to_string(a.lineage_depth + 1));
    if (body != nullptr && !body->is_null()) {
      if (body->is_string()) {
        r.req.body() = std::string(body->get_string());
        if (r.req[http::field::content_type].empty()) r.req.set(http::field::content_type, "text/plain");
      } else {
        r.req.body() = boost::json::serialize(*body);
        if (r.req[http::field::content_type].empty()) {
          r.req.set(http::field::content_type, "application/json");
        }
      }
    }
    r.req.keep_alive(true);
    r.req.prepare_payload();
    return OkStatus();
  }

  // A connection to the request's host: an idle pooled one, or a new one (TLS handshake done).
  // A new one's resolved addresses pass the egress policy first (r.refused when not).
  asio::awaitable<beast::error_code> Connect(Request& r, bool& reused) {
    auto& pool = idle_[r.url.PoolKey()];
    while (!pool.empty()) {
      r.conn = std::move(pool.back());
      pool.pop_back();
      // Bytes waiting on an idle connection answer no request of ours: drop it.
      boost::system::error_code aec;
      const std::size_t waiting = r.conn->tcp().socket().available(aec);
      if (aec || waiting != 0) {
        r.conn.reset();
        continue;
      }
      reused = true;
      co_return beast::error_code();
    }
    reused = false;
    tcp::resolver resolver(io_);
    auto [rec, results] = co_await resolver.async_resolve(r.url.host, r.url.port, kTuple);
    if (rec) co_return rec;
    const std::vector<IpAddress> addresses = AddressesOf(results);
    r.refused = egress_.Check(r.url.host, static_cast<std::uint16_t>(std::stoi(r.url.port)), addresses);
    if (!r.refused) co_return beast::error_code(asio::error::access_denied);
    r.conn = r.url.tls ? std::make_shared<Connection>(io_, tls_context_)
                       : std::make_shared<Connection>(io_);
    r.conn->tcp().expires_after(r.timeout);
    auto [cec, endpoint] = co_await r.conn->tcp().async_connect(results, kTuple);
    if (cec || !r.conn->tls) co_return cec;
    // SNI, and the certificate must name the host.
    if (!SSL_set_tlsext_host_name(r.conn->tls->native_handle(), r.url.host.c_str())) {
      co_return beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
    }
    r.conn->tls->set_verify_callback(ssl::host_name_verification(r.url.host));
    auto [hec] = co_await r.conn->tls->async_handshake(ssl::stream_base::client, kTuple);
    co_return hec;
  }

  asio::awaitable<void> Run(std::shared_ptr<Request> r) {
    active_.insert(r.get());
    const auto started = std::chrono::steady_clock::now();
    AttemptResult result = co_await Exchange(*r);
    active_.erase(r.get());
    if (r->cancelled) {
      result = AttemptResult::Fail(ErrorCode::kCancelled, "request cancelled", false);
    }
    // One line per exchange in the task's log: what was asked, what came back, how long.
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    std::string line = std::string(r->req.method_string()) + " " + r->url.PoolKey() + r->url.target + " -> ";
    if (r->status != 0) {
      line += std::to_string(r->status) + " " + std::string(http::obsolete_reason(static_cast<http::status>(r->status)));
    } else {
      line += result.output ? std::string("done") : "error: " + result.output.error().message();
    }
    r->channel->Log("status", line + " (" + std::to_string(ms.count()) + " ms)");
    r->done(std::move(result));
  }

  asio::awaitable<AttemptResult> Exchange(Request& r) {
    const std::string where = r.url.PoolKey() + r.url.target;
    for (int round = 0; round < 2; ++round) {
      bool reused = false;
      beast::error_code ec = co_await Connect(r, reused);
      // A cancel that came while there was no connection to close is noticed here.
      if (r.cancelled) {
        r.conn.reset();
        co_return AttemptResult::Fail(ErrorCode::kCancelled, "request cancelled", false);
      }
      if (!r.refused) co_return AttemptResult{tl::unexpected<Error>(r.refused.error()), false};
      if (ec) co_return ConnectionError(ec, "connecting to " + where);
      r.conn->tcp().expires_after(r.timeout);
      std::optional<http::response_parser<http::string_body>> parser;
      ReadOutcome out;
      // (if/else, not ?: -- GCC 12 miscompiles co_await inside a conditional expression)
      if (r.conn->tls) {
        out = co_await Roundtrip(*r.conn->tls, r.req, parser, options_.max_response_bytes);
      } else {
        out = co_await Roundtrip(*r.conn->plain, r.req, parser, options_.max_response_bytes);
      }
      ec = out.ec;
      if (ec && reused && !r.cancelled && !out.interim && (!parser || !parser->got_some())) {
        r.conn.reset();  // the server closed an idle connection: one fresh try
        continue;
      }
      if (ec == http::error::body_limit) {
        r.conn.reset();
        co_return AttemptResult::Fail(ErrorCode::kResourceExhausted,
                                      "response from " + where + " is larger than " +
                                          std::to_string(options_.max_response_bytes) + " bytes",
                                      false);
      }
      if (ec) {
        r.conn.reset();
        co_return ConnectionError(ec, "requesting " + where);
      }
      if (out.refused != 0) {
        r.conn.reset();
        co_return AttemptResult::Fail(
            ErrorCode::kFailedPrecondition,
            where + (out.refused == 101 ? " answered 101 Switching Protocols, which an http task cannot use"
                                        : " sent more than " + std::to_string(kMaxInterim) +
                                              " interim (1xx) responses"),
            false);
      }
      auto res = parser->release();
      r.status = res.result_int();
      // Pooled only when the exchange ended cleanly at the response's end.
      if (res.keep_alive() && !closing_ && !out.interim && !out.leftover) {
        auto& pool = idle_[r.url.PoolKey()];
        if (pool.size() < options_.max_idle_per_host) pool.push_back(std::move(r.conn));
      }
      r.conn.reset();
      co_return ToResult(r, res, where);
    }
    co_return AttemptResult::Fail(ErrorCode::kUnavailable, "requesting " + where + " failed", true);
  }

  AttemptResult ConnectionError(const beast::error_code& ec, const std::string& what) const {
    if (ec.category() == asio::error::get_ssl_category()) {
      // A certificate or protocol mismatch does not heal by retrying.
      return AttemptResult::Fail(ErrorCode::kFailedPrecondition, what + ": TLS: " + ec.message(), false);
    }
    if (ec == beast::error::timeout) {
      return AttemptResult::Fail(ErrorCode::kDeadlineExceeded, what + ": timed out", true);
    }
    return AttemptResult::Fail(ErrorCode::kUnavailable, what + ": " + ec.message(), true);
  }

  AttemptResult ToResult(const Request& r, const http::response<http::string_body>& res,
                         const std::string& where) const {
    unsigned status = res.result_int();
    boost::json::object headers;
    for (const auto& field : res) headers[std::string(field.name_string())] = std::string(field.value());
    boost::json::value body = boost::json::string(res.body());
    std::string_view type = res[http::field::content_type];
    boost::system::error_code jec;
    boost::json::value parsed = boost::json::parse(res.body(), jec);
    if (!jec && (type.find("json") != std::string_view::npos || !res.body().empty())) {
      body = std::move(parsed);
    }
    bool expected = r.expect.empty() ? (status >= 200 && status < 300)
                                     : std::find(r.expect.begin(), r.expect.end(), status) != r.expect.end();
    if (!expected) {
      std::string snippet = res.body().substr(0, 200);
      return AttemptResult::Fail(Retryable(status) ? ErrorCode::kUnavailable : ErrorCode::kFailedPrecondition,
                                 where + " answered " + std::to_string(status) +
                                     (snippet.empty() ? "" : ": " + snippet),
                                 Retryable(status));
    }
    return AttemptResult::Ok(boost::json::object{
        {"status", status}, {"headers", std::move(headers)}, {"body", std::move(body)}});
  }

  HttpOptions options_;
  EgressPolicy egress_;
  ssl::context tls_context_{ssl::context::tls_client};
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::thread thread_;
  // Touched only on the I/O thread.
  std::map<std::string, std::vector<std::shared_ptr<Connection>>> idle_;
  std::set<Request*> active_;
  bool closing_ = false;
};

Result<std::unique_ptr<HttpExecutor>> HttpExecutor::Create(HttpOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  GOCLAW_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<HttpExecutor>(new HttpExecutor(std::move(impl)));
}
HttpExecutor::HttpExecutor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpExecutor::~HttpExecutor() = default;
void HttpExecutor::Shutdown() { impl_.reset(); }
void HttpExecutor::Start(Attempt attempt, AttemptDone done) {
  if (!impl_) {
    done(AttemptResult::Fail(ErrorCode::kUnavailable, "the http executor was shut down", true));
    return;
  }
  impl_->Start(std::move(attempt), std::move(done));
}

void CheckHttpConfig(const boost::json::object& config, const std::string& path, Diagnostics& diag) {
  const boost::json::value value = config;  // ObjectReader reads a value
  std::string url, method;
  boost::json::object headers;
  ObjectReader rd(value, path, diag);
  rd.String("url", &url, /*required=*/true);
  rd.String("method", &method);
  rd.Object("headers", &headers);
  rd.Allow({"body", "expect_status", "signal_url", "timeout"});
  rd.RejectUnknown();
}

}  // namespace goclaw::exec
