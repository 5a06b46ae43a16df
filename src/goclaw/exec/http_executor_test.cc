// The http executor against a real HTTP server on a loopback port (Beast, synchronous, on its
// own thread): success, JSON and text bodies, 500-then-200, 404, 429, connection refused,
// oversized bodies, keep-alive reuse, timeouts and cancellation.
#include "goclaw/exec/http_executor.h"

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

#include "goclaw/exec/test_attempt.h"
#include "goclaw/net/test_loopback_server.h"

namespace goclaw::exec {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using ::testing::HasSubstr;

class TestServer {
 public:
  explicit TestServer(const char* address = "127.0.0.1") : server_([this](tcp::socket s) { Serve(std::move(s)); }, address) {}
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
  unsigned short port() const { return server_.port(); }
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
                              {"attempt", std::string(req["Goclaw-Attempt"])},
                              {"auth", std::string(req["X-Auth"])},
                              {"lineage", std::string(req["Goclaw-Lineage"])},
                              {"host", std::string(req[http::field::host])}};
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
  net::testing::LoopbackServer server_;
};

class HttpExecutorTest : public ::testing::Test {
 protected:
  HttpExecutorTest() { exec_ = std::move(*HttpExecutor::Create(Options())); }

  static HttpOptions Options() {
    HttpOptions o;
    o.max_response_bytes = 100000;
    o.default_timeout = Millis(5000);
    return o;
  }

  AttemptResult Call(const std::string& config_json,
                     std::shared_ptr<AttemptChannel> cancel = nullptr) {
    return StartCall(config_json, std::move(cancel)).get();
  }

  std::future<AttemptResult> StartCall(const std::string& config_json,
                                       std::shared_ptr<AttemptChannel> cancel = nullptr,
                                       int lineage_depth = 0) {
    auto promise = std::make_shared<std::promise<AttemptResult>>();
    Attempt a;
    a.workflow_id = "wf";
    a.task_id = "t";
    a.idempotency_key = "wf/t/1";
    a.config = boost::json::parse(config_json);
    a.input = std::make_shared<const boost::json::value>();
    a.channel = cancel ? cancel : std::make_shared<AttemptChannel>();
    a.lineage_depth = lineage_depth;
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
  EXPECT_EQ(body.at("attempt"), "1");
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

  auto cancel = std::make_shared<AttemptChannel>();
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
}  // namespace goclaw::exec

namespace goclaw::exec {
namespace {

// Issue 12 ("Hardening"): the keep-alive pool, injection through templated url/headers, IPv6
// literals, the method list, the egress policy and the lineage header.

// A server that answers each request with raw bytes chosen by its target, for protocol tricks.
// `after` runs on the connection's thread once the answer is written.
class RawServer {
 public:
  using Answer = std::function<std::string(const std::string& target)>;
  using After = std::function<void(tcp::socket&, const std::string& target)>;
  explicit RawServer(Answer answer, After after = nullptr)
      : answer_(std::move(answer)), after_(std::move(after)) {}
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
      const std::string target(req.target());
      asio::write(socket, asio::buffer(answer_(target)), ec);
      if (ec) return;
      if (after_) after_(socket, target);
    }
  }

