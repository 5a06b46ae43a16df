// AsyncHttpClient against an in-process HTTP server on a loopback port (synchronous Beast, a
// thread per connection): the request on the wire, pooling and its safety rules, the deadline
// over the whole exchange, the size limit, cancel, shutdown, interim answers, check_addresses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/net/async_http_client.h"
#include "goclaw/net/test_loopback_server.h"

namespace goclaw::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using ::testing::HasSubstr;
using Steady = std::chrono::steady_clock;

class TestServer {
 public:
  explicit TestServer(const char* address = "127.0.0.1")
      : server_([this](tcp::socket s) { Serve(std::move(s)); }, address) {}
  ~TestServer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();  // releases /hang; then server_ (declared last) joins its threads
  }
  Url At(const std::string& target) const {
    return *ParseUrl("http://127.0.0.1:" + std::to_string(server_.port()) + target);
  }
  unsigned short port() const { return server_.port(); }
  int accepted() const { return server_.accepted(); }
  int hanging() {
    std::lock_guard lock(mu_);
    return hanging_;
  }

 private:
  // Raw bytes for the answers a Beast response object cannot express.
  static bool WriteRaw(tcp::socket& socket, const std::string& bytes) {
    beast::error_code ec;
    asio::write(socket, asio::buffer(bytes), ec);
    return !ec;
  }

  void Serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> req;
      beast::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      const std::string target(req.target());
      if (target == "/hang") {
        std::unique_lock lock(mu_);
        ++hanging_;
        cv_.wait(lock, [&] { return stopping_; });
        return;
      }
      if (target == "/trickle") {  // a byte of a never-ending header every 20ms
        if (!WriteRaw(socket, "HTTP/1.1 200 OK\r\n")) return;
        for (int i = 0; i < 500; ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          if (!WriteRaw(socket, "X")) return;
        }
        return;
      }
      if (target == "/continue") {
        if (!WriteRaw(socket, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal")) return;
        continue;
      }
      if (target == "/upgrade") {
        WriteRaw(socket, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n");
        return;
      }
      if (target == "/interims") {
        std::string many;
        for (int i = 0; i < 10; ++i) many += "HTTP/1.1 102 Processing\r\n\r\n";
        WriteRaw(socket, many);
        return;
      }
      if (target == "/extra") {  // an answer, then bytes nobody asked for
        if (!WriteRaw(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale")) {
          return;
        }
        continue;
      }
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.keep_alive(req.keep_alive());
      if (target == "/big") {
        res.body() = std::string(2000, 'x');
      } else if (target == "/missing") {
        res.result(http::status::not_found);
        res.body() = "no such thing";
      } else if (target == "/head") {
        res.set(http::field::content_length, "5");
      } else {
        res.set(http::field::content_type, "application/json");
        res.set("X-Reply", "1");
        res.body() = boost::json::serialize(boost::json::object{
            {"method", std::string(req.method_string())},
            {"target", target},
            {"host", std::string(req[http::field::host])},
            {"user_agent", std::string(req[http::field::user_agent])},
            {"x_a", std::string(req["X-A"])},
            {"body", req.body()}});
      }
      if (target != "/head") res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !req.keep_alive() || target == "/once") return;
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  int hanging_ = 0;
  testing::LoopbackServer server_;
};

std::future<Result<HttpResponse>> StartFetch(AsyncHttpClient& client, HttpRequest request,
                                             RequestHandle* handle = nullptr) {
  auto promise = std::make_shared<std::promise<Result<HttpResponse>>>();
  RequestHandle h =
      client.Start(std::move(request), [promise](Result<HttpResponse> r) { promise->set_value(std::move(r)); });
  if (handle != nullptr) *handle = h;
  return promise->get_future();
}

Result<HttpResponse> Fetch(AsyncHttpClient& client, HttpRequest request) {
  return StartFetch(client, std::move(request)).get();
}

class AsyncHttpClientLoopbackTest : public ::testing::Test {
 protected:
  static std::unique_ptr<AsyncHttpClient> NewClient(HttpClientOptions options = {}) {
    auto c = AsyncHttpClient::Create(std::move(options));
    EXPECT_TRUE(c) << c.error().message();
    return std::move(*c);
  }

  TestServer server_;
  std::unique_ptr<AsyncHttpClient> client_ = NewClient({.max_response_bytes = 1000});
};

TEST_F(AsyncHttpClientLoopbackTest, SendsTheRequestAndReadsTheAnswer) {
  auto r = Fetch(*client_, {.method = "POST", .url = server_.At("/echo?q=1"), .headers = {{"X-A", "a\tb"}},
                            .body = "hello"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->Header("x-reply"), "1");
  EXPECT_EQ(r->Header("Content-Type"), "application/json");
  EXPECT_EQ(r->body, boost::json::serialize(boost::json::object{
                         {"method", "POST"},
                         {"target", "/echo?q=1"},
                         {"host", "127.0.0.1:" + std::to_string(server_.port())},
                         {"user_agent", "goclaw"},
                         {"x_a", "a\tb"},
                         {"body", "hello"}}));
  auto mine = Fetch(*client_, {.url = server_.At("/echo"), .headers = {{"User-Agent", "me"}, {"Host", "v.example"}}});
  ASSERT_TRUE(mine) << mine.error().message();
  EXPECT_THAT(mine->body, HasSubstr(R"("host":"v.example","user_agent":"me")"));
}

TEST_F(AsyncHttpClientLoopbackTest, StatusesAreAnswersNotErrors) {
  auto r = Fetch(*client_, {.method = "DELETE", .url = server_.At("/missing")});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 404u);
  EXPECT_EQ(r->body, "no such thing");
  auto head = Fetch(*client_, {.method = "HEAD", .url = server_.At("/head")});
  ASSERT_TRUE(head) << head.error().message();
  EXPECT_EQ(head->Header("content-length"), "5");
  EXPECT_EQ(head->body, "");
}

TEST_F(AsyncHttpClientLoopbackTest, ConnectionsArePooledPerHost) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Fetch(*client_, {.url = server_.At("/echo")}));
  EXPECT_EQ(server_.accepted(), 1);
  auto unpooled = NewClient({.max_idle_per_host = 0});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Fetch(*unpooled, {.url = server_.At("/echo")}));
  EXPECT_EQ(server_.accepted(), 4);
}

