// AsyncHttpClient over TLS against a real HTTPS server on a loopback port with throwaway
// certificates (test_tls.h): trusted via ca_file and reused, untrusted, for another host, by
// name (SNI) and by address.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <future>

#include "goclaw/net/async_http_client.h"
#include "goclaw/net/test_tls.h"

namespace goclaw::net {
namespace {

using ::testing::HasSubstr;

Result<HttpResponse> Fetch(AsyncHttpClient& client, const std::string& url) {
  std::promise<Result<HttpResponse>> promise;
  client.Start({.url = *ParseUrl(url), .timeout = Millis(5000)},
               [&promise](Result<HttpResponse> r) { promise.set_value(std::move(r)); });
  return promise.get_future().get();
}

class AsyncHttpClientTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir[] = "/tmp/goclaw-net-tls-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    good_ = testing::MakeTestCertificate(dir_, "loopback", "IP:127.0.0.1,DNS:localhost");
    other_host_ = testing::MakeTestCertificate(dir_, "other", "DNS:other.invalid");
    ASSERT_FALSE(good_.cert.empty()) << "the openssl CLI could not make a certificate";
    ASSERT_FALSE(other_host_.cert.empty());
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static std::unique_ptr<AsyncHttpClient> Client(const std::string& ca_file) {
    auto c = AsyncHttpClient::Create({.ca_file = ca_file});
    EXPECT_TRUE(c) << c.error().message();
    return std::move(*c);
  }

  static inline std::string dir_;
  static inline testing::TestCertificate good_;
  static inline testing::TestCertificate other_host_;
};

TEST_F(AsyncHttpClientTlsTest, TrustedCertificateByAddressAndByNameAndReuse) {
  testing::TlsLoopbackServer server(good_);
  auto client = Client(good_.cert);
  for (int i = 0; i < 3; ++i) {
    auto r = Fetch(*client, server.Url("127.0.0.1", "/agent?x=1"));
    ASSERT_TRUE(r) << r.error().message();
    EXPECT_EQ(r->status, 200u);
    EXPECT_THAT(r->body, HasSubstr(R"("secure":true)"));
    EXPECT_THAT(r->body, HasSubstr(R"("path":"/agent?x=1")"));
  }
  EXPECT_EQ(server.accepted(), 1);  // one TLS connection served all three
  auto by_name = Fetch(*client, server.Url("localhost", "/"));
  ASSERT_TRUE(by_name) << by_name.error().message();
  EXPECT_EQ(server.accepted(), 2);  // another host, another pool
}

TEST_F(AsyncHttpClientTlsTest, UntrustedCertificateIsATlsFailure) {
  testing::TlsLoopbackServer server(good_);
  auto client = Client("");  // system roots only: the self-signed certificate is unknown
  auto r = Fetch(*client, server.Url("127.0.0.1", "/"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(r.error().message(), HasSubstr("connecting to https://127.0.0.1:"));
  EXPECT_THAT(r.error().message(), HasSubstr(": TLS: "));
  EXPECT_THAT(r.error().message(), HasSubstr("certificate verify failed"));
}

TEST_F(AsyncHttpClientTlsTest, CertificateForAnotherHostIsRefused) {
  testing::TlsLoopbackServer server(other_host_);
  auto client = Client(other_host_.cert);  // trusted, but it names other.invalid
  auto r = Fetch(*client, server.Url("127.0.0.1", "/"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(r.error().message(), HasSubstr("certificate verify failed"));
}

TEST_F(AsyncHttpClientTlsTest, PlainHttpToATlsServerFails) {
  testing::TlsLoopbackServer server(good_);
  auto client = Client(good_.cert);
  std::string url = server.Url("127.0.0.1", "/");
  url.replace(0, 5, "http");
  std::promise<Result<HttpResponse>> promise;
  client->Start({.url = *ParseUrl(url), .timeout = Millis(2000)},
                [&promise](Result<HttpResponse> r) { promise.set_value(std::move(r)); });
  auto r = promise.get_future().get();
  ASSERT_FALSE(r);  // the server reads our request as a bad handshake and hangs up, or times out
  EXPECT_TRUE(r.error().code() == ErrorCode::kUnavailable || r.error().code() == ErrorCode::kDeadlineExceeded)
      << r.error().message();
}

}  // namespace
}  // namespace goclaw::net
