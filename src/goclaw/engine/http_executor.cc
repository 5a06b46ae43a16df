// The http executor: Beast over one io_context thread, coroutines per request, a pool of
// keep-alive connections per host.
#include "goclaw/engine/http_executor.h"

#include <pthread.h>

#include <map>
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

namespace goclaw::engine {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
namespace ssl = asio::ssl;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target;
  std::string PoolKey() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

Result<Url> ParseUrl(std::string_view url) {
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
  std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!out.target.empty() && out.target[0] == '?') out.target.insert(0, "/");
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "config.url has no valid host: \"" +
                                                      std::string(url) + "\"");
  }
  std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    out.host = std::string(authority.substr(0, colon));
    out.port = std::string(authority.substr(colon + 1));
  } else {
    out.host = std::string(authority);
    out.port = out.tls ? "443" : "80";
  }
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  if (out.host.empty() || out.port.empty() ||
      out.port.find_first_not_of("0123456789") != std::string::npos) {
    return MakeError(ErrorCode::kInvalidArgument, "config.url has an invalid host or port: \"" +
                                                      std::string(url) + "\"");
  }
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

// Writes the request and reads the response on either kind of stream.
template <typename Stream>
asio::awaitable<beast::error_code> Roundtrip(Stream& stream, http::request<http::string_body>& req,
                                             http::response_parser<http::string_body>& parser) {
  auto [wec, written] = co_await http::async_write(stream, req, kTuple);
  if (wec) co_return wec;
  beast::flat_buffer buffer;
  auto [rec, read] = co_await http::async_read(stream, buffer, parser, kTuple);
  co_return rec;
}

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
    if (Status s = Build(attempt, *r); !s) {
      r->done(AttemptResult{tl::unexpected<Error>(s.error()), false});
      return;
    }
    std::weak_ptr<Request> weak = r;
    attempt.cancel->OnCancel([this, weak] {
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
  };

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
    http::verb verb = http::string_to_verb(method);
    if (verb == http::verb::unknown) {
      return MakeError(ErrorCode::kInvalidArgument, "config.method: unknown HTTP method \"" + method + "\"");
    }
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
    r.req.set(http::field::host, default_port ? r.url.host : r.url.host + ":" + r.url.port);
    r.req.set(http::field::user_agent, "goclaw");
    r.req.set("Idempotency-Key", a.idempotency_key);
    for (const auto& kv : headers) {
      r.req.set(std::string(kv.key()), kv.value().is_string() ? std::string(kv.value().get_string())
                                                               : boost::json::serialize(kv.value()));
    }
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
  asio::awaitable<beast::error_code> Connect(Request& r, bool& reused) {
    auto& pool = idle_[r.url.PoolKey()];
    if (!pool.empty()) {
      r.conn = std::move(pool.back());
      pool.pop_back();
      reused = true;
      co_return beast::error_code();
    }
    reused = false;
    tcp::resolver resolver(io_);
    auto [rec, results] = co_await resolver.async_resolve(r.url.host, r.url.port, kTuple);
    if (rec) co_return rec;
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
    AttemptResult result = co_await Exchange(*r);
    active_.erase(r.get());
    if (r->cancelled) {
      result = AttemptResult::Fail(ErrorCode::kCancelled, "request cancelled", false);
    }
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
      if (ec) co_return ConnectionError(ec, "connecting to " + where);
      r.conn->tcp().expires_after(r.timeout);
      http::response_parser<http::string_body> parser;
      parser.body_limit(options_.max_response_bytes);
      // (if/else, not ?: -- GCC 12 miscompiles co_await inside a conditional expression)
      if (r.conn->tls) {
        ec = co_await Roundtrip(*r.conn->tls, r.req, parser);
      } else {
        ec = co_await Roundtrip(*r.conn->plain, r.req, parser);
      }
      if (ec && reused && !r.cancelled && parser.got_some() == false) {
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
      auto res = parser.release();
      if (res.keep_alive() && !closing_) {
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
void HttpExecutor::Start(Attempt attempt, AttemptDone done) {
  impl_->Start(std::move(attempt), std::move(done));
}

}  // namespace goclaw::engine
