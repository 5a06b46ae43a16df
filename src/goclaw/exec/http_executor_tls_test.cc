// The http executor over TLS against a real HTTPS server on a loopback port with throwaway
// certificates (net/test_tls.h): trusted via ca_file, keep-alive reuse, an untrusted
// certificate, a certificate for another host, and an unreadable ca_file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "goclaw/exec/http_executor.h"
#include "goclaw/exec/test_attempt.h"
#include "goclaw/net/test_tls.h"

namespace goclaw::exec {
namespace {

using ::testing::HasSubstr;
using Certificate = net::testing::TestCertificate;
using TlsServer = net::testing::TlsLoopbackServer;

class HttpExecutorTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir[] = "/tmp/goclaw-tls-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    good_ = net::testing::MakeTestCertificate(dir_, "loopback", "IP:127.0.0.1,DNS:localhost");
    other_host_ = net::testing::MakeTestCertificate(dir_, "other", "DNS:other.invalid");
    ASSERT_FALSE(good_.cert.empty()) << "the openssl CLI could not make a certificate";
    ASSERT_FALSE(other_host_.cert.empty());
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  static std::unique_ptr<HttpExecutor> Executor(const std::string& ca_file) {
    HttpOptions o;
    o.default_timeout = Millis(5000);
    o.ca_file = ca_file;
    auto e = HttpExecutor::Create(o);
    EXPECT_TRUE(e) << e.error().ToString();
    return std::move(*e);
  }

  static AttemptResult Call(HttpExecutor& exec, const std::string& url) {
    return testing::RunAttemptTo(exec, url);
  }

  static inline std::string dir_;
  static inline Certificate good_;
  static inline Certificate other_host_;
};

TEST_F(HttpExecutorTlsTest, TrustedCertificateWorksAndConnectionsAreReused) {
  TlsServer server(good_);
  auto exec = Executor(good_.cert);
  for (int i = 0; i < 3; ++i) {
    auto r = Call(*exec, server.Url("127.0.0.1", "/agent?x=1"));
    ASSERT_TRUE(r.output) << r.output.error().message();
    EXPECT_EQ(r.output->at("status"), 200);
    EXPECT_EQ(r.output->at("body").at("secure"), true);
    EXPECT_EQ(r.output->at("body").at("path"), "/agent?x=1");
  }
  EXPECT_EQ(server.accepted(), 1);  // one TLS connection served all three
  auto by_name = Call(*exec, server.Url("localhost", "/"));
  ASSERT_TRUE(by_name.output) << by_name.output.error().message();
}

TEST_F(HttpExecutorTlsTest, UntrustedCertificateFailsWithoutRetry) {
  TlsServer server(good_);
  auto exec = Executor("");  // system roots only: the self-signed certificate is unknown
  auto r = Call(*exec, server.Url("127.0.0.1", "/"));
  ASSERT_FALSE(r.output);
  EXPECT_FALSE(r.retryable);
  EXPECT_EQ(r.output.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(r.output.error().message(), HasSubstr("TLS"));
  EXPECT_THAT(r.output.error().message(), HasSubstr("certificate verify failed"));
}

TEST_F(HttpExecutorTlsTest, CertificateForAnotherHostIsRefused) {
  TlsServer server(other_host_);
  auto exec = Executor(other_host_.cert);  // trusted, but it names other.invalid
  auto r = Call(*exec, server.Url("127.0.0.1", "/"));
  ASSERT_FALSE(r.output);
  EXPECT_FALSE(r.retryable);
  EXPECT_THAT(r.output.error().message(), HasSubstr("certificate verify failed"));
}

TEST_F(HttpExecutorTlsTest, UnreadableCaFileIsAConfigError) {
  HttpOptions o;
  o.ca_file = dir_ + "/missing.pem";
  auto e = HttpExecutor::Create(o);
  ASSERT_FALSE(e);
  EXPECT_THAT(e.error().message(), HasSubstr("executors.http.ca_file"));
  EXPECT_THAT(e.error().message(), HasSubstr("missing.pem"));
}

}  // namespace
}  // namespace goclaw::exec
