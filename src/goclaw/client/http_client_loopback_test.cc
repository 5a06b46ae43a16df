// HttpClient and HttpCall against an in-process Beast server on a loopback port (synchronous,
// a thread per connection): what goes on the wire, keep-alive reuse and the one retry when the
// server closed an idle connection, timeouts, the response size limit, raw bytes, IPv6.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/client/http_client.h"
#include "goclaw/client/test_http_client.h"
#include "goclaw/net/test_loopback_server.h"

namespace goclaw::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using ::testing::HasSubstr;

// /echo answers what it got as JSON; /big a body of 2000 bytes; /head a Content-Length but no
// body; /error an API error; /hang nothing (it waits for the client to go); /once answers and
// then closes the connection although it said keep-alive (a server's idle timeout).
void Serve(tcp::socket socket) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  while (true) {
    http::request<http::string_body> req;
    http::read(socket, buffer, req, ec);
    if (ec) return;
    const std::string target(req.target());
    if (target == "/hang") {
      char byte;
      socket.read_some(asio::buffer(&byte, 1), ec);  // until the client closes
      return;
    }
    http::response<http::string_body> res{http::status::ok, 11};
    res.keep_alive(req.keep_alive());
    if (target == "/big") {
      res.body() = std::string(2000, 'x');
    } else if (target == "/head") {
      res.set(http::field::content_length, "5");
    } else if (target == "/error") {
      res.result(http::status::conflict);
      res.set(http::field::content_type, "application/json");
      res.body() = R"({"error": {"code": "CONFLICT", "message": "workflow wf-1 already completed"}})";
    } else {
      res.set(http::field::content_type, "application/json");
      res.set("X-Reply", "yes");
      res.body() = boost::json::serialize(boost::json::object{
          {"method", std::string(req.method_string())},
          {"target", target},
          {"host", std::string(req[http::field::host])},
          {"user_agent", std::string(req[http::field::user_agent])},
          {"connection", std::string(req[http::field::connection])},
          {"content_type", std::string(req[http::field::content_type])},
          {"x_a", std::string(req["X-A"])},
          {"body", req.body()}});
    }
    if (target != "/head") res.prepare_payload();
    http::write(socket, res, ec);
    if (ec || !req.keep_alive() || target == "/once") return;
  }
}

class HttpClientLoopbackTest : public ::testing::Test {
 protected:
  Url Server() const { return *ParseServerUrl("http://127.0.0.1:" + std::to_string(server_.port())); }

  net::testing::LoopbackServer server_{Serve};
};

TEST_F(HttpClientLoopbackTest, SendsWhatItIsGivenAndReadsTheWholeAnswer) {
  auto res = HttpCall(Server(), {.method = "POST",
                                 .target = "/echo?x=1",
                                 .body = R"({"a": 1})",
                                 .content_type = "application/json",
                                 .headers = {{"X-A", "a\tb c"}}},
                      {.user_agent = "goclaw-cli"});
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->Header("x-reply"), "yes");  // names lower-cased
  const auto j = res->Json();
  EXPECT_EQ(j.at("method"), "POST");
  EXPECT_EQ(j.at("target"), "/echo?x=1");
  EXPECT_EQ(j.at("host"), boost::json::value("127.0.0.1:" + std::to_string(server_.port())));
  EXPECT_EQ(j.at("user_agent"), "goclaw-cli");
  EXPECT_EQ(j.at("connection"), "close");  // HttpCall: one request per connection
  EXPECT_EQ(j.at("content_type"), "application/json");
  EXPECT_EQ(j.at("x_a"), "a\tb c");
  EXPECT_EQ(j.at("body"), R"({"a": 1})");
}

TEST_F(HttpClientLoopbackTest, HeadersReplaceTheDefaults) {
  auto res = HttpCall(Server(), {.target = "/echo", .content_type = "text/plain",
                                 .headers = {{"Content-Type", "application/yaml"}, {"User-Agent", "mine"}}});
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->Json().at("content_type"), "application/yaml");
  EXPECT_EQ(res->Json().at("user_agent"), "mine");
}

TEST_F(HttpClientLoopbackTest, ErrorStatusesAreAnswersNotErrors) {
  auto res = HttpCall(Server(), {.method = "POST", .target = "/error"});
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->status, 409);
  EXPECT_EQ(res->ToError().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(res->ToError().message(), "workflow wf-1 already completed");
}

