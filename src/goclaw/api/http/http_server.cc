// Beast server: an acceptor coroutine, one coroutine per connection (on its own strand), the
// middleware chain in Dispatch, and a thread pool for blocking routes.
#include "goclaw/api/http/http_server.h"

#include <pthread.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <future>
#include <optional>
#include <set>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "goclaw/api/http/connection_limits.h"
#include "goclaw/api/http/host_policy.h"
#include "goclaw/api/http/read_deadline.h"
#include "goclaw/api/http/request_conversion.h"
#include "goclaw/api/http/websocket_connection.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/uuid.h"

namespace goclaw::api::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr Millis kWaitGrace{2000};

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  }
  return true;
}

bool IsParseError(const beast::error_code& ec) {
  static const auto& category = beast_http::make_error_code(beast_http::error::bad_target).category();
  return ec.category() == category && ec != beast_http::error::end_of_stream &&
         ec != beast_http::error::partial_message && ec != beast_http::error::body_limit &&
         ec != beast_http::error::header_limit;
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, std::shared_ptr<const Router> router)
      : options_(std::move(options)),
        router_(std::move(router)),
        acceptor_(io_),
        pool_(static_cast<std::size_t>(std::max(1, options_.handler_threads))),
        hosts_(options_.host, options_.allowed_hosts, options_.cors_origins),
        max_connections_(EffectiveMaxConnections(options_.max_connections, SoftFileLimit())) {}

  ~Impl() { Shutdown(Millis(0)); }

  Status Bind() {
    beast::error_code ec;
    tcp::resolver resolver(io_);
    auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec || results.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "server.host: cannot resolve \"" + options_.host + "\": " + ec.message());
    }
    tcp::endpoint endpoint = results.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return MakeError(ErrorCode::kUnavailable, "cannot listen on " + options_.host + ":" +
                                                    std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(accept_strand_, Accept(), asio::detached);
    for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
      threads_.emplace_back([this] { io_.run(); });
      pthread_setname_np(threads_.back().native_handle(), "goclaw-http");
    }
    return OkStatus();
  }

  int port() const { return port_; }
  std::int64_t max_connections() const { return max_connections_; }

  void Shutdown(Millis drain) {
    if (shut_down_.exchange(true)) return;
    stopping_ = true;
    // Close the listener on an I/O thread (it is theirs) and wait for that: no new connections
    // from here on.
    std::promise<void> closed;
    asio::post(accept_strand_, [this, &closed] {
      beast::error_code ec;
      acceptor_.close(ec);
      closed.set_value();
    });
    if (!threads_.empty()) closed.get_future().wait();
    std::vector<std::shared_ptr<WebSocketPeer>> sockets;
    {
      std::lock_guard lock(active_mu_);
      sockets.assign(websockets_.begin(), websockets_.end());
    }
    for (auto& ws : sockets) ws->Close(kWsGoingAway, "server shutting down");
    {
      std::unique_lock lock(active_mu_);
      active_cv_.wait_for(lock, drain, [this] { return active_ == 0 && websockets_.empty(); });
    }
    io_.stop();  // idle keep-alive connections and anything still running are dropped
    for (auto& t : threads_) t.join();
    pool_.join();
  }

 private:
  // Counts requests between "headers read" and "response written", for the drain.
  struct ActiveGuard {
    Impl* impl;
    explicit ActiveGuard(Impl* i) : impl(i) {
      std::lock_guard lock(impl->active_mu_);
      ++impl->active_;
    }
    ~ActiveGuard() {
      std::lock_guard lock(impl->active_mu_);
      if (--impl->active_ == 0) impl->active_cv_.notify_all();
    }
  };

  // Counts open connections (for max_connections) for as long as a session runs.
  struct ConnectionGuard {
    Impl* impl;
    ~ConnectionGuard() { --impl->connections_; }
  };

  asio::awaitable<void> Accept() {
    AcceptBackoff backoff;
    asio::steady_timer pause(accept_strand_);
    while (true) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kTuple);
      if (ec) {
        if (!acceptor_.is_open() || ec == asio::error::operation_aborted) co_return;
        // E.g. EMFILE: the connection stays in the kernel's queue and an immediate retry fails
        // again (a busy loop). Keep serving the connections we have; retry after a pause.
        if (options_.on_accept_error) options_.on_accept_error();
        const Millis delay = backoff.Next();
        if (backoff.first()) {
          options_.logger.Warn("cannot accept connections: {} ({} open, server.max_connections {}); "
                               "retrying every 10ms to 1s until it passes",
                               ec.message(), connections_.load(), max_connections_);
        }
        pause.expires_after(delay);
        co_await pause.async_wait(kTuple);
        continue;
      }
      if (backoff.failing()) options_.logger.Info("accepting connections again");
      backoff.Reset();
      auto ex = socket.get_executor();
      if (connections_.load() >= max_connections_) {
        if (options_.on_connection_refused) options_.on_connection_refused();
        asio::co_spawn(ex, RefuseConnection(std::move(socket)), asio::detached);
        continue;
      }
      ++connections_;
      asio::co_spawn(ex, Session(std::move(socket)), asio::detached);
    }
  }

  // Over max_connections: a 503 and close, without reading the request (cheap, and bounded:
  // beyond 64 refusals at once the connection is just closed).
  asio::awaitable<void> RefuseConnection(tcp::socket socket) {
    if (refusing_.fetch_add(1) >= 64) {
      --refusing_;
      co_return;
    }
    beast::tcp_stream stream(std::move(socket));
    co_await Reply(stream, Refusal(503, kUnavailable,
                                   "too many connections: server.max_connections (" +
                                       std::to_string(max_connections_) + ") are open; retry later"),
                   std::chrono::milliseconds(200));
    --refusing_;
  }

  asio::awaitable<void> Session(tcp::socket socket) {
    ConnectionGuard counted{this};
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    internal::ReadDeadline deadline(stream);
    bool first = true;
    while (!stopping_) {
      beast_http::request_parser<beast_http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(options_.max_body_bytes);
      // Between keep-alive requests the idle timeout runs until the next request's first byte;
      // from there (and from accept for the first request) the headers get header_timeout.
      if (!first && buffer.size() == 0) {
        stream.expires_after(options_.idle_timeout);
        auto [iec, in] = co_await stream.async_read_some(buffer.prepare(kHeaderLimit), kTuple);
        if (iec) co_return;
        buffer.commit(in);
      }
      first = false;
      deadline.Arm(options_.header_timeout);
      auto [hec, hn] = co_await beast_http::async_read_header(stream, buffer, parser, kTuple);
      if (deadline.Disarm() && hec) {
        co_await Reply(stream, Refusal(408, kRequestTimeout,
                                       "the request headers did not arrive within server.header_timeout (" +
                                           FormatDuration(options_.header_timeout) + ")"));
        co_return;
      }
      if (hec) {
        if (hec == beast_http::error::body_limit) {  // a Content-Length over the limit
          co_await Reply(stream, TooLarge());
        } else if (hec == beast_http::error::header_limit) {
          co_await Reply(stream, Refusal(431, kBadRequest, "request headers are larger than 16 KiB"));
        } else if (IsParseError(hec)) {
          co_await Reply(stream, Refusal(400, kBadRequest, "malformed HTTP request: " + hec.message()));
        }
        co_return;
      }
      std::optional<ActiveGuard> active(std::in_place, this);
      if (std::optional<HttpResponse> refusal = CheckHost(parser.get())) {
        // In the access log and metrics (route "unmatched"): a proxy sending a name missing
        // from server.allowed_hosts shows up there.
        HttpRequest seen;
        seen.method = std::string(parser.get().method_string());
        seen.path = std::string(parser.get().target().substr(0, parser.get().target().find('?')));
        for (const auto& [name, value] : refusal->headers) {
          if (name == "X-Request-ID") seen.request_id = value;
        }
        Answered(seen, refusal->status, std::chrono::steady_clock::now(), " (Host refused)");
        co_await Reply(stream, *refusal);
        co_return;
      }
      if (auto length = parser.content_length(); length && *length > options_.max_body_bytes) {
        co_await Reply(stream, TooLarge());  // at once: with Expect: 100-continue, no body was sent
        co_return;
      }
      if (!parser.is_done() && IEquals(parser.get()[beast_http::field::expect], "100-continue")) {
        // curl and others wait (a second) for this before sending a body.
        stream.expires_after(options_.request_timeout);
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        auto [cec, cn] = co_await asio::async_write(stream, asio::buffer(kContinue), kTuple);
        if (cec) co_return;
      }
      // The body must keep arriving: each read gets body_timeout.
      beast::error_code bec;
      while (!bec && !parser.is_done()) {
        deadline.Arm(options_.body_timeout);
        auto [ec, n] = co_await beast_http::async_read_some(stream, buffer, parser, kTuple);
        bec = ec;
        if (deadline.Disarm() && bec) {
          co_await Reply(stream, Refusal(408, kRequestTimeout,
                                         "the request body stopped arriving for server.body_timeout (" +
                                             FormatDuration(options_.body_timeout) + ")"));
          co_return;
        }
      }
      if (bec == beast_http::error::body_limit) {
        co_await Reply(stream, TooLarge());
        co_return;
      }
      if (bec) {
        if (IsParseError(bec)) co_await Reply(stream, Refusal(400, kBadRequest, "malformed HTTP request: " + bec.message()));
        co_return;
      }
      auto& message = parser.get();
      if (beast::websocket::is_upgrade(message)) {
        Router::Match m = router_->Find("GET", message.target().substr(0, message.target().find('?')));
        if (m.route != nullptr && m.route->websocket) {
          active.reset();  // a long-lived connection, not a request in flight
          co_await Upgrade(std::move(stream), parser.release(), *m.route, std::move(m.params));
          co_return;
        }
      }
      const bool keep_alive = message.keep_alive();
      const bool head = message.method() == beast_http::verb::head;
      HttpResponse res = co_await Dispatch(FromBeastRequest(message));
      const bool again = keep_alive && !stopping_;
      auto [wec, wn] = co_await Write(stream, res, again, head);
      if (wec || !again) {
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        co_return;
      }
    }
  }

  // A WebSocket upgrade: the middleware's checks, then the connection until it ends.
  asio::awaitable<void> Upgrade(beast::tcp_stream stream, beast_http::request<beast_http::string_body> upgrade,
                                const goclaw::api::http::Route& route, std::map<std::string, std::string> params) {
    const auto start = std::chrono::steady_clock::now();
    HttpRequest req = FromBeastRequest(upgrade);
    AssignRequestId(req);
    req.route = route.pattern;
    req.params = std::move(params);
    auto finish = [&](int status) { Answered(req, status, start, " (websocket)"); };
    if (!SameOriginOrAllowed(req)) {
      HttpResponse res = ErrorResponse(req, 403, kForbidden,
                                       "WebSocket from origin \"" + std::string(req.Header("origin")) +
                                           "\" refused; allow it in server.cors_origins");
      res.SetHeader("X-Request-ID", req.request_id);
      finish(403);
      co_await Reply(stream, res);
      co_return;
    }
    internal::WebSocketLimits limits;
    limits.max_queued_bytes = options_.ws_max_queued_bytes;
    limits.handshake_timeout = options_.header_timeout;
    limits.idle_timeout = options_.idle_timeout;
    internal::WebSocketHooks hooks;
    // Logged and counted once the handshake is done: Beast answers a bad one itself (400).
    hooks.handshake = [&finish](int status) { finish(status); };
    hooks.opened = [this](const std::shared_ptr<WebSocketPeer>& peer) {
      std::lock_guard lock(active_mu_);
      websockets_.insert(peer);
      if (stopping_) peer->Close(kWsGoingAway, "server shutting down");
    };
    hooks.ended = [this](const std::shared_ptr<WebSocketPeer>& peer) {
      std::lock_guard lock(active_mu_);
      websockets_.erase(peer);
      if (websockets_.empty()) active_cv_.notify_all();
    };
    // A copy of the request: `finish` (the handshake hook) still reads this one.
    co_await internal::ServeWebSocket(std::move(stream), std::move(upgrade), HttpRequest(req),
                                      route.websocket, limits, std::move(hooks));
  }

  // Browsers send Origin with every WebSocket handshake and do not apply CORS to it, so a
  // page from another site could otherwise read the event stream: refuse origins whose host
  // this server does not serve (host_policy.h). Clients without Origin (curl, SDKs) pass.
  bool SameOriginOrAllowed(const HttpRequest& req) const {
    return hosts_.OriginAllowed(req.Header("origin"), req.Header("host"));
  }

  // HTTP/1.1 requires exactly one Host (RFC 9112 §3.2); the name must be one this server
  // serves (DNS rebinding, host_policy.h). A refusal to send, or none.
  std::optional<HttpResponse> CheckHost(const beast_http::request<beast_http::string_body>& m) {
    const auto hosts = m.count(beast_http::field::host);
    if (hosts > 1 || (hosts == 0 && m.version() >= 11)) {
      return Refusal(400, kBadRequest,
                     "an HTTP/1.1 request needs exactly one Host header; got " + std::to_string(hosts));
    }
    std::string_view host = m[beast_http::field::host];
    if (hosts_.HostAllowed(host)) return std::nullopt;
    std::string shown(host.substr(0, 128));
    for (char& c : shown) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') c = '?';
    }
    return Refusal(421, kMisdirectedRequest, "Host \"" + shown + "\" is not served: " + hosts_.Describe());
  }

  // The middleware chain.
  asio::awaitable<HttpResponse> Dispatch(HttpRequest req) {
    const auto start = std::chrono::steady_clock::now();
    AssignRequestId(req);
    HttpResponse res = co_await Route(req);
    res.SetHeader("X-Request-ID", req.request_id);
    ApplyCors(req, res);
    Answered(req, res.status, start, "");
    co_return res;
  }

  // The client's X-Request-ID when it is a sane one, else a new `req-<uuidv7>`.
  void AssignRequestId(HttpRequest& req) {
    std::string_view given = req.Header("x-request-id");
    req.request_id = ValidRequestId(given) ? std::string(given) : "req-" + ids_.Next().ToString();
  }

  // The access log line and the observer (metrics), once per answered request or upgrade.
  void Answered(const HttpRequest& req, int status, std::chrono::steady_clock::time_point start,
                std::string_view note) {
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options_.logger.Enabled(log::Level::kInfo)) {
      options_.logger.With("request_id", req.request_id)
          .Info("{} {} {} {:.3f}ms{}", req.method, req.path, status, seconds * 1000, note);
    }
    if (options_.observer) options_.observer(req, status, seconds);
  }

  asio::awaitable<HttpResponse> Route(HttpRequest& req) {
    if (req.method == "OPTIONS" && !req.Header("access-control-request-method").empty() &&
        OriginAllowed(req.Header("origin"))) {
      Router::Match m = router_->Find(std::string(req.Header("access-control-request-method")), req.path);
      HttpResponse pre;
      pre.status = 204;
      pre.content_type.clear();
      std::vector<std::string> methods = m.allow;
      if (m.route) methods.push_back(m.route->method);
      pre.SetHeader("Access-Control-Allow-Methods", Join(methods, ", "));
      pre.SetHeader("Access-Control-Allow-Headers", "Content-Type, X-Request-ID, Authorization");
      pre.SetHeader("Access-Control-Max-Age", "600");
      co_return pre;
    }
    if (req.path.empty() || req.path[0] != '/') {
      co_return ErrorResponse(req, 400, kBadRequest, "the request target must be an absolute path");
    }
    if (req.malformed_query) co_return ErrorResponse(req, 400, kBadRequest, "malformed %-escape in the query");
    if (!req.duplicate_query.empty()) {
      co_return ErrorResponse(req, 400, kBadRequest,
                              "query parameter \"" + req.duplicate_query.substr(0, 64) +
                                  "\" is given more than once; give each parameter once");
    }
    Router::Match m = router_->Find(req.method, req.path);
    if (m.bad_escape) co_return ErrorResponse(req, 400, kBadRequest, "malformed %-escape in the path");
    if (m.route == nullptr) {
      if (!m.allow.empty()) {
        HttpResponse r = ErrorResponse(req, 405, kMethodNotAllowed,
                                       req.method + " is not allowed on " + req.path + "; allowed: " + Join(m.allow, ", "));
        r.SetHeader("Allow", Join(m.allow, ", "));
        co_return r;
      }
      co_return ErrorResponse(req, 404, kNotFound, "no route for " + req.path);
    }
    req.route = m.route->pattern;
    req.params = std::move(m.params);
    const goclaw::api::http::Route& route = *m.route;
    // (The jobs are named locals: GCC 12 mishandles temporaries inside co_await expressions.)
    if (route.options.blocking) {
      std::function<HttpResponse(HttpRequest&)> job = [this, &route](HttpRequest& r) {
        return Invoke([&] { return route.handler(r); }, r);
      };
      co_return co_await OnPool(std::move(job), req);
    }
    HttpResponse res = Invoke([&] { return route.handler(req); }, req);
    if (res.defer) {
      std::function<void(HttpResponse::Reply)> start = std::move(res.defer);
      res = co_await Deferred(std::move(start), req);
    }
    if (!res.wait) co_return res;
    // The handler did the quick part and needs to block for the rest: off the I/O thread.
    std::function<HttpResponse(HttpRequest&)> job = [this, wait = std::move(res.wait)](HttpRequest& r) {
      return Invoke(wait, r);
    };
    // The handler bounds its own wait by request_timeout (a submit refuses a longer `wait`):
    // the grace lets a wait of exactly that long answer itself rather than race the 504.
    co_return co_await OnPool(std::move(job), req, options_.request_timeout + kWaitGrace);
  }

  // Runs `fn` with recovery: an exception becomes a 500 with the request id.
  template <typename F>
  HttpResponse Invoke(F&& fn, const HttpRequest& req) {
    try {
      return fn();
    } catch (const std::exception& e) {
      options_.logger.With("request_id", req.request_id).Error("handler for {} {} threw: {}", req.method, req.path, e.what());
    } catch (...) {
      options_.logger.With("request_id", req.request_id).Error("handler for {} {} threw", req.method, req.path);
    }
    return ErrorResponse(req, 500, kInternal, "internal error; the request id is " + req.request_id);
  }

  // Runs `fn(request)` on the pool; answers 504 if it takes longer than request_timeout.
  asio::awaitable<HttpResponse> OnPool(std::function<HttpResponse(HttpRequest&)> fn, HttpRequest& req,
                                       std::optional<Millis> timeout = std::nullopt) {
    auto request = std::make_shared<HttpRequest>(req);
    std::function<void(HttpResponse::Reply)> start = [this, fn = std::move(fn), request](HttpResponse::Reply reply) {
      asio::post(pool_, [fn, request, reply] { reply(fn(*request)); });
    };
    co_return co_await Deferred(std::move(start), req, timeout.value_or(options_.request_timeout));
  }

  // Calls `start(reply)` and waits (without holding the I/O thread) until some thread calls
  // reply, or answers 504 after request_timeout. Later replies are dropped.
  asio::awaitable<HttpResponse> Deferred(std::function<void(HttpResponse::Reply)> start, HttpRequest& req,
                                         std::optional<Millis> timeout = std::nullopt) {
    struct Shared {
      std::mutex mu;
      std::optional<HttpResponse> res;
      bool replied = false;
    };
    auto ex = co_await asio::this_coro::executor;
    auto shared = std::make_shared<Shared>();
    auto timer = std::make_shared<asio::steady_timer>(ex, timeout.value_or(options_.request_timeout));
    HttpResponse::Reply reply = [shared, timer, ex](HttpResponse r) {
      {
        std::lock_guard lock(shared->mu);
        if (shared->replied) return;
        shared->replied = true;
        shared->res = std::move(r);
      }
      asio::post(ex, [timer] { timer->cancel(); });
    };
    HttpResponse failed = Invoke(
        [&] {
          start(reply);
          return HttpResponse();
        },
        req);
    if (failed.status >= 500) co_return failed;  // start threw
    {
      std::lock_guard lock(shared->mu);
      if (shared->res) co_return std::move(*shared->res);  // replied at once
    }
    co_await timer->async_wait(kTuple);
    std::lock_guard lock(shared->mu);
    if (shared->res) co_return std::move(*shared->res);
    shared->replied = true;  // too late from here on
    co_return ErrorResponse(req, 504, kTimeout,
                            "the request took longer than server.request_timeout (" +
                                FormatDuration(options_.request_timeout) + ")");
  }

  bool OriginAllowed(std::string_view origin) const {
    if (origin.empty()) return false;
    for (const auto& o : options_.cors_origins) {
      if (o == "*" || o == origin) return true;
    }
    return false;
  }

  void ApplyCors(const HttpRequest& req, HttpResponse& res) const {
    std::string_view origin = req.Header("origin");
    if (!OriginAllowed(origin)) return;
    res.SetHeader("Access-Control-Allow-Origin", std::string(origin));
    res.SetHeader("Vary", "Origin");
    res.SetHeader("Access-Control-Expose-Headers", "X-Request-ID");
  }

  HttpResponse Refusal(int status, std::string_view code, const std::string& message) {
    HttpRequest req;
    req.request_id = "req-" + ids_.Next().ToString();
    HttpResponse r = ErrorResponse(req, status, code, message);
    r.SetHeader("X-Request-ID", req.request_id);
    return r;
  }

  HttpResponse TooLarge() {
    return Refusal(413, kPayloadTooLarge,
                   "request body is larger than server.max_body_bytes (" +
                       std::to_string(options_.max_body_bytes) + " bytes)");
  }

  // The answer to a HEAD request has the headers of the GET, Content-Length included, and no
  // body (RFC 9110 §9.3.2): whatever body the handler made is not sent.
  asio::awaitable<std::tuple<beast::error_code, std::size_t>> Write(beast::tcp_stream& stream,
                                                                     const HttpResponse& r,
                                                                     bool keep_alive, bool head = false) {
    if (head) {
      beast_http::response<beast_http::empty_body> msg;
      msg.version(11);
      msg.result(static_cast<unsigned>(r.status));
      if (!r.content_type.empty()) msg.set(beast_http::field::content_type, r.content_type);
      msg.set(beast_http::field::server, "goclaw");
      for (const auto& [name, value] : r.headers) msg.set(name, value);
      msg.keep_alive(keep_alive);
      if (r.status >= 200 && r.status != 204 && r.status != 304) msg.content_length(r.body.size());
      stream.expires_after(options_.request_timeout);
      beast_http::serializer<false, beast_http::empty_body> sr(msg);
      co_return co_await beast_http::async_write_header(stream, sr, kTuple);
    }
    beast_http::response<beast_http::string_body> msg;
    msg.version(11);
    msg.result(static_cast<unsigned>(r.status));
    if (!r.content_type.empty()) msg.set(beast_http::field::content_type, r.content_type);
    msg.set(beast_http::field::server, "goclaw");
    for (const auto& [name, value] : r.headers) msg.set(name, value);
    msg.body() = r.body;
    msg.keep_alive(keep_alive);
    msg.prepare_payload();
    stream.expires_after(options_.request_timeout);
    co_return co_await beast_http::async_write(stream, msg, kTuple);
  }

  // A refusal before the request could be read: the connection closes after it. What the
  // client is still sending is read and dropped for a moment first ("lingering close"), so
  // the answer is not lost to a reset.
  asio::awaitable<void> Reply(beast::tcp_stream& stream, const HttpResponse& r,
                              Millis linger = std::chrono::seconds(2)) {
    co_await Write(stream, r, false);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    std::array<char, 16384> sink;
    std::size_t drained = 0;
    stream.expires_after(linger);
    while (drained < (8u << 20)) {
      auto [ec, n] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
      if (ec) break;
      drained += n;
    }
  }

  HttpServerOptions options_;
  std::shared_ptr<const Router> router_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  // The accept loop and the close run here, never at the same time.
  asio::strand<asio::io_context::executor_type> accept_strand_ = asio::make_strand(io_);
  asio::thread_pool pool_;
  std::vector<std::thread> threads_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> shut_down_{false};
  std::mutex active_mu_;
  std::condition_variable active_cv_;
  int active_ = 0;
  std::set<std::shared_ptr<WebSocketPeer>> websockets_;  // open connections (for shutdown)
  const HostPolicy hosts_;
  const std::int64_t max_connections_;
  std::atomic<std::int64_t> connections_{0};  // sessions running
  std::atomic<int> refusing_{0};              // RefuseConnection coroutines running
  SystemClock clock_;
  UuidGenerator ids_{clock_};
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(HttpServerOptions options,
                                                      std::shared_ptr<const Router> router) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(router));
  GOCLAW_RETURN_IF_ERROR(impl->Bind());
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;
int HttpServer::port() const { return impl_->port(); }
std::int64_t HttpServer::max_connections() const { return impl_->max_connections(); }
void HttpServer::Shutdown(Millis drain) { impl_->Shutdown(drain); }

}  // namespace goclaw::api::http
