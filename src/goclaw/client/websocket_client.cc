// Beast websocket::stream over a plain TCP socket, used synchronously with per-read timeouts.
#include "goclaw/client/websocket_client.h"

#include <algorithm>
#include <chrono>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "goclaw/client/http_client.h"

namespace goclaw::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct WebSocketClient::Impl {
  asio::io_context io;
  websocket::stream<beast::tcp_stream> ws{io};
  beast::flat_buffer buffer;
  std::optional<Millis> keep_alive;
};

Result<std::unique_ptr<WebSocketClient>> WebSocketClient::Connect(std::string_view server,
                                                                  const std::string& path,
                                                                  WebSocketClientOptions options) {
  GOCLAW_ASSIGN_OR_RETURN(Url url, ParseServerUrl(server));
  return Connect(url, path, std::move(options));
}

Result<std::unique_ptr<WebSocketClient>> WebSocketClient::Connect(const Url& address, const std::string& path,
                                                                  WebSocketClientOptions options) {
  if (address.scheme != "http" && address.scheme != "ws") {
    return MakeError(ErrorCode::kInvalidArgument,
                     address.scheme + ":// is not supported by this client (it has no TLS); reach " +
                         address.HostHeader() + " over http:// or ws://");
  }
  const bool path_ok = !path.empty() && path[0] == '/' && std::none_of(path.begin(), path.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
  });
  if (!path_ok) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid WebSocket path \"" + path.substr(0, 200) +
                         "\" (it must start with '/' and contain no spaces or control characters)");
  }
  const std::string server = address.Origin();
  auto impl = std::make_unique<Impl>();
  impl->keep_alive = options.keep_alive;
  beast::error_code ec;
  tcp::resolver resolver(impl->io);
  auto results = resolver.resolve(address.host, std::to_string(address.port), ec);
  auto& lowest = beast::get_lowest_layer(impl->ws);
  auto& socket = lowest.socket();
  if (!ec && options.receive_buffer_bytes) {
    socket.open(results.begin()->endpoint().protocol(), ec);
    if (!ec) socket.set_option(asio::socket_base::receive_buffer_size(*options.receive_buffer_bytes), ec);
  }
  if (ec) return MakeError(ErrorCode::kUnavailable, "cannot reach the goclaw server at " + server + ": " + ec.message());
  const std::string origin = options.origin;
  const std::string user_agent = options.user_agent;
  impl->ws.set_option(websocket::stream_base::decorator([origin, user_agent](websocket::request_type& req) {
    if (!user_agent.empty()) req.set(beast::http::field::user_agent, user_agent);
    if (!origin.empty()) req.set(beast::http::field::origin, origin);
  }));
  // Asynchronous with deadlines (Beast's timeouts apply to asynchronous operations only): a
  // server that accepts the connection and never answers the upgrade cannot hang the client.
  const auto deadline = std::chrono::steady_clock::now() + options.connect_timeout;
  bool connected = false;
  bool done = false;
  beast::error_code result;
  websocket::response_type res;
  auto handshake = [&] {
    connected = true;
    lowest.expires_never();  // the websocket stream's own timeouts from here on
    websocket::stream_base::timeout timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
    timeouts.handshake_timeout = std::max<std::chrono::steady_clock::duration>(
        deadline - std::chrono::steady_clock::now(), std::chrono::milliseconds(1));
    timeouts.idle_timeout = options.keep_alive ? std::chrono::steady_clock::duration(*options.keep_alive)
                                               : websocket::stream_base::none();
    timeouts.keep_alive_pings = options.keep_alive.has_value();
    impl->ws.set_option(timeouts);
    impl->ws.async_handshake(res, address.HostHeader(), path, [&](beast::error_code e) {
      result = e;
      done = true;
    });
  };
  lowest.expires_at(deadline);
  if (options.receive_buffer_bytes) {
    socket.async_connect(*results.begin(), [&](beast::error_code e) {
      if (e) {
        result = e;
        done = true;
      } else {
        handshake();
      }
    });
  } else {
    lowest.async_connect(results, [&](beast::error_code e, const tcp::endpoint&) {
      if (e) {
        result = e;
        done = true;
      } else {
        handshake();
      }
    });
  }
  // Until our handler ran (with keep_alive the stream's idle timer keeps the io_context busy).
  while (!done && impl->io.run_one() > 0) {
  }
  if (result == beast::error::timeout) {
    return MakeError(ErrorCode::kDeadlineExceeded,
                     (connected ? "no WebSocket handshake from the goclaw server at " : "no connection to the goclaw server at ") +
                         server + " within " + FormatDuration(options.connect_timeout));
  }
  if (result && !connected) {
    return MakeError(ErrorCode::kUnavailable, "cannot reach the goclaw server at " + server + ": " + result.message());
  }
  if (result) {
    if (res.result_int() != 0 && res.result_int() != 101) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the server refused the WebSocket upgrade: HTTP " + std::to_string(res.result_int()) +
                           (res.body().empty() ? "" : " " + res.body()));
    }
    return MakeError(ErrorCode::kUnavailable, "WebSocket handshake with " + server + " failed: " + result.message());
  }
  return std::unique_ptr<WebSocketClient>(new WebSocketClient(std::move(impl)));
}

WebSocketClient::WebSocketClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WebSocketClient::~WebSocketClient() = default;

Status WebSocketClient::Send(const std::string& text) {
  beast::error_code ec;
  impl_->ws.text(true);
  impl_->ws.write(asio::buffer(text), ec);
  if (ec) return MakeError(ErrorCode::kUnavailable, "sending on the WebSocket: " + ec.message());
  return OkStatus();
}

Result<std::string> WebSocketClient::Read(Millis timeout) {
  // A synchronous read with a deadline: run the async read on our own io_context for at most
  // `timeout`.
  beast::error_code result = asio::error::would_block;
  impl_->buffer.consume(impl_->buffer.size());
  impl_->ws.async_read(impl_->buffer, [&](beast::error_code ec, std::size_t) { result = ec; });
  impl_->io.restart();
  // Until the read completed or `timeout` passed; run_for would also wait for the stream's
  // idle timer when keep_alive is set.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (result == asio::error::would_block && impl_->io.run_one_until(deadline) > 0) {
  }
  if (result == asio::error::would_block) {
    beast::get_lowest_layer(impl_->ws).close();  // abandons the read
    while (result == asio::error::would_block && impl_->io.run_one() > 0) {
    }
    return MakeError(ErrorCode::kDeadlineExceeded, "no WebSocket message within " + FormatDuration(timeout));
  }
  if (result == beast::error::timeout) {
    return MakeError(ErrorCode::kDeadlineExceeded, "the server sent nothing, not even an answer to a ping, for " +
                                                       FormatDuration(impl_->keep_alive.value_or(Millis(0))));
  }
  if (result == websocket::error::closed) {
    return MakeError(ErrorCode::kAborted, "the server closed the WebSocket (" + std::to_string(close_code()) +
                                              (close_reason().empty() ? "" : ": " + close_reason()) + ")");
  }
  if (result) return MakeError(ErrorCode::kUnavailable, "reading the WebSocket: " + result.message());
  return beast::buffers_to_string(impl_->buffer.data());
}

void WebSocketClient::Close() {
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws).expires_after(std::chrono::seconds(5));
  impl_->ws.close(websocket::close_code::normal, ec);
}

std::uint16_t WebSocketClient::close_code() const { return impl_->ws.reason().code; }
std::string WebSocketClient::close_reason() const { const auto& r = impl_->ws.reason().reason;
  return std::string(r.data(), r.size());
}

}  // namespace goclaw::client
