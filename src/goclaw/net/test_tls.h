// For tests only: throwaway TLS certificates (made by the openssl CLI: self-signed, so each is
// its own CA) and an HTTPS server on a loopback port that answers every request with
// {"secure": true, "host": <Host header>, "path": <target>} — what the net client's and the http
// executor's TLS tests talk to.
//
// Thread-safety: construct and destroy on one thread; the server serves on its own threads.
#pragma once

#include <stdlib.h>

#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/net/test_loopback_server.h"

namespace goclaw::net::testing {

struct TestCertificate {
  std::string cert;  // PEM, also the CA to trust
  std::string key;
};

// A certificate for `san` ("IP:127.0.0.1,DNS:localhost") as dir/name.pem and dir/name.key.
// Empty paths when the openssl CLI failed.
inline TestCertificate MakeTestCertificate(const std::string& dir, const std::string& name, const std::string& san) {
  TestCertificate c{dir + "/" + name + ".pem", dir + "/" + name + ".key"};
  const std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
                          "-subj /CN=goclaw-test -addext subjectAltName=" + san + " -keyout " + c.key +
                          " -out " + c.cert + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) return {};
  return c;
}

class TlsLoopbackServer {
 public:
  explicit TlsLoopbackServer(const TestCertificate& c) {
    context_.use_certificate_chain_file(c.cert);
    context_.use_private_key_file(c.key, boost::asio::ssl::context::pem);
  }
  std::string Url(const std::string& host, const std::string& path) const {
    return "https://" + host + ":" + std::to_string(server_.port()) + path;
  }
  int accepted() const { return server_.accepted(); }

 private:
  void Serve(boost::asio::ip::tcp::socket socket) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    boost::asio::ssl::stream<boost::asio::ip::tcp::socket> stream(std::move(socket), context_);
    beast::error_code ec;
    stream.handshake(boost::asio::ssl::stream_base::server, ec);
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
          {"secure", true}, {"host", std::string(req[http::field::host])}, {"path", std::string(req.target())}});
      res.prepare_payload();
      http::write(stream, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  boost::asio::ssl::context context_{boost::asio::ssl::context::tls_server};
  LoopbackServer server_{[this](boost::asio::ip::tcp::socket s) { Serve(std::move(s)); }};  // last
};

}  // namespace goclaw::net::testing
