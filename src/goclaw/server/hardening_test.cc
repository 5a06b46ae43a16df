// The HTTP server's defenses end to end (issue 12): Host allow-list against DNS rebinding and
// the WebSocket Origin rule, exactly one Host, duplicate query parameters, charsets,
// `Expect: 100-continue`, header and body timeouts, the connection limit, and `wait` against
// server.request_timeout. A real Server on a free loopback port (memory store) and raw sockets
// where a well-behaved client cannot express the case.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "goclaw/client/test_http_client.h"
#include "goclaw/server/server.h"

namespace goclaw::server {
namespace {

using ClientResponse = client::Response;
using client::testing::TestHttpClient;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using Steady = std::chrono::steady_clock;

config::Config BaseConfig() {
  config::Config c;
  c.server.port = 0;
  c.grpc.port = 0;  // (gRPC is on by default, on 9090)
  c.storage.backend = config::StorageBackend::kMemory;
  c.server.max_body_bytes = 64 * 1024;
  return c;
}

// A plain blocking socket with poll()-bounded reads: for what well-behaved clients never send.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  // Reads until `until` has been received, the peer closes, or `timeout` passes; returns all
  // received so far. eof() tells whether the peer closed.
  std::string ReadUntil(std::string_view until, Millis timeout) {
    const auto end = Steady::now() + timeout;
    while (received_.find(until) == std::string::npos && !eof_) {
      const auto left = std::chrono::duration_cast<Millis>(end - Steady::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        eof_ = true;
        break;
      }
      received_.append(buf, static_cast<std::size_t>(n));
    }
    return received_;
  }
  // Reads until the peer closes (or `timeout`).
  std::string ReadAll(Millis timeout) { return ReadUntil(std::string_view("\0never\0", 7), timeout); }
  bool eof() const { return eof_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  bool connected_ = false;
  bool eof_ = false;
  std::string received_;
};

class HardeningTest : public ::testing::Test {
 protected:
  void Start(const config::Config& c) {
    auto s = Server::Start(c);
    ASSERT_TRUE(s) << s.error().ToString();
    server_ = std::move(*s);
    port_ = std::to_string(server_->port());
    client_ = std::make_unique<TestHttpClient>(server_->port());
  }

