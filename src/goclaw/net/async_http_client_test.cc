// What the client refuses before sending anything (no network), and the header checks callers
// share. The exchanges are in async_http_client_loopback_test.cc and async_http_client_tls_test.cc.
#include "goclaw/net/async_http_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

namespace goclaw::net {
namespace {

using ::testing::HasSubstr;

Result<HttpResponse> Fetch(AsyncHttpClient& client, HttpRequest request) {
  std::promise<Result<HttpResponse>> promise;
  client.Start(std::move(request), [&promise](Result<HttpResponse> r) { promise.set_value(std::move(r)); });
  return promise.get_future().get();
}

TEST(HeaderChecksTest, Names) {
  EXPECT_TRUE(CheckHeaderName("X-Auth"));
  EXPECT_TRUE(CheckHeaderName("!#$%&'*+-.^_`|~09azAZ"));
  for (std::string_view bad : {"", "X Bad", "X:Y", "X-Evil\r\nX-More", "Ä"}) {
    Status s = CheckHeaderName(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(s.error().message(), HasSubstr("a name is letters, digits and !#$%&'*+-.^_`|~ (RFC 7230 token)"));
  }
  EXPECT_THAT(CheckHeaderName("X-Evil\r\nX-More").error().message(), HasSubstr("\"X-Evil??X-More\""));
}

TEST(HeaderChecksTest, Values) {
  EXPECT_TRUE(CheckHeaderValue("a\tb c, d=\"e\""));
  EXPECT_TRUE(CheckHeaderValue(""));
  EXPECT_EQ(CheckHeaderValue("a\r\nX-Evil: 1").error().message(),
            "the value contains a CR at offset 1; header values may not contain CR, LF, NUL or other control characters");
  EXPECT_THAT(CheckHeaderValue("a\nb").error().message(), HasSubstr("an LF at offset 1"));
  EXPECT_THAT(CheckHeaderValue(std::string("a\0b", 3)).error().message(), HasSubstr("a NUL at offset 1"));
  EXPECT_THAT(CheckHeaderValue("\x7f").error().message(), HasSubstr("control character 0x7f"));
}

TEST(HeaderChecksTest, ReservedHeaders) {
  for (std::string_view h : {"Content-Length", "transfer-encoding", "CONNECTION", "Upgrade", "te", "Trailer"}) {
    EXPECT_TRUE(IsReservedHeader(h)) << h;
  }
  for (std::string_view h : {"Host", "User-Agent", "Content-Type", "Goclaw-Lineage", "Tex", ""}) {
    EXPECT_FALSE(IsReservedHeader(h)) << h;
  }
}

TEST(AsyncHttpClientTest, BadRequestsAreRefusedBeforeAnythingIsSent) {
  auto client = AsyncHttpClient::Create({});
  ASSERT_TRUE(client) << client.error().message();
  // Port 1: were anything sent, the error would be kUnavailable.
  const Url url = *ParseUrl("http://127.0.0.1:1/x");
  struct Case {
    HttpRequest request;
    const char* message;
  } cases[] = {
      {{.url = *ParseUrl("ws://127.0.0.1:1/x", {.schemes = {"ws"}})}, "only http:// and https:// URLs are supported"},
      {{.method = "GET /admin", .url = url}, "invalid HTTP method \"GET /admin\""},
      {{.method = "", .url = url}, "invalid HTTP method"},
      {{.url = url, .headers = {{"X Bad", "1"}}}, "invalid header name \"X Bad\""},
      {{.url = url, .headers = {{"X-Auth", "a\r\nX-Evil: 1"}}}, "header X-Auth: the value contains a CR at offset 1"},
      {{.url = url, .headers = {{"Content-Length", "0"}}}, "header Content-Length is set by the client"},
      {{.url = url, .headers = {{"connection", "close"}}}, "header connection is set by the client"},
  };
  for (Case& c : cases) {
    auto r = Fetch(**client, std::move(c.request));
    ASSERT_FALSE(r) << c.message;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << r.error().message();
    EXPECT_THAT(r.error().message(), HasSubstr(c.message));
  }
}

TEST(AsyncHttpClientTest, UnreadableCaFileNamesTheSetting) {
  auto client = AsyncHttpClient::Create({.ca_file = "/nonexistent/goclaw/ca.pem", .ca_file_setting = "executors.http.ca_file"});
  ASSERT_FALSE(client);
  EXPECT_EQ(client.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(client.error().message(),
              HasSubstr("executors.http.ca_file: cannot load CA certificates from \"/nonexistent/goclaw/ca.pem\""));
}

TEST(AsyncHttpClientTest, ResponseHeadersAreLookedUpIgnoringCase) {
  HttpResponse r;
  r.headers = {{"Content-Type", "application/json"}, {"X-Dup", "1"}, {"x-dup", "2"}};
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.Header("X-DUP"), "1");  // the first
  EXPECT_EQ(r.Header("missing"), "");
}

TEST(StatusReasonTest, Phrases) {
  EXPECT_EQ(StatusReason(200), "OK");
  EXPECT_EQ(StatusReason(404), "Not Found");
  EXPECT_EQ(StatusReason(299), "<unknown-status>");
}

TEST(RequestHandleTest, AnEmptyHandleCancelsNothing) {
  RequestHandle h;
  h.Cancel();  // no request: nothing happens
}

}  // namespace
}  // namespace goclaw::net
