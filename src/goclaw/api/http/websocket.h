// WebSocket routes: what a route sees of a connection (a WebSocketPeer to send to) and what it
// gives the server (a WebSocketSession that receives the client's messages).
//
// Sending never blocks: messages queue per connection and a writer sends them in order. When
// more than the connection's limit are waiting (a client that does not read), the queue is
// dropped and the connection closed with 1008 and a reason — the sender (e.g. an engine shard)
// is never held up by a slow client.
//
// Thread-safety: WebSocketPeer methods may be called from any thread. WebSocketSession methods
// are called on the connection's strand, one at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace goclaw::api::http {

struct HttpRequest;

// Close codes used by the server (RFC 6455 §7.4.1).
inline constexpr std::uint16_t kWsNormal = 1000;
inline constexpr std::uint16_t kWsGoingAway = 1001;       // server shutting down
inline constexpr std::uint16_t kWsPolicyViolation = 1008;  // slow consumer

using WsMessage = std::shared_ptr<const std::string>;  // shared by every client it goes to

enum class SendResult {
  kQueued,
  kOverflowed,  // this message overflowed the queue: the connection closes with 1008
  kClosed,      // the connection is closing or gone; nothing was queued
};

class WebSocketPeer {
 public:
  virtual ~WebSocketPeer() = default;
  // Queues a text message.
  virtual SendResult Send(WsMessage text) = 0;
  SendResult Send(std::string text) { return Send(std::make_shared<const std::string>(std::move(text))); }
  // Sends what is queued, then a close frame with `code` and `reason`; idempotent.
  virtual void Close(std::uint16_t code, std::string reason) = 0;
};

class WebSocketSession {
 public:
  virtual ~WebSocketSession() = default;
  virtual void OnMessage(std::string_view text) = 0;
  // The connection ended (either side closed, or it broke). No calls follow.
  virtual void OnClose() = 0;
};

// Called once per accepted connection, on its strand.
using WebSocketHandler =
    std::function<std::shared_ptr<WebSocketSession>(const HttpRequest&, std::shared_ptr<WebSocketPeer>)>;

}  // namespace goclaw::api::http
