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
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/core/json_reader.h"

namespace goclaw::engine {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Url {
  std::string host;
  std::string port;
  std::string target;
};

Result<Url> ParseUrl(std::string_view url) {
  constexpr std::string_view kHttp = "http://";
  if (url.rfind("https://", 0) == 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "https URLs need TLS, which this release's http executor does not have");
  }
  if (url.rfind(kHttp, 0) != 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "config.url must start with http://, got \"" + std::string(url) + "\"");
  }
  std::string_view rest = url.substr(kHttp.size());
  std::size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  Url out;
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
    out.port = "80";
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

bool Retryable(unsigned status) { return status >= 500 || status == 429 || status == 408; }

}  // namespace

class HttpExecutor::Impl {
 public:
  explicit Impl(HttpOptions options) : options_(options) {
    thread_ = std::thread([this] { io_.run(); });
    pthread_setname_np(thread_.native_handle(), "goclaw-http");
  }

  ~Impl() {
    asio::post(io_, [this] {
      closing_ = true;
      idle_.clear();
      for (Request* r : active_) {
        if (r->stream) r->stream->socket().close();
      }
    });
    work_.reset();
    thread_.join();
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
          if (req->stream) req->stream->socket().close();
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
    std::shared_ptr<beast::tcp_stream> stream;
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
    r.req.set(http::field::host, r.url.host + ":" + r.url.port);
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

  // A connection to the request's host: an idle pooled one, or a new one.
  asio::awaitable<beast::error_code> Connect(Request& r, bool& reused) {
    std::string key = r.url.host + ":" + r.url.port;
    auto& pool = idle_[key];
    if (!pool.empty()) {
      r.stream = std::move(pool.back());
      pool.pop_back();
      reused = true;
      co_return beast::error_code();
    }
    reused = false;
    tcp::resolver resolver(io_);
    auto [rec, results] = co_await resolver.async_resolve(r.url.host, r.url.port, kTuple);
    if (rec) co_return rec;
    r.stream = std::make_shared<beast::tcp_stream>(io_);
    r.stream->expires_after(r.timeout);
    auto [cec, endpoint] = co_await r.stream->async_connect(results, kTuple);
    co_return cec;
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
    const std::string where = r.url.host + ":" + r.url.port + r.url.target;
    for (int round = 0; round < 2; ++round) {
      bool reused = false;
      beast::error_code ec = co_await Connect(r, reused);
      // A cancel that came while there was no connection to close is noticed here.
      if (r.cancelled) {
        r.stream.reset();
        co_return AttemptResult::Fail(ErrorCode::kCancelled, "request cancelled", false);
      }
      if (ec) co_return ConnectionError(ec, "connecting to " + where);
      r.stream->expires_after(r.timeout);
      auto [wec, written] = co_await http::async_write(*r.stream, r.req, kTuple);
      beast::flat_buffer buffer;
      http::response_parser<http::string_body> parser;
      parser.body_limit(options_.max_response_bytes);
      if (!wec) {
        auto [rec, read] = co_await http::async_read(*r.stream, buffer, parser, kTuple);
        ec = rec;
      } else {
        ec = wec;
      }
      if (ec && reused && !r.cancelled && parser.got_some() == false) {
        r.stream.reset();  // the server closed an idle connection: one fresh try
        continue;
      }
      if (ec == http::error::body_limit) {
        r.stream.reset();
        co_return AttemptResult::Fail(ErrorCode::kResourceExhausted,
                                      "response from " + where + " is larger than " +
                                          std::to_string(options_.max_response_bytes) + " bytes",
                                      false);
      }
      if (ec) {
        r.stream.reset();
        co_return ConnectionError(ec, "requesting " + where);
      }
      auto res = parser.release();
      if (res.keep_alive() && !closing_) {
        auto& pool = idle_[r.url.host + ":" + r.url.port];
        if (pool.size() < options_.max_idle_per_host) pool.push_back(std::move(r.stream));
      }
      r.stream.reset();
      co_return ToResult(r, res, where);
    }
    co_return AttemptResult::Fail(ErrorCode::kUnavailable, "requesting " + where + " failed", true);
  }

  AttemptResult ConnectionError(const beast::error_code& ec, const std::string& what) const {
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
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::thread thread_;
  // Touched only on the I/O thread.
  std::map<std::string, std::vector<std::shared_ptr<beast::tcp_stream>>> idle_;
  std::set<Request*> active_;
  bool closing_ = false;
};

HttpExecutor::HttpExecutor(HttpOptions options) : impl_(std::make_unique<Impl>(options)) {}
HttpExecutor::~HttpExecutor() = default;
void HttpExecutor::Start(Attempt attempt, AttemptDone done) {
  impl_->Start(std::move(attempt), std::move(done));
}

}  // namespace goclaw::engine
