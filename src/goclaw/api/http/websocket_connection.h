// Internal to the HTTP server: serves one connection after a WebSocket upgrade request — the
// handshake, a reader that hands client messages to the route's session, and a writer that
// drains the peer's bounded queue in order (see websocket.h for the contract).
//
// Thread-safety: the coroutine runs on the connection's strand; the peer is thread-safe.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "goclaw/api/http/http_message.h"
#include "goclaw/api/http/websocket.h"
#include "goclaw/core/duration.h"

namespace goclaw::api::http::internal {

struct WebSocketLimits {
  std::size_t max_queued_bytes = 32u << 20;  // messages waiting for a slow client
  std::size_t max_message_bytes = 64 << 10;  // from the client
  Millis handshake_timeout{10000};          // opening and closing handshakes
  Millis idle_timeout{60000};               // pinged at half of it; closed after it
};

// The server's hooks: a connection opened (after the handshake) and ended.
struct WebSocketHooks {
  // The handshake finished: the status the client got (101; 426 for a WebSocket version
  // other than 13; 400 for any other bad handshake; 0 when the connection broke).
  std::function<void(int status)> handshake;
  std::function<void(const std::shared_ptr<WebSocketPeer>&)> opened;
  std::function<void(const std::shared_ptr<WebSocketPeer>&)> ended;
};

boost::asio::awaitable<void> ServeWebSocket(boost::beast::tcp_stream stream,
                                            boost::beast::http::request<boost::beast::http::string_body> upgrade,
                                            HttpRequest request, const WebSocketHandler& handler,
                                            WebSocketLimits limits, WebSocketHooks hooks);

}  // namespace goclaw::api::http::internal