TEST_F(AsyncHttpClientLoopbackTest, AClosedPooledConnectionIsReplacedOnce) {
  ASSERT_TRUE(Fetch(*client_, {.url = server_.At("/once")}));
  auto r = Fetch(*client_, {.method = "POST", .url = server_.At("/echo"), .body = "again"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_THAT(r->body, HasSubstr("\"again\""));
  EXPECT_EQ(server_.accepted(), 2);
}

// A restarted peer closes every pooled connection at once: the retry goes to a new
// connection, not to the next dead one in the pool.
TEST_F(AsyncHttpClientLoopbackTest, AfterEveryPooledConnectionClosedTheRetryConnectsAnew) {
  auto first = StartFetch(*client_, {.url = server_.At("/once")});
  auto second = StartFetch(*client_, {.url = server_.At("/once")});
  ASSERT_TRUE(first.get());
  ASSERT_TRUE(second.get());
  ASSERT_EQ(server_.accepted(), 2);  // two connections, both pooled, both closed by the server
  auto r = Fetch(*client_, {.method = "POST", .url = server_.At("/echo"), .body = "after restart"});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_THAT(r->body, HasSubstr("\"after restart\""));
  EXPECT_EQ(server_.accepted(), 3);
}

TEST_F(AsyncHttpClientLoopbackTest, BytesAfterTheAnswerKeepTheConnectionOutOfThePool) {
  auto r = Fetch(*client_, {.url = server_.At("/extra")});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->body, "ok");
  auto next = Fetch(*client_, {.url = server_.At("/echo")});
  ASSERT_TRUE(next) << next.error().message();
  EXPECT_THAT(next->body, HasSubstr("\"target\":\"/echo\""));  // not the stale answer
  EXPECT_EQ(server_.accepted(), 2);
}

TEST_F(AsyncHttpClientLoopbackTest, InterimAnswersAreSkippedAndNeverPooled) {
  auto r = Fetch(*client_, {.url = server_.At("/continue")});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->body, "final");
  ASSERT_TRUE(Fetch(*client_, {.url = server_.At("/echo")}));
  EXPECT_EQ(server_.accepted(), 2);
  auto up = Fetch(*client_, {.url = server_.At("/upgrade")});
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(up.error().message(), HasSubstr("/upgrade answered 101 Switching Protocols"));
  auto many = Fetch(*client_, {.url = server_.At("/interims")});
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(many.error().message(), HasSubstr("sent more than 8 interim (1xx) responses"));
}

