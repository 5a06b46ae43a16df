// A small synchronous HTTP/1.1 client for tests (Beast): one keep-alive connection, any
// method, headers and body; Raw() sends bytes as they are, for malformed requests.
//
// Thread-safety: one client per thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include "goclaw/api/http/http_client.h"

namespace goclaw::api::testing {

using api::ClientResponse;

class TestHttpClient {
 public:
  explicit TestHttpClient(int port) : port_(port), stream_(io_) {}

  ClientResponse Request(const std::string& method, const std::string& target, const std::string& body = "",
                         const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.keep_alive(true);
    req.prepare_payload();
    Connect();
    boost::beast::error_code ec;
    http::write(stream_, req, ec);
    if (ec) {  // the server closed an idle connection: one fresh try
      Reconnect();
      http::write(stream_, req, ec);
    }
    return Read();
  }

  ClientResponse Get(const std::string& target) { return Request("GET", target); }
  ClientResponse PostJson(const std::string& target, const std::string& body) {
    return Request("POST", target, body, {{"Content-Type", "application/json"}});
  }

  // Sends `bytes` on a fresh connection and reads one response (status 0 if none).
  ClientResponse Raw(const std::string& bytes) {
    Reconnect();
    boost::beast::error_code ec;
    boost::asio::write(stream_.socket(), boost::asio::buffer(bytes), ec);
    return Read();
  }

 private:
  void Connect() {
    if (stream_.socket().is_open()) return;
    stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                   static_cast<unsigned short>(port_)));
  }
  void Reconnect() {
    boost::beast::error_code ec;
    stream_.socket().close(ec);
    buffer_.clear();
    Connect();
  }
  ClientResponse Read() {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    parser.body_limit(1u << 30);
    boost::beast::error_code ec;
    stream_.expires_after(std::chrono::seconds(30));
    http::read(stream_, buffer_, parser, ec);
    if (ec) {
      boost::beast::error_code ignored;
      stream_.socket().close(ignored);
      buffer_.clear();
      return ClientResponse();
    }
    const bool keep_alive = parser.get().keep_alive();
    ClientResponse out = FromBeast(parser.release());
    if (!keep_alive) {
      boost::beast::error_code ignored;
      stream_.socket().close(ignored);
      buffer_.clear();
    }
    return out;
  }

  int port_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace goclaw::api::testing
