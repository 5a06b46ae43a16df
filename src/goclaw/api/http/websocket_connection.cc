// One WebSocket connection: handshake, reader loop, and a writer coroutine fed by a bounded queue.
#include "goclaw/api/http/websocket_connection.h"

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

namespace goclaw::api::http::internal {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using WsStream = websocket::stream<beast::tcp_stream>;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// The queue between senders (any thread) and the writer coroutine (the strand).
class Peer final : public WebSocketPeer, public std::enable_shared_from_this<Peer> {
 public:
  Peer(std::shared_ptr<WsStream> ws, std::size_t max_queued_bytes)
      : ws_(std::move(ws)), executor_(ws_->get_executor()), max_queued_bytes_(max_queued_bytes), wake_(executor_) {}

  using WebSocketPeer::Send;
  SendResult Send(WsMessage text) override {
    std::lock_guard lock(mu_);
    if (closing_ || ended_) return SendResult::kClosed;
    if (queued_bytes_ + text->size() > max_queued_bytes_) {
      // A client that does not keep up: drop what waits and say why, instead of buffering
      // without bound or holding up whoever sends.
      queue_.clear();
      queued_bytes_ = 0;
      closing_ = true;
      overflowed_ = true;
      close_ = websocket::close_reason(static_cast<websocket::close_code>(kWsPolicyViolation),
                                       "slow consumer: more than " + std::to_string(max_queued_bytes_) +
                                           " bytes of messages waiting");
      WakeLocked();
      return SendResult::kOverflowed;
    }
    queued_bytes_ += text->size();
    queue_.push_back(std::move(text));
    WakeLocked();
    return SendResult::kQueued;
  }

  void Close(std::uint16_t code, std::string reason) override {
    std::lock_guard lock(mu_);
    if (closing_ || ended_) return;
    closing_ = true;
    close_ = websocket::close_reason(static_cast<websocket::close_code>(code), reason);
    WakeLocked();
  }

  // The reader saw the end of the connection: the writer stops.
  void Ended() {
    std::lock_guard lock(mu_);
    ended_ = true;
    WakeLocked();
  }

  asio::awaitable<void> WriteLoop() {
    auto self = shared_from_this();
    std::deque<WsMessage> batch;
    ws_->text(true);
    while (true) {
      std::optional<websocket::close_reason> close;
      {
        // Everything queued is taken at once: one lock per burst, not per message. What is in
        // `batch` no longer counts against the limit; a client must still read it to get more.
        std::lock_guard lock(mu_);
        if (ended_) co_return;
        if (!queue_.empty()) {
          batch.swap(queue_);
          queued_bytes_ = 0;
        } else if (closing_) {
          close = close_;
        } else {
          writer_waiting_ = true;
        }
      }
      if (!batch.empty()) {
        for (; !batch.empty(); batch.pop_front()) {
          auto [ec, n] = co_await ws_->async_write(asio::buffer(*batch.front()), kTuple);
          if (ec) co_return;
          if (overflowed_.load(std::memory_order_relaxed)) break;  // the rest is dropped; the close is next
        }
        batch.clear();
        continue;
      }
      if (close) {
        co_await ws_->async_close(*close, kTuple);
        co_return;
      }
      wake_.expires_at(asio::steady_timer::time_point::max());
      co_await wake_.async_wait(kTuple);  // cancelled by WakeLocked
    }
  }

 private:
  // The waiting writer is woken on its strand; its wait started before this post can run
  // (the writer sets writer_waiting_ and starts waiting without yielding in between).
  void WakeLocked() {
    if (!writer_waiting_) return;
    writer_waiting_ = false;
    asio::post(executor_, [self = shared_from_this()] { self->wake_.cancel(); });
  }

  std::shared_ptr<WsStream> ws_;
  const WsStream::executor_type executor_;  // the connection's strand; a copy any thread may use
  const std::size_t max_queued_bytes_;
  asio::steady_timer wake_;  // touched only on the strand
  mutable std::mutex mu_;
  std::deque<WsMessage> queue_;
  std::size_t queued_bytes_ = 0;
  std::atomic<bool> overflowed_{false};
  bool writer_waiting_ = false;
  bool closing_ = false;
  bool ended_ = false;
  std::optional<websocket::close_reason> close_;
};

}  // namespace

asio::awaitable<void> ServeWebSocket(beast::tcp_stream stream,
                                     beast::http::request<beast::http::string_body> upgrade,
                                     HttpRequest request, const WebSocketHandler& handler,
                                     WebSocketLimits limits, WebSocketHooks hooks) {
  stream.expires_never();  // the websocket stream has its own timeouts
  auto ws = std::make_shared<WsStream>(std::move(stream));
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = limits.handshake_timeout;
  timeouts.idle_timeout = limits.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws->set_option(timeouts);
  ws->read_message_max(limits.max_message_bytes);
  const std::string request_id = request.request_id;
  ws->set_option(websocket::stream_base::decorator([request_id](websocket::response_type& res) {
    res.set(beast::http::field::server, "goclaw");
    res.set("X-Request-ID", request_id);
  }));
  auto [aec] = co_await ws->async_accept(upgrade, kTuple);
  if (hooks.handshake) {
    const bool refused = aec && aec.category() == websocket::make_error_code(websocket::error::no_sec_key).category();
    hooks.handshake(!aec ? 101 : aec == websocket::error::bad_sec_version ? 426 : refused ? 400 : 0);
  }
  if (aec) co_return;

  auto peer = std::make_shared<Peer>(ws, limits.max_queued_bytes);
  if (hooks.opened) hooks.opened(peer);
  std::shared_ptr<WebSocketSession> session = handler(request, peer);
  asio::co_spawn(ws->get_executor(), peer->WriteLoop(), asio::detached);
  beast::flat_buffer buffer;
  while (true) {
    auto [ec, n] = co_await ws->async_read(buffer, kTuple);
    if (ec) break;
    if (ws->got_text()) {
      std::string text = beast::buffers_to_string(buffer.data());
      if (session) session->OnMessage(text);
    } else {
      peer->Close(1003, "only text messages are accepted");  // 1003: unsupported data
    }
    buffer.consume(buffer.size());
  }
  peer->Ended();
  if (session) session->OnClose();
  if (hooks.ended) hooks.ended(peer);
}

}  // namespace goclaw::api::http::internal