  Answer answer_;
  After after_;
  net::testing::LoopbackServer server_{[this](tcp::socket s) { Serve(std::move(s)); }};
};

std::string Ok(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

AttemptResult CallWith(HttpExecutor& exec, const std::string& url, int lineage_depth = 0) {
  return testing::RunAttemptTo(exec, url, lineage_depth);
}

std::unique_ptr<HttpExecutor> NewExecutor(EgressOptions egress = {}) {
  HttpOptions o;
  o.default_timeout = Millis(5000);
  o.egress = std::move(egress);
  auto exec = HttpExecutor::Create(std::move(o));
  EXPECT_TRUE(exec) << exec.error().message();
  return std::move(*exec);
}

TEST(HttpExecutorPoolTest, InterimResponsesAreSkippedAndTheirConnectionIsNotPooled) {
  RawServer server([](const std::string& target) -> std::string {
    if (target == "/a") {
      return "HTTP/1.1 103 Early Hints\r\nLink: </style.css>\r\n\r\n"
             "HTTP/1.1 100 Continue\r\n\r\n" + Ok("first");
    }
    return Ok("second");
  });
  auto exec = NewExecutor();  // after the server: destroyed first, closing pooled connections
  auto first = CallWith(*exec, server.Url("/a"));
  ASSERT_TRUE(first.output) << first.output.error().message();
  EXPECT_EQ(first.output->at("status"), 200);
  EXPECT_EQ(first.output->at("body"), "first");
  // The next request -- any workflow's -- gets its own answer, on a fresh connection.
  auto second = CallWith(*exec, server.Url("/b"));
  ASSERT_TRUE(second.output) << second.output.error().message();
  EXPECT_EQ(second.output->at("body"), "second");
  EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpExecutorPoolTest, SwitchingProtocolsAndEndlessInterimAnswersFail) {
  RawServer server([](const std::string& target) -> std::string {
    if (target == "/up") return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    std::string many;
    for (int i = 0; i < 9; ++i) many += "HTTP/1.1 100 Continue\r\n\r\n";
    return many + Ok("late");
  });
  auto exec = NewExecutor();
  auto up = CallWith(*exec, server.Url("/up"));
  ASSERT_FALSE(up.output);
  EXPECT_FALSE(up.retryable);
  EXPECT_THAT(up.output.error().message(), HasSubstr("answered 101 Switching Protocols"));
  auto many = CallWith(*exec, server.Url("/many"));
  ASSERT_FALSE(many.output);
  EXPECT_FALSE(many.retryable);
  EXPECT_THAT(many.output.error().message(), HasSubstr("more than 8 interim (1xx) responses"));
}

TEST(HttpExecutorPoolTest, BytesAfterTheResponseKeepTheConnectionOutOfThePool) {
  RawServer server([](const std::string& target) -> std::string {
    if (target == "/extra") return Ok("first") + Ok("smuggled");
    return Ok("second");
  });
  auto exec = NewExecutor();
  auto first = CallWith(*exec, server.Url("/extra"));
  ASSERT_TRUE(first.output) << first.output.error().message();
  EXPECT_EQ(first.output->at("body"), "first");
  auto second = CallWith(*exec, server.Url("/b"));
  ASSERT_TRUE(second.output) << second.output.error().message();
  EXPECT_EQ(second.output->at("body"), "second");
  EXPECT_EQ(server.accepted(), 2);  // the first connection was not reused
}

TEST(HttpExecutorPoolTest, AnIdleConnectionWithBytesWaitingIsDropped) {
  std::promise<void> go, written;
  std::shared_future<void> go_future = go.get_future().share();
  RawServer server([](const std::string& target) { return Ok(target == "/late" ? "first" : "second"); },
                   [&](tcp::socket& socket, const std::string& target) {
                     if (target != "/late") return;
                     go_future.wait();  // the client has pooled the connection by now
                     boost::system::error_code ec;
                     asio::write(socket, asio::buffer(Ok("smuggled")), ec);
                     written.set_value();
                   });
  auto exec = NewExecutor();
  auto first = CallWith(*exec, server.Url("/late"));
  ASSERT_TRUE(first.output) << first.output.error().message();
  go.set_value();
  written.get_future().wait();
  auto second = CallWith(*exec, server.Url("/b"));
  ASSERT_TRUE(second.output) << second.output.error().message();
  EXPECT_EQ(second.output->at("body"), "second");
  EXPECT_EQ(server.accepted(), 2);
}

TEST_F(HttpExecutorTest, RefusesControlCharactersAndSpacesInTheUrl) {
  const std::string base = "http://127.0.0.1:" + std::to_string(server_.port());
  auto call = [&](const std::string& url) {
    return Call(boost::json::serialize(boost::json::object{{"url", url}}));
  };
  struct Case {
    std::string url;
    std::string message;
  } cases[] = {
      {base + "/json\r\nX-Evil: 1", "config.url contains a CR at offset"},
      {base + "/json\nGET /admin", "config.url contains an LF at offset"},
      {base + "/json" + std::string(1, '\0') + "tail", "config.url contains a NUL at offset"},
      {base + "/json HTTP/1.1", "config.url contains a space at offset"},
      {base + "/json?q=a\tb", "config.url contains control character 0x09"},
  };
  for (const Case& c : cases) {
    auto r = call(c.url);
    ASSERT_FALSE(r.output) << c.message;
    EXPECT_FALSE(r.retryable);
    EXPECT_EQ(r.output.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(r.output.error().message(), HasSubstr(c.message));
    EXPECT_THAT(r.output.error().message(), HasSubstr("percent-encode"));
  }
  EXPECT_EQ(server_.accepted(), 0);  // nothing was sent
  // A fragment is the client's business: it is not sent.
  auto fragment = Call(Config("/json#section"));
  ASSERT_TRUE(fragment.output) << fragment.output.error().message();
  EXPECT_EQ(fragment.output->at("body").at("method"), "GET");
}

TEST_F(HttpExecutorTest, RefusesInjectionThroughHeaders) {
  struct Case {
    boost::json::object headers;
    std::string message;
  } cases[] = {
      {{{"X-Auth", "a\r\nX-Evil: 1"}}, "config.headers.X-Auth: the value contains a CR at offset 1"},
      {{{"X-Auth", "a\nb"}}, "the value contains an LF"},
      {{{"X-Auth", std::string("a\0b", 3)}}, "the value contains a NUL"},
      {{{"X-Evil\r\nX-More", "1"}}, "invalid header name \"X-Evil??X-More\""},
      {{{"X Bad", "1"}}, "invalid header name \"X Bad\"; a name is letters, digits"},
      {{{"", "1"}}, "invalid header name \"\""},
      {{{"Content-Length", "0"}}, "config.headers.Content-Length: set by goclaw"},
      {{{"transfer-encoding", "chunked"}}, "config.headers.transfer-encoding: set by goclaw"},
      {{{"Goclaw-Lineage", "0"}}, "config.headers.Goclaw-Lineage: set by goclaw"},
  };
  for (const Case& c : cases) {
    boost::json::object config{{"url", server_.Url("/json")}, {"headers", c.headers}};
    auto r = Call(boost::json::serialize(config));
    ASSERT_FALSE(r.output) << c.message;
    EXPECT_FALSE(r.retryable);
    EXPECT_THAT(r.output.error().message(), HasSubstr(c.message));
  }
  EXPECT_EQ(server_.accepted(), 0);
  auto tab = Call(Config("/json", R"(, "headers": {"X-Auth": "a\tb"})"));  // HTAB is legal
  ASSERT_TRUE(tab.output) << tab.output.error().message();
  EXPECT_EQ(tab.output->at("body").at("auth"), "a\tb");
}

TEST_F(HttpExecutorTest, OnlyTheDocumentedMethods) {
  for (const char* m : {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    auto r = Call(Config("/json", std::string(R"(, "method": ")") + m + "\""));
    ASSERT_TRUE(r.output) << m << ": " << r.output.error().message();
    EXPECT_EQ(r.output->at("body").at("method"), m);
  }
  auto head = Call(Config("/text", R"(, "method": "HEAD")"));
  ASSERT_TRUE(head.output) << head.output.error().message();
  EXPECT_EQ(head.output->at("status"), 200);
  EXPECT_EQ(head.output->at("body"), "");  // no body read, though Content-Length said 5
  for (const char* m : {"TRACE", "CONNECT", "PROPFIND", "get", "GET /admin"}) {
    auto r = Call(Config("/json", std::string(R"(, "method": ")") + m + "\""));
    ASSERT_FALSE(r.output) << m;
    EXPECT_FALSE(r.retryable);
    EXPECT_THAT(r.output.error().message(),
                HasSubstr("expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"));
  }
}

TEST(HttpExecutorIpv6Test, LiteralUrlsWorkAndHostKeepsTheBrackets) {
  TestServer server("::1");
  auto exec = NewExecutor();
  const std::string authority = "[::1]:" + std::to_string(server.port());
  auto r = CallWith(*exec, "http://" + authority + "/json");
  ASSERT_TRUE(r.output) << r.output.error().message();
  EXPECT_EQ(r.output->at("body").at("host"), boost::json::value(authority));
  auto bad = CallWith(*exec, "http://[::1/json");
  ASSERT_FALSE(bad.output);
  EXPECT_THAT(bad.output.error().message(), HasSubstr("'[' without ']'"));
  auto not_v6 = CallWith(*exec, "http://[127.0.0.1]:80/json");
  ASSERT_FALSE(not_v6.output);
  EXPECT_THAT(not_v6.output.error().message(), HasSubstr("brackets hold an IPv6 address"));
}

TEST_F(HttpExecutorTest, LineageHeaderIsTheWorkflowDepthPlusOne) {
  auto top = StartCall(Config("/json")).get();
  ASSERT_TRUE(top.output) << top.output.error().message();
  EXPECT_EQ(top.output->at("body").at("lineage"), "1");
  auto nested = StartCall(Config("/json"), nullptr, /*lineage_depth=*/4).get();
  ASSERT_TRUE(nested.output) << nested.output.error().message();
  EXPECT_EQ(nested.output->at("body").at("lineage"), "5");
}

TEST(HttpExecutorEgressTest, DenyAllowAndSelf) {
  TestServer server;
  const std::string port = std::to_string(server.port());
  {
    EgressOptions e;
    e.allow = {"127.0.0.0/8"};
    e.deny = {"127.0.0.1:" + port};  // deny wins
    auto exec = NewExecutor(e);
    auto r = CallWith(*exec, server.Url("/json"));
    ASSERT_FALSE(r.output);
    EXPECT_FALSE(r.retryable);
    EXPECT_EQ(r.output.error().message(),
              "egress policy refuses 127.0.0.1:" + port + ": address 127.0.0.1 matches "
              "executors.http.egress.deny rule \"127.0.0.1:" + port + "\"");
  }
  {
    EgressOptions e;
    e.allow = {"api.example.com"};
    auto exec = NewExecutor(e);
    auto r = CallWith(*exec, server.Url("/json"));
    ASSERT_FALSE(r.output);
    EXPECT_THAT(r.output.error().message(),
                HasSubstr("no executors.http.egress.allow rule matches it (allowed: \"api.example.com\")"));
  }
  EXPECT_EQ(server.accepted(), 0);
  {
    // The server's own listener, reached by address or by a name that resolves to it.
    EgressOptions e;
    e.self = std::make_shared<SelfEndpoints>();
    e.self->Add("0.0.0.0", server.port());
    auto exec = NewExecutor(e);
    for (const std::string host : {"127.0.0.1", "localhost", "0.0.0.0"}) {
      auto r = CallWith(*exec, "http://" + host + ":" + port + "/json");
      ASSERT_FALSE(r.output) << host;
      EXPECT_FALSE(r.retryable);
      EXPECT_THAT(r.output.error().message(), HasSubstr("is this server's own listener"));
      EXPECT_THAT(r.output.error().message(), HasSubstr("executors.http.egress.allow_self"));
    }
    EXPECT_EQ(server.accepted(), 0);
    e.allow_self = true;
    auto allowed = NewExecutor(e);
    auto r = CallWith(*allowed, server.Url("/json"));
    ASSERT_TRUE(r.output) << r.output.error().message();
  }
}

TEST(HttpExecutorEgressTest, BadPatternFailsCreate) {
  HttpOptions o;
  o.egress.deny = {"ok.example", "a b"};
  auto exec = HttpExecutor::Create(o);
  ASSERT_FALSE(exec);
  EXPECT_THAT(exec.error().message(), HasSubstr("executors.http.egress.deny[1]: invalid host pattern \"a b\""));
}

}  // namespace
}  // namespace goclaw::exec