  ClientResponse GetWithHost(const std::string& host, const std::string& path = "/health") {
    return client_->Raw("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
  }

  std::unique_ptr<Server> server_;
  std::string port_;
  std::unique_ptr<TestHttpClient> client_;
};

std::string ErrorCodeOf(const ClientResponse& r) {
  auto j = r.Json();
  if (!j.is_object() || !j.as_object().contains("error")) return "<no error body: " + r.body + ">";
  return std::string(j.at("error").at("code").as_string());
}

TEST_F(HardeningTest, LoopbackBindServesOnlyLoopbackHostsAndTheAllowList) {
  config::Config c = BaseConfig();
  c.server.allowed_hosts = {"goclaw.internal"};
  Start(c);
  for (const std::string& host : std::vector<std::string>{"localhost", "localhost:" + port_, "127.0.0.1:" + port_, "127.0.0.2",
                                  "[::1]:" + port_, "goclaw.internal", "goclaw.internal:443"}) {
    EXPECT_EQ(GetWithHost(host).status, 200) << host;
  }
  // DNS rebinding: the attacker's name resolves to 127.0.0.1; its page's requests carry it.
  for (const std::string& host : std::vector<std::string>{"evil.example", "evil.example:" + port_, "127.0.0.1.evil.example"}) {
    ClientResponse r = GetWithHost(host);
    EXPECT_EQ(r.status, 421) << host;
    EXPECT_EQ(ErrorCodeOf(r), "MISDIRECTED_REQUEST");
    EXPECT_THAT(r.body, HasSubstr("server.allowed_hosts"));
    EXPECT_THAT(r.body, HasSubstr("localhost, 127.x.y.z and [::1]"));
  }
  // Counted, so a proxy sending a name missing from the list shows in /metrics.
  EXPECT_THAT(client_->Get("/metrics").body,
              HasSubstr(R"(goclaw_http_requests_total{method="GET",route="unmatched",code="421"} 3)"));
}

TEST_F(HardeningTest, WebSocketOriginMustBeServedNotMerelyEqualToHost) {
  Start(BaseConfig());
  auto upgrade = [&](const std::string& host, const std::string& origin) {
    return client_->Raw("GET /ws/events HTTP/1.1\r\nHost: " + host + "\r\nOrigin: " + origin +
                        "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
  };
  // Before: an Origin equal to the Host was trusted, whatever the name.
  EXPECT_EQ(upgrade("evil.example:" + port_, "http://evil.example:" + port_).status, 421);
  EXPECT_EQ(upgrade("127.0.0.1:" + port_, "http://evil.example:" + port_).status, 403);
  EXPECT_EQ(upgrade("127.0.0.1:" + port_, "http://localhost:" + port_).status, 101);
}

TEST_F(HardeningTest, ExactlyOneHostDuplicateQueryParametersAndCharsets) {
  Start(BaseConfig());
  ClientResponse none = client_->Raw("GET /health HTTP/1.1\r\n\r\n");
  EXPECT_EQ(none.status, 400);
  EXPECT_THAT(none.body, HasSubstr("exactly one Host header; got 0"));
  ClientResponse two = client_->Raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n");
  EXPECT_EQ(two.status, 400);
  EXPECT_THAT(two.body, HasSubstr("got 2"));
  EXPECT_EQ(client_->Raw("GET /health HTTP/1.0\r\n\r\n").status, 200);  // HTTP/1.0 needs none

  ClientResponse dup = client_->Get("/api/v1/workflows?limit=5&limit=500");
  EXPECT_EQ(dup.status, 400);
  EXPECT_THAT(dup.body, HasSubstr("query parameter \\\"limit\\\" is given more than once"));

  ClientResponse utf16 = client_->Request("POST", "/api/v1/workflows/validate", R"({"tasks": [{"id": "a"}]})",
                                          {{"Content-Type", "application/json; charset=utf-16"}});
  EXPECT_EQ(utf16.status, 415);
  EXPECT_THAT(utf16.body, HasSubstr("send UTF-8"));
  EXPECT_EQ(client_->Request("POST", "/api/v1/workflows/validate", R"({"tasks": [{"id": "a"}]})",
                             {{"Content-Type", "application/json; charset=UTF-8"}})
                .status,
            200);
}

TEST_F(HardeningTest, ExpectContinueIsAnsweredAndAnOversizedBodyRefusedUnread) {
  Start(BaseConfig());
  const std::string body = R"({"tasks": [{"id": "a"}]})";
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("POST /api/v1/workflows/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n"));
  EXPECT_THAT(conn.ReadUntil("\r\n\r\n", Millis(5000)), StartsWith("HTTP/1.1 100 Continue\r\n\r\n"));
  ASSERT_TRUE(conn.Send(body));
  EXPECT_THAT(conn.ReadUntil("\"valid\"", Millis(5000)), HasSubstr("HTTP/1.1 200 OK"));

  RawConnection big(server_->port());
  ASSERT_TRUE(big.Send("POST /api/v1/workflows HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       "Expect: 100-continue\r\nContent-Length: 10000000\r\n\r\n"));
  const std::string answer = big.ReadUntil("}}", Millis(5000));
  EXPECT_THAT(answer, StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(answer, Not(HasSubstr("100 Continue")));
}

TEST_F(HardeningTest, HeaderTimeoutRunsFromAcceptAndCutsDribblingClients) {
  config::Config c = BaseConfig();
  c.server.header_timeout = Millis(300);
  c.server.idle_timeout = Millis(60000);
  Start(c);
  // Silent: before, the idle timeout (60 s) applied to a new connection.
  RawConnection silent(server_->port());
  auto start = Steady::now();
  std::string got = silent.ReadAll(Millis(10000));
  EXPECT_THAT(got, StartsWith("HTTP/1.1 408"));
  EXPECT_THAT(got, HasSubstr("server.header_timeout (300ms)"));
  EXPECT_LT(Steady::now() - start, std::chrono::seconds(5));

  // Dribbling: one byte every 20 ms never finishes the headers; cut at header_timeout.
  RawConnection dribble(server_->port());
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    std::string bytes = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + std::string(2000, 'a');
    for (char ch : bytes) {
      if (stop || !dribble.Send(std::string_view(&ch, 1))) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  start = Steady::now();
  got = dribble.ReadAll(Millis(10000));
  stop = true;
  sender.join();
  EXPECT_THAT(got, StartsWith("HTTP/1.1 408"));
  EXPECT_LT(Steady::now() - start, std::chrono::seconds(5));

  // A keep-alive connection between requests is under the idle timeout, not header_timeout.
  EXPECT_EQ(client_->Get("/health").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  EXPECT_EQ(client_->Get("/health").status, 200);
}

TEST_F(HardeningTest, AStalledBodyIsCutWith408) {
  config::Config c = BaseConfig();
  c.server.body_timeout = Millis(300);
  Start(c);
  RawConnection conn(server_->port());
  ASSERT_TRUE(conn.Send("POST /api/v1/workflows/validate HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"tasks\": "));
  const auto start = Steady::now();
  std::string got = conn.ReadAll(Millis(10000));
  EXPECT_THAT(got, StartsWith("HTTP/1.1 408"));
  EXPECT_THAT(got, HasSubstr("REQUEST_TIMEOUT"));
  EXPECT_THAT(got, HasSubstr("server.body_timeout (300ms)"));
  EXPECT_LT(Steady::now() - start, std::chrono::seconds(5));  // before: request_timeout (60 s)
}

TEST_F(HardeningTest, ConnectionsOverTheLimitGet503AndAreCounted) {
  config::Config c = BaseConfig();
  c.server.max_connections = 2;
  Start(c);
  auto first = std::make_unique<RawConnection>(server_->port());
  RawConnection second(server_->port());
  ASSERT_TRUE(first->connected() && second.connected());
  ClientResponse over = client_->Get("/health");
  EXPECT_EQ(over.status, 503);
  EXPECT_EQ(ErrorCodeOf(over), "UNAVAILABLE");
  EXPECT_THAT(over.body, HasSubstr("server.max_connections (2)"));
  // A slot frees when a connection closes (the server notices asynchronously: ask again).
  first.reset();
  int status = 0;
  for (int i = 0; i < 500 && status != 200; ++i) {
    status = client_->Get("/health").status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(status, 200);
  const std::string metrics = client_->Get("/metrics").body;  // the same connection: no third slot
  EXPECT_THAT(metrics, HasSubstr("# TYPE goclaw_http_connections_refused_total counter"));
  EXPECT_THAT(metrics, Not(HasSubstr("goclaw_http_connections_refused_total 0\n")));
}

TEST_F(HardeningTest, AWaitBeyondTheRequestTimeoutIsClampedAndSaysSo) {
  config::Config c = BaseConfig();
  c.server.request_timeout = Millis(1000);
  c.shutdown.drain_timeout = Millis(100);  // the sleepers need not finish
  Start(c);
  const std::string sleeper = R"({"tasks": [{"id": "z", "config": {"op": "sleep", "duration": "1h"}}]})";
  // Before: accepted, then cut with 504 at request_timeout. Now: waits 1s, answers 202.
  ClientResponse longer = client_->Request("POST", "/api/v1/workflows?wait=2m", sleeper,
                                           {{"Content-Type", "application/json"}});
  EXPECT_EQ(longer.status, 202) << longer.body;
  EXPECT_EQ(longer.Header("x-goclaw-wait-clamped"), "1s (server.request_timeout; requested 2m)");
  // A wait of exactly request_timeout answers itself rather than racing the 504.
  ClientResponse exact = client_->Request("POST", "/api/v1/workflows?wait=1s", sleeper,
                                          {{"Content-Type", "application/json"}});
  EXPECT_EQ(exact.status, 202) << exact.body;
  EXPECT_EQ(exact.Header("x-goclaw-wait-clamped"), "");
  // Finished within the clamped wait: 201, still with the header.
  ClientResponse quick = client_->Request("POST", "/api/v1/workflows", R"({"wait": "3m", "tasks": [{"id": "a"}]})",
                                          {{"Content-Type", "application/json"}});
  EXPECT_EQ(quick.status, 201) << quick.body;
  EXPECT_THAT(quick.Header("x-goclaw-wait-clamped"), StartsWith("1s"));
  // Beyond the API's maximum (5m) it is still an error.
  EXPECT_EQ(client_->Request("POST", "/api/v1/workflows?wait=6m", sleeper, {{"Content-Type", "application/json"}})
                .status,
            400);
}

}  // namespace
}  // namespace goclaw::server
