// Beast over one io_context thread, a coroutine per request, a pool of keep-alive connections
// per scheme+host+port; OpenSSL for https.
#include "goclaw/net/async_http_client.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <pthread.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "goclaw/core/text.h"

namespace goclaw::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Steady = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// Interim (1xx) answers skipped before the final one; more is a broken or hostile server.
constexpr int kMaxInterim = 8;

bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string Shown(std::string_view s) {
  std::string out(s.substr(0, 200));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
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

struct ReadOutcome {
  beast::error_code ec;
  bool interim = false;   // 1xx answers came before the final one
  bool leftover = false;  // bytes after the final answer: not ours, never pooled
  unsigned refused = 0;   // 101, or the 1xx past kMaxInterim
};

// Writes the request and reads the final response on either kind of stream, skipping 100
// Continue and other interim answers (RFC 9110 §15.2): taking one as the answer would leave
// the real answer unread on a pooled connection, for the next request to anyone.
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

std::vector<IpAddress> AddressesOf(const tcp::resolver::results_type& results) {
  std::vector<IpAddress> out;
  for (const auto& entry : results) {
    const asio::ip::address a = entry.endpoint().address();
    out.push_back(a.is_v4() ? IpAddress::FromV4(a.to_v4().to_bytes()) : IpAddress::FromV6(a.to_v6().to_bytes()));
  }
  return out;
}

std::string PoolKey(const Url& url) { return url.scheme + "://" + url.Authority(); }

}  // namespace

Status CheckHeaderName(std::string_view name) {
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid header name \"" + Shown(name) +
                         "\"; a name is letters, digits and !#$%&'*+-.^_`|~ (RFC 7230 token)");
  }
  return OkStatus();
}

Status CheckHeaderValue(std::string_view value) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "the value contains " + DescribeByte(value[i]) + " at offset " + std::to_string(i) +
                           "; header values may not contain CR, LF, NUL or other control characters");
    }
  }
  return OkStatus();
}

bool IsReservedHeader(std::string_view name) {
  static constexpr std::string_view kReserved[] = {"content-length", "transfer-encoding", "connection",
                                                   "upgrade", "te", "trailer"};
  return std::any_of(std::begin(kReserved), std::end(kReserved),
                     [&](std::string_view r) { return EqualsIgnoreCase(r, name); });
}

std::string_view StatusReason(unsigned status) {
  const auto reason = http::obsolete_reason(static_cast<http::status>(status));
  return std::string_view(reason.data(), reason.size());
}

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return "";
}

// What a RequestHandle reaches: the way to post a cancel to the client's I/O thread while the
// request runs (empty before it starts and once it finished).
struct RequestHandle::Shared {
  std::mutex mu;
  std::function<void()> cancel;
};

void RequestHandle::Cancel() const {
  if (!shared_) return;
  std::lock_guard lock(shared_->mu);
  if (shared_->cancel) shared_->cancel();
}

class AsyncHttpClient::Impl {
 public:
  explicit Impl(HttpClientOptions options) : options_(std::move(options)) {}

  Status Init() {
    boost::system::error_code ec;
    tls_context_.set_default_verify_paths(ec);
    if (ec) return MakeError(ErrorCode::kUnavailable, "loading the system CA certificates: " + ec.message());
    if (!options_.ca_file.empty()) {
      tls_context_.load_verify_file(options_.ca_file, ec);
      if (ec) {
        return MakeError(ErrorCode::kInvalidArgument, options_.ca_file_setting +
                                                          ": cannot load CA certificates from \"" +
                                                          options_.ca_file + "\": " + ec.message());
      }
    }
    tls_context_.set_verify_mode(ssl::verify_peer);
    thread_ = std::jthread([this] { io_.run(); });
    pthread_setname_np(thread_.native_handle(), options_.thread_name.substr(0, 15).c_str());
    return OkStatus();
  }

  ~Impl() {
    asio::post(io_, [this] {
      closing_ = true;
      idle_.clear();
      for (Request* r : active_) r->Abort();
    });
    work_.reset();
    if (thread_.joinable()) thread_.join();
  }

  RequestHandle Start(HttpRequest request, Callback done) {
    auto r = std::make_shared<Request>(io_);
    r->done = std::move(done);
    r->handle = std::make_shared<RequestHandle::Shared>();
    if (Status s = Build(std::move(request), *r); !s) {
      asio::post(io_, [r, error = s.error()]() mutable { r->done(tl::unexpected<Error>(std::move(error))); });
      return RequestHandle(r->handle);
    }
    std::weak_ptr<Request> weak = r;
    {
      std::lock_guard lock(r->handle->mu);
      r->handle->cancel = [this, weak] {
        asio::post(io_, [weak] {
          if (auto req = weak.lock()) {
            req->cancelled = true;
            req->Abort();
          }
        });
      };
    }
    asio::co_spawn(io_, Run(r), asio::detached);
    return RequestHandle(r->handle);
  }