TEST_F(HttpClientLoopbackTest, KeepsTheConnectionAlive) {
  HttpClient client(Server());
  for (int i = 0; i < 3; ++i) {
    auto res = client.Send({.target = "/echo"});
    ASSERT_TRUE(res) << res.error().message();
    EXPECT_EQ(res->Json().at("connection"), "");  // HTTP/1.1: keep-alive is the default
  }
  EXPECT_EQ(server_.accepted(), 1);
  client.Close();
  ASSERT_TRUE(client.Send({.target = "/echo"}));
  EXPECT_EQ(server_.accepted(), 2);
  EXPECT_EQ(client.server().port, server_.port());
}

TEST_F(HttpClientLoopbackTest, AConnectionTheServerClosedIsReplacedOnce) {
  HttpClient client(Server());
  auto first = client.Send({.target = "/once"});
  ASSERT_TRUE(first) << first.error().message();
  // The server closed its end after answering; the client still holds the connection.
  auto second = client.Send({.method = "POST", .target = "/echo", .body = "again"});
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(second->Json().at("body"), "again");
  EXPECT_EQ(server_.accepted(), 2);
}

TEST_F(HttpClientLoopbackTest, HeadAnswersHaveNoBody) {
  HttpClient client(Server());
  auto head = client.Send({.method = "HEAD", .target = "/head"});
  ASSERT_TRUE(head) << head.error().message();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "5");
  EXPECT_EQ(head->body, "");
  auto next = client.Send({.target = "/echo"});  // the connection is still in step
  ASSERT_TRUE(next) << next.error().message();
  EXPECT_EQ(server_.accepted(), 1);
}

TEST_F(HttpClientLoopbackTest, AServerThatNeverAnswersTimesOut) {
  const auto start = std::chrono::steady_clock::now();
  auto res = HttpCall(Server(), {.target = "/hang", .timeout = Millis(100)});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(res.error().message(),
            "the goclaw server at http://127.0.0.1:" + std::to_string(server_.port()) + " did not answer within 100ms");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(HttpClientLoopbackTest, AnswersOverTheLimitAreRefused) {
  auto big = HttpCall(Server(), {.target = "/big"}, {.max_response_bytes = 1000});
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_THAT(big.error().message(), HasSubstr("is larger than 1000 bytes"));
  auto fits = HttpCall(Server(), {.target = "/big"}, {.max_response_bytes = 2000});
  ASSERT_TRUE(fits) << fits.error().message();
  EXPECT_EQ(fits->body.size(), 2000u);
}

TEST(HttpClientUnreachableTest, NothingListening) {
  unsigned short port;
  {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  auto res = HttpCall("http://127.0.0.1:" + std::to_string(port), Request{});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(res.error().message(), HasSubstr("cannot reach the goclaw server at http://127.0.0.1:"));
  HttpClient client(*ParseServerUrl("http://127.0.0.1:" + std::to_string(port)));
  auto raw = client.SendRaw("GET / HTTP/1.1\r\n\r\n", Millis(5000));
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().code(), ErrorCode::kUnavailable);
}

TEST_F(HttpClientLoopbackTest, RawBytesGoOutAsGiven) {
  HttpClient client(Server());
  auto res = client.SendRaw("GET /echo HTTP/1.1\r\nHost: somewhere.example\r\nX-A: raw\r\n\r\n");
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->Json().at("host"), "somewhere.example");
  EXPECT_EQ(res->Json().at("x_a"), "raw");
  auto garbage = client.SendRaw("GARBAGE\r\n\r\n", Millis(2000));  // our server just hangs up
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code(), ErrorCode::kUnavailable);
}

TEST(HttpClientIpv6Test, BracketedLiteralsAndTheHostHeader) {
  net::testing::LoopbackServer server(Serve, "::1");
  const std::string authority = "[::1]:" + std::to_string(server.port());
  auto res = HttpCall("http://" + authority, {.target = "/echo"});
  ASSERT_TRUE(res) << res.error().message();
  EXPECT_EQ(res->Json().at("host"), boost::json::value(authority));
}

TEST_F(HttpClientLoopbackTest, TheTestClientGivesStatusZeroForNoAnswer) {
  testing::TestHttpClient client(server_.port());
  EXPECT_EQ(client.Get("/echo").status, 200);
  EXPECT_EQ(client.PostJson("/echo", "{}").Json().at("content_type"), "application/json");
  EXPECT_EQ(client.Request("PUT", "/echo", "b", {{"X-A", "1"}}).Json().at("x_a"), "1");
  EXPECT_EQ(client.Raw("GARBAGE\r\n\r\n").status, 0);
  EXPECT_EQ(client.Get("/echo").status, 200);  // and recovers
}

}  // namespace
}  // namespace goclaw::client
