// The http executor against a real HTTP server on a loopback port (Beast, synchronous, on its
// own thread): success, JSON and text bodies, 500-then-200, 404, 429, connection refused,
// oversized bodies, keep-alive reuse, timeouts and cancellation.
#include "goclaw/engine/http_executor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/engine/test_loopback_server.h"

namespace goclaw::engine {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using ::testing::HasSubstr;

class TestServer {
 public:
  TestServer() = default;
  ~TestServer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();  // releases /hang; then server_ (declared last) joins its threads
  }
  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }
  int accepted() const { return server_.accepted(); }

 private:
  void Serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> req;
      beast::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.keep_alive(req.keep_alive());
      std::string target(req.target());
      if (target == "/json") {
        boost::json::object o{{"method", std::string(req.method_string())},
                              {"key", std::string(req["Idempotency-Key"])},
                              {"auth", std::string(req["X-Auth"])}};
        if (!req.body().empty()) o["echo"] = boost::json::parse(req.body());
        res.set(http::field::content_type, "application/json");
        res.body() = boost::json::serialize(o);
      } else if (target == "/text") {
        res.set(http::field::content_type, "text/plain");
        res.body() = "hello";
      } else if (target == "/flaky") {
        if (flaky_calls_++ == 0) {
          res.result(http::status::internal_server_error);
          res.body() = "try again";
        } else {
          res.body() = R"({"attempt": 2})";
        }
      } else if (target == "/missing") {
        res.result(http::status::not_found);
        res.body() = "no such thing";
      } else if (target == "/busy") {
        res.result(http::status::too_many_requests);
      } else if (target == "/big") {
        res.body() = std::string(200000, 'x');
      } else if (target == "/hang") {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_; });
        return;
      }
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  std::atomic<int> flaky_calls_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  testing::LoopbackServer server_{[this](tcp::socket s) { Serve(std::move(s)); }};
};

class HttpExecutorTest : public ::testing::Test {
 protected:
  HttpExecutorTest() {
    HttpOptions o;
    o.max_response_bytes = 100000;
    o.default_timeout = Millis(5000);
    exec_ = std::move(*HttpExecutor::Create(o));
  }

  AttemptResult Call(const std::string& config_json,
                     std::shared_ptr<CancellationSource> cancel = nullptr) {
    return StartCall(config_json, std::move(cancel)).get();
  }

  std::future<AttemptResult> StartCall(const std::string& config_json,
                                       std::shared_ptr<CancellationSource> cancel = nullptr) {
    auto promise = std::make_shared<std::promise<AttemptResult>>();
    Attempt a;
    a.workflow_id = "wf";
    a.task_id = "t";
    a.idempotency_key = "wf/t/1";
    a.config = boost::json::parse(config_json);
    a.input = std::make_shared<const boost::json::value>();
    a.cancel = cancel ? cancel : std::make_shared<CancellationSource>();
    exec_->Start(std::move(a), [promise](AttemptResult r) { promise->set_value(std::move(r)); });
    return promise->get_future();
  }

  std::string Config(const std::string& path, const std::string& extra = "") {
    return R"({"url": ")" + server_.Url(path) + "\"" + extra + "}";
  }

  TestServer server_;
  std::unique_ptr<HttpExecutor> exec_;
};

TEST_F(HttpExecutorTest, JsonRequestAndResponse) {
  auto r = Call(Config("/json", R"(, "body": {"q": "lanes"}, "headers": {"X-Auth": "secret"})"));
  ASSERT_TRUE(r.output) << r.output.error().message();
  EXPECT_EQ(r.output->at("status"), 200);
  const auto& body = r.output->at("body");
  EXPECT_EQ(body.at("method"), "POST");  // a body makes the default POST
  EXPECT_EQ(body.at("key"), "wf/t/1");
  EXPECT_EQ(body.at("auth"), "secret");
  EXPECT_EQ(body.at("echo"), boost::json::parse(R"({"q": "lanes"})"));
  EXPECT_EQ(r.output->at("headers").at("Content-Type"), "application/json");
}