TEST_F(AsyncHttpClientLoopbackTest, AnswersOverTheLimitFail) {
  auto big = Fetch(*client_, {.url = server_.At("/big")});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(big.error().message(), "response from http://127.0.0.1:" + std::to_string(server_.port()) +
                                       "/big is larger than 1000 bytes");
  auto allowed = Fetch(*client_, {.url = server_.At("/big"), .max_response_bytes = 2000});
  ASSERT_TRUE(allowed) << allowed.error().message();
  EXPECT_EQ(allowed->body.size(), 2000u);
}

TEST_F(AsyncHttpClientLoopbackTest, TheTimeoutIsADeadlineForTheWholeExchange) {
  const auto start = Steady::now();
  auto hang = Fetch(*client_, {.url = server_.At("/hang"), .timeout = Millis(100)});
  ASSERT_FALSE(hang);
  EXPECT_EQ(hang.error().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_THAT(hang.error().message(), HasSubstr("requesting http://127.0.0.1:"));
  EXPECT_THAT(hang.error().message(), HasSubstr("/hang: timed out"));
  // Bytes keep coming, but not the end of the answer: still over at the deadline.
  const auto trickle_start = Steady::now();
  auto trickle = Fetch(*client_, {.url = server_.At("/trickle"), .timeout = Millis(300)});
  ASSERT_FALSE(trickle);
  EXPECT_EQ(trickle.error().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_LT(Steady::now() - trickle_start, std::chrono::seconds(3));
  EXPECT_LT(Steady::now() - start, std::chrono::seconds(5));
}

TEST_F(AsyncHttpClientLoopbackTest, CancelClosesTheConnectionAtOnce) {
  RequestHandle handle;
  auto pending = StartFetch(*client_, {.url = server_.At("/hang")}, &handle);
  while (server_.hanging() == 0) std::this_thread::yield();  // the request reached the server
  handle.Cancel();
  auto r = pending.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kCancelled);
  EXPECT_EQ(r.error().message(), "request cancelled");
  handle.Cancel();  // again, after it finished: nothing happens
  auto done = Fetch(*client_, {.url = server_.At("/echo")});
  ASSERT_TRUE(done);
}

TEST_F(AsyncHttpClientLoopbackTest, ShutdownFailsRequestsInFlightAndHandlesOutliveTheClient) {
  RequestHandle handle;
  auto pending = StartFetch(*client_, {.url = server_.At("/hang")}, &handle);
  while (server_.hanging() == 0) std::this_thread::yield();
  client_.reset();  // the callback has run when this returns
  ASSERT_EQ(pending.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  auto r = pending.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(r.error().message(), HasSubstr("the client is shutting down"));
  handle.Cancel();  // the client is gone: nothing happens
}

TEST_F(AsyncHttpClientLoopbackTest, CheckAddressesSeesTheResolvedAddressesAndCanRefuse) {
  std::vector<std::string> seen;
  auto refusing = NewClient({.check_addresses = [&seen](const Url& url, std::span<const IpAddress> addresses) -> Status {
    seen.push_back(url.host);
    for (const IpAddress& a : addresses) seen.push_back(a.ToString());
    return MakeError(ErrorCode::kFailedPrecondition, "egress policy refuses " + url.Authority());
  }});
  auto r = Fetch(*refusing, {.url = server_.At("/echo")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(r.error().message(), "egress policy refuses 127.0.0.1:" + std::to_string(server_.port()));
  EXPECT_EQ(seen, (std::vector<std::string>{"127.0.0.1", "127.0.0.1"}));
  EXPECT_EQ(server_.accepted(), 0);
}

TEST(AsyncHttpClientUnreachableTest, ConnectionRefused) {
  unsigned short port;
  {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  auto client = AsyncHttpClient::Create({});
  ASSERT_TRUE(client);
  auto r = Fetch(**client, {.url = *ParseUrl("http://127.0.0.1:" + std::to_string(port) + "/x")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(r.error().message(), HasSubstr("connecting to http://127.0.0.1:" + std::to_string(port) + "/x: "));
}

TEST(AsyncHttpClientIpv6Test, BracketedLiteralAndHostHeader) {
  TestServer server("::1");
  auto client = AsyncHttpClient::Create({});
  ASSERT_TRUE(client);
  const std::string authority = "[::1]:" + std::to_string(server.port());
  auto r = Fetch(**client, {.url = *ParseUrl("http://" + authority + "/echo")});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_THAT(r->body, HasSubstr("\"host\":\"" + authority + "\""));
}

}  // namespace
}  // namespace goclaw::net
