// WebSocketClient against an in-process Beast WebSocket server on a loopback port: echo, the
// close code and reason, a read timeout, a refused upgrade, a server that never completes the
// handshake, and what the handshake request carries.
#include "goclaw/client/websocket_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "goclaw/net/test_loopback_server.h"

namespace goclaw::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using ::testing::HasSubstr;

// Upgrades /ws (answering 403 to anything else), then: "headers" is answered with the
// handshake's Host, User-Agent and Origin; "bye" closes with 4000 "done"; "quiet" makes it
// wait, silent, for the client to go; anything else is echoed.
void Serve(tcp::socket socket) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  http::request<http::string_body> req;
  http::read(socket, buffer, req, ec);
  if (ec) return;
  if (req.target() != "/ws" || !websocket::is_upgrade(req)) {
    http::response<http::string_body> res{http::status::forbidden, 11};
    res.body() = "not here";
    res.prepare_payload();
    http::write(socket, res, ec);
    return;
  }
  const std::string seen = "host=" + std::string(req[http::field::host]) +
                           " ua=" + std::string(req[http::field::user_agent]) +
                           " origin=" + std::string(req[http::field::origin]);
  websocket::stream<tcp::socket> ws(std::move(socket));
  ws.accept(req, ec);
  if (ec) return;
  while (true) {
    beast::flat_buffer message;
    ws.read(message, ec);
    if (ec) return;
    const std::string text = beast::buffers_to_string(message.data());
    if (text == "bye") {
      ws.close(websocket::close_reason(static_cast<websocket::close_code>(4000), "done"), ec);
      ws.read(message, ec);  // until the client's close frame
      return;
    }
    if (text == "quiet") {
      ws.read(message, ec);  // until the client goes
      return;
    }
    ws.text(true);
    ws.write(asio::buffer(text == "headers" ? seen : text), ec);
    if (ec) return;
  }
}

// Accepts the TCP connection and never answers the upgrade.
void Silent(tcp::socket socket) {
  char byte;
  beast::error_code ec;
  while (!ec) socket.read_some(asio::buffer(&byte, 1), ec);
}

class WebSocketClientTest : public ::testing::Test {
 protected:
  std::string Server() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

  net::testing::LoopbackServer server_{Serve};
};

TEST_F(WebSocketClientTest, SendsAndReadsText) {
  auto ws = WebSocketClient::Connect(Server(), "/ws");
  ASSERT_TRUE(ws) << ws.error().message();
  ASSERT_TRUE((*ws)->Send("hello"));
  auto text = (*ws)->Read(Millis(10000));
  ASSERT_TRUE(text) << text.error().message();
  EXPECT_EQ(*text, "hello");
  (*ws)->Close();
}

TEST_F(WebSocketClientTest, HandshakeCarriesHostUserAgentAndOrigin) {
  auto ws = WebSocketClient::Connect(Server(), "/ws",
                                     {.origin = "http://localhost:5173", .user_agent = "goclaw-cli"});
  ASSERT_TRUE(ws) << ws.error().message();
  ASSERT_TRUE((*ws)->Send("headers"));
  EXPECT_EQ(*(*ws)->Read(Millis(10000)), "host=127.0.0.1:" + std::to_string(server_.port()) +
                                              " ua=goclaw-cli origin=http://localhost:5173");
}

TEST_F(WebSocketClientTest, WsUrlsWorkToo) {
  auto url = ParseUrl("ws://127.0.0.1:" + std::to_string(server_.port()), {.schemes = {"ws"}});
  ASSERT_TRUE(url) << url.error().message();
  auto ws = WebSocketClient::Connect(*url, "/ws");
  ASSERT_TRUE(ws) << ws.error().message();
  ASSERT_TRUE((*ws)->Send("x"));
  EXPECT_EQ(*(*ws)->Read(Millis(10000)), "x");
}

TEST_F(WebSocketClientTest, TheServersCloseCodeAndReason) {
  auto ws = WebSocketClient::Connect(Server(), "/ws");
  ASSERT_TRUE(ws) << ws.error().message();
  ASSERT_TRUE((*ws)->Send("bye"));
  auto text = (*ws)->Read(Millis(10000));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code(), ErrorCode::kAborted);
  EXPECT_EQ(text.error().message(), "the server closed the WebSocket (4000: done)");
  EXPECT_EQ((*ws)->close_code(), 4000);
  EXPECT_EQ((*ws)->close_reason(), "done");
}

TEST_F(WebSocketClientTest, ReadTimesOut) {
  auto ws = WebSocketClient::Connect(Server(), "/ws");
  ASSERT_TRUE(ws) << ws.error().message();
  ASSERT_TRUE((*ws)->Send("quiet"));
  auto text = (*ws)->Read(Millis(50));
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(text.error().message(), "no WebSocket message within 50ms");
}

TEST_F(WebSocketClientTest, ARefusedUpgradeSaysTheStatus) {
  auto ws = WebSocketClient::Connect(Server(), "/elsewhere");
  ASSERT_FALSE(ws);
  EXPECT_EQ(ws.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(ws.error().message(), "the server refused the WebSocket upgrade: HTTP 403 not here");
}

TEST(WebSocketClientSilentTest, NoHandshakeWithinTheConnectTimeout) {
  net::testing::LoopbackServer silent(Silent);
  auto ws = WebSocketClient::Connect("http://127.0.0.1:" + std::to_string(silent.port()), "/ws",
                                     {.connect_timeout = Millis(100)});
  ASSERT_FALSE(ws);
  EXPECT_EQ(ws.error().code(), ErrorCode::kDeadlineExceeded);
  EXPECT_THAT(ws.error().message(), HasSubstr("no WebSocket handshake from the goclaw server at http://127.0.0.1:"));
  EXPECT_THAT(ws.error().message(), HasSubstr("within 100ms"));
}

TEST(WebSocketClientUnreachableTest, NothingListening) {
  unsigned short port;
  {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }
  auto ws = WebSocketClient::Connect("http://127.0.0.1:" + std::to_string(port), "/ws");
  ASSERT_FALSE(ws);
  EXPECT_EQ(ws.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(ws.error().message(), HasSubstr("cannot reach the goclaw server at http://127.0.0.1:"));
}

}  // namespace
}  // namespace goclaw::client
