// What the client decides without a network: server URLs, refused requests (nothing is sent:
// these fail before any connection), the API's error bodies as Errors. The exchanges
// themselves are in http_client_loopback_test.cc.
#include "goclaw/client/http_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/client/websocket_client.h"

namespace goclaw::client {
namespace {

using ::testing::HasSubstr;

TEST(ParseServerUrlTest, BaseUrls) {
  auto url = ParseServerUrl("http://127.0.0.1:8080/");
  ASSERT_TRUE(url) << url.error().message();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->Origin(), "http://127.0.0.1:8080");
  EXPECT_EQ(ParseServerUrl("http://goclaw.internal")->port, 80);
  EXPECT_EQ(ParseServerUrl("http://[::1]:9000")->HostHeader(), "[::1]:9000");
}

TEST(ParseServerUrlTest, MessagesNameTheValueAndShowTheAcceptedForm) {
  struct Case {
    const char* server;
    const char* why;
  } cases[] = {
      {"127.0.0.1:8080", "there is no scheme; it must start with http://"},
      {"https://127.0.0.1:8080", "it must start with http://"},
      {"ws://127.0.0.1:8080", "it must start with http://"},
      {"http://127.0.0.1:8080/api", "has a path or query"},
      {"http://127.0.0.1:99999", "the port must be a number from 1 to 65535"},
      {"http://admin:secret@127.0.0.1:8080", "has user info"},
      {"http://", "has no host"},
      {"http://::1:8080", "an IPv6 address needs brackets"},
      {"http://127.0.0.1:8080\n", "contains an LF at offset 21"},
  };
  for (const Case& c : cases) {
    auto url = ParseServerUrl(c.server, "--server");
    ASSERT_FALSE(url) << c.server;
    EXPECT_EQ(url.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(url.error().message(), HasSubstr("--server must look like http://127.0.0.1:8080, got \""));
    EXPECT_THAT(url.error().message(), HasSubstr(c.why)) << c.server;
  }
  EXPECT_THAT(ParseServerUrl("x").error().message(), HasSubstr("the server URL must look like"));
}

TEST(HttpClientTest, BadServerStringFailsBeforeConnecting) {
  auto res = HttpCall("localhost:8080", Request{});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(res.error().message(), HasSubstr("must look like http://127.0.0.1:8080"));
}

TEST(HttpClientTest, RequestsThatWouldBeReshapedOnTheWireAreRefused) {
  // Nothing is connected to: port 1 of loopback is never tried.
  const Url server = *ParseServerUrl("http://127.0.0.1:1");
  struct Case {
    Request request;
    const char* message;
  } cases[] = {
      {{.target = "/api/v1/workflows/wf\r\nX-Evil: 1"}, "invalid request target"},
      {{.target = "/a b"}, "invalid request target"},
      {{.target = "api"}, "invalid request target"},
      {{.target = ""}, "invalid request target"},
      {{.method = "GET /x"}, "invalid HTTP method"},
      {{.method = ""}, "invalid HTTP method"},
      {{.headers = {{"X-A\r\nX-B", "1"}}}, "invalid header name"},
      {{.headers = {{"X-A", "1\r\nX-B: 2"}}}, "the value of header X-A contains a control character"},
      {{.content_type = "text/plain\r\nX-B: 2"}, "the content type contains a control character"},
  };
  for (const Case& c : cases) {
    auto res = HttpCall(server, c.request);
    ASSERT_FALSE(res) << c.message;
    EXPECT_EQ(res.error().code(), ErrorCode::kInvalidArgument) << res.error().message();
    EXPECT_THAT(res.error().message(), HasSubstr(c.message));
  }
}

TEST(HttpClientTest, TlsSchemesAreRefusedNotSentInTheClear) {
  const Url https = *ParseUrl("https://127.0.0.1:1");
  auto res = HttpCall(https, Request{});
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(res.error().message(), HasSubstr("https:// is not supported by this client (it has no TLS)"));
  HttpClient client(https);
  EXPECT_FALSE(client.SendRaw("GET / HTTP/1.1\r\n\r\n"));
  auto ws = WebSocketClient::Connect(*ParseUrl("wss://127.0.0.1:1", {.schemes = {"wss"}}), "/ws/events");
  ASSERT_FALSE(ws);
  EXPECT_THAT(ws.error().message(), HasSubstr("wss:// is not supported by this client"));
  auto bad_path = WebSocketClient::Connect(*ParseServerUrl("http://127.0.0.1:1"), "ws/events");
  ASSERT_FALSE(bad_path);
  EXPECT_THAT(bad_path.error().message(), HasSubstr("invalid WebSocket path \"ws/events\""));
}

TEST(ResponseTest, ApiErrorBodiesBecomeErrors) {
  Response r;
  r.status = 400;
  r.body = R"({"error": {"code": "VALIDATION_FAILED", "message": "spec is invalid",
               "details": [{"path": "tasks[0].id", "message": "is required", "line": 3}, 7]}})";
  Error e = r.ToError();
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.message(), "spec is invalid");
  ASSERT_EQ(e.details().size(), 1u);
  EXPECT_EQ(e.details()[0].path, "tasks[0].id");
  EXPECT_EQ(e.details()[0].message, "is required");
  EXPECT_EQ(e.details()[0].line, 3);
}

TEST(ResponseTest, StatusesMapToCodes) {
  const std::pair<int, ErrorCode> table[] = {
      {400, ErrorCode::kInvalidArgument},   {404, ErrorCode::kNotFound},
      {409, ErrorCode::kFailedPrecondition}, {413, ErrorCode::kInvalidArgument},
      {429, ErrorCode::kResourceExhausted}, {500, ErrorCode::kInternal},
      {502, ErrorCode::kInternal},          {503, ErrorCode::kUnavailable},
      {504, ErrorCode::kDeadlineExceeded},
  };
  for (const auto& [status, code] : table) {
    Response r;
    r.status = status;
    r.body = R"({"error": {"message": "m"}})";
    EXPECT_EQ(r.ToError().code(), code) << status;
  }
}

TEST(ResponseTest, NonApiBodiesAndHeaders) {
  Response r;
  r.status = 502;
  r.body = "<html>bad gateway</html>";
  r.headers["content-type"] = "text/html";
  EXPECT_TRUE(r.Json().is_null());
  EXPECT_EQ(r.ToError().message(), "the server answered 502: <html>bad gateway</html>");
  EXPECT_EQ(r.Header("content-type"), "text/html");
  EXPECT_EQ(r.Header("x-missing"), "");
  r.body = R"({"error": "not an object"})";
  EXPECT_EQ(r.ToError().message(), "the server answered 502: {\"error\": \"not an object\"}");
  r.body = R"({"id": "wf-1", "n": [1, 2]})";
  EXPECT_EQ(r.Json().at("id"), "wf-1");
}

}  // namespace
}  // namespace goclaw::client