 private:
  struct Request {
    explicit Request(asio::io_context& io) : resolve_deadline(io) {}

    // Stops whatever the request waits for; its coroutine then sees an error. I/O thread only.
    void Abort() {
      if (resolver) resolver->cancel();
      if (conn) conn->tcp().socket().close();
    }

    Callback done;
    std::shared_ptr<RequestHandle::Shared> handle;
    Url url;
    std::string where;  // scheme://host:port/target, for messages
    http::request<http::string_body> req;
    Steady::time_point deadline;
    std::size_t max_bytes = 0;
    std::shared_ptr<Connection> conn;
    std::shared_ptr<tcp::resolver> resolver;  // while resolving
    asio::steady_timer resolve_deadline;
    bool cancelled = false;
    std::optional<Error> refused;  // by check_addresses
  };

  Status Build(HttpRequest in, Request& r) const {
    if (in.url.scheme != "http" && in.url.scheme != "https") {
      return MakeError(ErrorCode::kInvalidArgument,
                       "cannot send " + in.url.ToString() + ": only http:// and https:// URLs are supported");
    }
    if (in.method.empty() || !std::all_of(in.method.begin(), in.method.end(), IsTokenChar)) {
      return MakeError(ErrorCode::kInvalidArgument, "invalid HTTP method \"" + Shown(in.method) + "\"");
    }
    r.url = std::move(in.url);
    r.where = PoolKey(r.url) + r.url.target;
    r.deadline = Steady::now() + in.timeout;
    r.max_bytes = in.max_response_bytes.value_or(options_.max_response_bytes);
    r.req.method_string(in.method);
    r.req.target(r.url.target);
    r.req.version(11);
    r.req.set(http::field::host, r.url.HostHeader());
    if (!options_.user_agent.empty()) r.req.set(http::field::user_agent, options_.user_agent);
    for (auto& [name, value] : in.headers) {
      GOCLAW_RETURN_IF_ERROR(CheckHeaderName(name));
      if (IsReservedHeader(name)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "header " + name + " is set by the client (framing and connection headers are reserved)");
      }
      if (Status s = CheckHeaderValue(value); !s) {
        return MakeError(ErrorCode::kInvalidArgument, "header " + name + ": " + s.error().message());
      }
      r.req.set(name, value);
    }
    r.req.body() = std::move(in.body);
    r.req.keep_alive(true);
    r.req.prepare_payload();
    return OkStatus();
  }

  // A DNS lookup bounded by the request's deadline (the resolver has no timeout of its own).
  asio::awaitable<std::pair<beast::error_code, tcp::resolver::results_type>> Resolve(Request& r) {
    r.resolver = std::make_shared<tcp::resolver>(io_);
    r.resolve_deadline.expires_at(r.deadline);
    r.resolve_deadline.async_wait([resolver = r.resolver](const boost::system::error_code& ec) {
      if (!ec) resolver->cancel();
    });
    auto [ec, results] = co_await r.resolver->async_resolve(r.url.host, std::to_string(r.url.port), kTuple);
    r.resolve_deadline.cancel();
    r.resolver.reset();
    if (ec == asio::error::operation_aborted && !r.cancelled && !closing_ && Steady::now() >= r.deadline) {
      ec = beast::error::timeout;
    }
    co_return std::make_pair(beast::error_code(ec), std::move(results));
  }

  // A connection to the request's host: an idle pooled one, or a new one (TLS handshake done)
  // whose resolved addresses passed check_addresses (r.refused when not).
  // `fresh`: skip the pool (its connections answered with a close already).
  asio::awaitable<beast::error_code> Connect(Request& r, bool fresh, bool& reused) {
    auto& pool = idle_[PoolKey(r.url)];
    while (!fresh && !pool.empty()) {
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
    auto [rec, results] = co_await Resolve(r);
    if (rec) co_return rec;
    if (options_.check_addresses) {
      const std::vector<IpAddress> addresses = AddressesOf(results);
      if (Status s = options_.check_addresses(r.url, addresses); !s) {
        r.refused = s.error();
        co_return beast::error_code(asio::error::access_denied);
      }
    }
    if (r.cancelled || closing_) co_return beast::error_code(asio::error::operation_aborted);
    r.conn = r.url.Secure() ? std::make_shared<Connection>(io_, tls_context_) : std::make_shared<Connection>(io_);
    r.conn->tcp().expires_at(r.deadline);
    auto [cec, endpoint] = co_await r.conn->tcp().async_connect(results, kTuple);
    if (cec || !r.conn->tls) co_return cec;
    // SNI for host names (RFC 6066: not for address literals), and the certificate must name
    // the host either way.
    if (!IpAddress::Parse(r.url.host) && !SSL_set_tlsext_host_name(r.conn->tls->native_handle(), r.url.host.c_str())) {
      co_return beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category());
    }
    r.conn->tls->set_verify_callback(ssl::host_name_verification(r.url.host));
    auto [hec] = co_await r.conn->tls->async_handshake(ssl::stream_base::client, kTuple);
    co_return hec;
  }

  asio::awaitable<void> Run(std::shared_ptr<Request> r) {
    active_.insert(r.get());
    Result<HttpResponse> result = co_await Exchange(*r);
    active_.erase(r.get());
    if (r->cancelled) {
      result = MakeError(ErrorCode::kCancelled, "request cancelled");
    } else if (closing_ && !result) {
      result = MakeError(ErrorCode::kUnavailable, "requesting " + r->where + ": the client is shutting down");
    }
    {
      std::lock_guard lock(r->handle->mu);
      r->handle->cancel = nullptr;
    }
    r->done(std::move(result));
  }

  asio::awaitable<Result<HttpResponse>> Exchange(Request& r) {
    for (int round = 0; round < 2; ++round) {
      bool reused = false;
      beast::error_code ec = co_await Connect(r, /*fresh=*/round > 0, reused);
      // A cancel that came while there was nothing to close is noticed here.
      if (r.cancelled) {
        r.conn.reset();
        co_return MakeError(ErrorCode::kCancelled, "request cancelled");
      }
      if (r.refused) co_return tl::unexpected<Error>(*r.refused);
      if (ec) {
        r.conn.reset();
        co_return ConnectionError(ec, "connecting to " + r.where);
      }
      r.conn->tcp().expires_at(r.deadline);
      std::optional<http::response_parser<http::string_body>> parser;
      ReadOutcome out;
      // (if/else, not ?: -- GCC 12 miscompiles co_await inside a conditional expression)
      if (r.conn->tls) {
        out = co_await Roundtrip(*r.conn->tls, r.req, parser, r.max_bytes);
      } else {
        out = co_await Roundtrip(*r.conn->plain, r.req, parser, r.max_bytes);
      }
      ec = out.ec;
      if (ec && reused && !r.cancelled && !closing_ && ec != beast::error::timeout && !out.interim &&
          (!parser || !parser->got_some())) {
        // The server closed an idle connection (it restarted, or its keep-alive ran out): the
        // other idle ones to it are most likely closed too. Drop them, and try once on a new one.
        r.conn.reset();
        idle_.erase(PoolKey(r.url));
        continue;
      }
      if (ec == http::error::body_limit) {
        r.conn.reset();
        co_return MakeError(ErrorCode::kResourceExhausted,
                            "response from " + r.where + " is larger than " + std::to_string(r.max_bytes) + " bytes");
      }
      if (ec) {
        r.conn.reset();
        co_return ConnectionError(ec, "requesting " + r.where);
      }
      if (out.refused != 0) {
        r.conn.reset();
        co_return MakeError(ErrorCode::kFailedPrecondition,
                            r.where + (out.refused == 101
                                           ? " answered 101 Switching Protocols, which this client cannot use"
                                           : " sent more than " + std::to_string(kMaxInterim) +
                                                 " interim (1xx) responses"));
      }
      auto res = parser->release();
      // Pooled only when the exchange ended cleanly at the response's end.
      if (res.keep_alive() && !closing_ && !out.interim && !out.leftover) {
        r.conn->tcp().expires_never();
        auto& pool = idle_[PoolKey(r.url)];
        if (pool.size() < options_.max_idle_per_host) pool.push_back(std::move(r.conn));
      }
      r.conn.reset();
      HttpResponse response;
      response.status = res.result_int();
      for (const auto& field : res) response.headers.emplace_back(field.name_string(), field.value());
      response.body = std::move(res.body());
      co_return response;
    }
    co_return MakeError(ErrorCode::kUnavailable, "requesting " + r.where + " failed");
  }

  static tl::unexpected<Error> ConnectionError(const beast::error_code& ec, const std::string& what) {
    if (ec.category() == asio::error::get_ssl_category()) {
      // A certificate or protocol mismatch does not heal by retrying.
      return MakeError(ErrorCode::kFailedPrecondition, what + ": TLS: " + ec.message());
    }
    if (ec == beast::error::timeout) return MakeError(ErrorCode::kDeadlineExceeded, what + ": timed out");
    return MakeError(ErrorCode::kUnavailable, what + ": " + ec.message());
  }

  HttpClientOptions options_;
  ssl::context tls_context_{ssl::context::tls_client};
  asio::io_context io_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  // Touched only on the I/O thread.
  std::map<std::string, std::vector<std::shared_ptr<Connection>>> idle_;
  std::set<Request*> active_;
  bool closing_ = false;
  std::jthread thread_;  // last: joined before anything above goes
};

Result<std::unique_ptr<AsyncHttpClient>> AsyncHttpClient::Create(HttpClientOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  GOCLAW_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<AsyncHttpClient>(new AsyncHttpClient(std::move(impl)));
}

AsyncHttpClient::AsyncHttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AsyncHttpClient::~AsyncHttpClient() = default;

RequestHandle AsyncHttpClient::Start(HttpRequest request, Callback done) {
  return impl_->Start(std::move(request), std::move(done));
}

}  // namespace goclaw::net
