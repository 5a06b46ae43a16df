// For tests only: HttpClient (http_client.h) against a server on a loopback port, with the
// answers as plain values — a Response with status 0 when there was none (connection refused,
// closed, timed out) — so that a test reads `EXPECT_EQ(client.Get("/health").status, 200)`.
// One keep-alive connection; Raw() sends bytes as they are, for malformed requests.
//
// Thread-safety: one client is used by one thread at a time.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "goclaw/client/http_client.h"

namespace goclaw::client::testing {

class TestHttpClient {
 public:
  explicit TestHttpClient(int port, std::string host = "127.0.0.1")
      : client_(Url{.scheme = "http", .host = std::move(host), .port = static_cast<std::uint16_t>(port), .target = "/"},
                {.user_agent = ""}) {}

  Response Request(const std::string& method, const std::string& target, const std::string& body = "",
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    auto res = client_.Send({.method = method, .target = target, .body = body, .headers = headers,
                             .timeout = Millis(30000), .connect_timeout = Millis(30000)});
    return res ? std::move(*res) : Response();
  }

  Response Get(const std::string& target) { return Request("GET", target); }
  Response PostJson(const std::string& target, const std::string& body) {
    return Request("POST", target, body, {{"Content-Type", "application/json"}});
  }

  // Sends `bytes` on a fresh connection and reads one response (status 0 if none).
  Response Raw(const std::string& bytes) {
    auto res = client_.SendRaw(bytes);
    return res ? std::move(*res) : Response();
  }

 private:
  HttpClient client_;
};

}  // namespace goclaw::client::testing