TEST_F(HttpExecutorTest, TextBodyAndKeepAlive) {
  for (int i = 0; i < 3; ++i) {
    auto r = Call(Config("/text"));
    ASSERT_TRUE(r.output) << r.output.error().message();
    EXPECT_EQ(r.output->at("body"), "hello");
  }
  EXPECT_EQ(server_.accepted(), 1);  // one connection served all three
}

TEST_F(HttpExecutorTest, StatusClassification) {
  auto flaky = Call(Config("/flaky"));
  ASSERT_FALSE(flaky.output);
  EXPECT_TRUE(flaky.retryable);
  EXPECT_THAT(flaky.output.error().message(), HasSubstr("answered 500: try again"));
  auto again = Call(Config("/flaky"));
  ASSERT_TRUE(again.output);
  EXPECT_EQ(again.output->at("body").at("attempt"), 2);

  auto missing = Call(Config("/missing"));
  ASSERT_FALSE(missing.output);
  EXPECT_FALSE(missing.retryable);
  EXPECT_THAT(missing.output.error().message(), HasSubstr("answered 404: no such thing"));
  auto busy = Call(Config("/busy"));
  ASSERT_FALSE(busy.output);
  EXPECT_TRUE(busy.retryable);
  auto expected = Call(Config("/missing", R"(, "expect_status": [404])"));
  EXPECT_TRUE(expected.output);
}

TEST_F(HttpExecutorTest, ConnectionRefusedIsRetryable) {
  // Bind and close a port so nothing listens on it.
  unsigned short port;
  {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  auto r = Call(R"({"url": "http://127.0.0.1:)" + std::to_string(port) + R"(/x"})");
  ASSERT_FALSE(r.output);
  EXPECT_TRUE(r.retryable);
  EXPECT_THAT(r.output.error().message(), HasSubstr("connecting to http://127.0.0.1:"));
}

TEST_F(HttpExecutorTest, OversizedResponseFails) {
  auto r = Call(Config("/big"));
  ASSERT_FALSE(r.output);
  EXPECT_FALSE(r.retryable);
  EXPECT_THAT(r.output.error().message(), HasSubstr("is larger than 100000 bytes"));
}

TEST_F(HttpExecutorTest, TimeoutAndCancel) {
  auto timed = Call(Config("/hang", R"(, "timeout": "100ms")"));
  ASSERT_FALSE(timed.output);
  EXPECT_TRUE(timed.retryable);
  EXPECT_THAT(timed.output.error().message(), HasSubstr("timed out"));

  auto cancel = std::make_shared<CancellationSource>();
  auto pending = StartCall(Config("/hang"), cancel);
  cancel->Cancel();
  auto r = pending.get();
  ASSERT_FALSE(r.output);
  EXPECT_EQ(r.output.error().code(), ErrorCode::kCancelled);
}

TEST_F(HttpExecutorTest, BadConfigIsRefused) {
  EXPECT_THAT(Call(R"({"url": "ftp://x"})").output.error().message(), HasSubstr("must start with http://"));
  EXPECT_THAT(Call(R"({"url": "https://h:port/x"})").output.error().message(), HasSubstr("invalid host or port"));
  EXPECT_THAT(Call(R"({})").output.error().message(), HasSubstr("config.url: is required"));
  EXPECT_THAT(Call(R"({"url": "http://127.0.0.1:1/x", "method": "FETCH"})").output.error().message(),
              HasSubstr("unknown HTTP method"));
  EXPECT_THAT(Call(R"({"url": "http://h:port/x"})").output.error().message(), HasSubstr("invalid host or port"));
  EXPECT_THAT(Call(R"({"url": "http://127.0.0.1:1/", "expect_status": "ok"})").output.error().message(),
              HasSubstr("expect_status"));
  EXPECT_FALSE(Call(R"({"url": "ftp://x"})").retryable);
}

}  // namespace
}  // namespace goclaw::engine
