// The http executor over TLS against a real HTTPS server on a loopback port (Beast + OpenSSL,
// synchronous, on its own thread) with throwaway certificates made by the openssl CLI:
// trusted via ca_file, keep-alive reuse, an untrusted certificate, a certificate for another
// host, and an unreadable ca_file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/exec/http_executor.h"
#include "goclaw/exec/test_attempt.h"
#include "goclaw/exec/test_loopback_server.h"

namespace goclaw::exec {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using ::testing::HasSubstr;

// A self-signed certificate (its own CA) for the given subjectAltName, in a fresh directory.
struct Certificate {
  std::string cert;
  std::string key;
};

Certificate MakeCertificate(const std::string& dir, const std::string& name, const std::string& san) {
  Certificate c{dir + "/" + name + ".pem", dir + "/" + name + ".key"};
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                    "-subj /CN=goclaw-test -addext subjectAltName=" + san + " -keyout " + c.key +
                    " -out " + c.cert + " >/dev/null 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  return c;
}

class TlsServer {
 public:
  explicit TlsServer(const Certificate& c) {
    context_.use_certificate_chain_file(c.cert);
    context_.use_private_key_file(c.key, ssl::context::pem);
  }
  std::string Url(const std::string& host, const std::string& path) const {
    return "https://" + host + ":" + std::to_string(server_.port()) + path;
  }
  int accepted() const { return server_.accepted(); }

 private:
  void Serve(tcp::socket socket) {
    ssl::stream<tcp::socket> stream(std::move(socket), context_);
    beast::error_code ec;
    stream.handshake(ssl::stream_base::server, ec);
    if (ec) return;  // the client refused our certificate
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> req;
      http::read(stream, buffer, req, ec);
      if (ec) return;
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.keep_alive(req.keep_alive());
      res.set(http::field::content_type, "application/json");
      res.body() = boost::json::serialize(boost::json::object{
          {"secure", true}, {"host", std::string(req[http::field::host])},
          {"path", std::string(req.target())}});
      res.prepare_payload();
      http::write(stream, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  ssl::context context_{ssl::context::tls_server};
  testing::LoopbackServer server_{[this](tcp::socket s) { Serve(std::move(s)); }};
};

class HttpExecutorTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char dir[] = "/tmp/goclaw-tls-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    good_ = MakeCertificate(dir_, "loopback", "IP:127.0.0.1,DNS:localhost");
    other_host_ = MakeCertificate(dir_, "other", "DNS:other.invalid");
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
