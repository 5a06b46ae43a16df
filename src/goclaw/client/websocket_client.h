// A synchronous WebSocket client (Beast) for the CLI (`goclaw events --follow`), the tests and
// the SDKs: connect to ws://host:port/path, send text, read text with a timeout, see the close
// code and reason the server sent. Plain ws only (no TLS), like http_client.h.
//
// Thread-safety: one client is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"
#include "goclaw/core/url.h"

namespace goclaw::client {

struct WebSocketClientOptions {
  Millis connect_timeout{10000};  // connecting and the opening handshake, together
  // When set, silence is bounded: after half of it without a frame from the server the client
  // pings, and a Read fails with kDeadlineExceeded when nothing (not even the pong) arrived
  // within all of it. A live server answers pings while its stream has no events to send.
  std::optional<Millis> keep_alive;
  std::optional<int> receive_buffer_bytes;  // SO_RCVBUF before connecting (tests of slow clients)
  std::string origin;                       // sent as Origin when set
  std::string user_agent = "goclaw-client";  // sent as User-Agent when set
};

class WebSocketClient {
 public:
  // `server` is the server's base URL, http:// or ws:// (ParseServerUrl gives the former);
  // `path` e.g. "/ws/events". kInvalidArgument for a wss/https URL or a bad path; kUnavailable
  // when the server cannot be reached; kDeadlineExceeded when it does not accept and complete
  // the handshake within connect_timeout; kFailedPrecondition when it refuses the upgrade (the
  // HTTP status is in the message).
  static Result<std::unique_ptr<WebSocketClient>> Connect(const Url& server, const std::string& path,
                                                          WebSocketClientOptions options = {});
  // The same with `server` parsed by ParseServerUrl ("http://host:port") first.
  static Result<std::unique_ptr<WebSocketClient>> Connect(std::string_view server, const std::string& path,
                                                          WebSocketClientOptions options = {});
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  Status Send(const std::string& text);
  // The next text message. kDeadlineExceeded after `timeout` (the connection is then unusable);
  // kAborted when the server closed: close_code()/close_reason() tell why.
  Result<std::string> Read(Millis timeout);
  // Sends a close frame and waits for the server's.
  void Close();

  std::uint16_t close_code() const;
  std::string close_reason() const;

 private:
  struct Impl;
  explicit WebSocketClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::client
