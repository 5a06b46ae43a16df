// Internal to the HTTP server: a deadline for reads on a connection that cancels the pending
// read instead of closing the socket (as beast::tcp_stream's own timeouts do), so that a 408
// can still be written. Used for server.header_timeout and server.body_timeout.
//
// Thread-safety: everything, the timer's handler included, runs on the connection's strand.
#pragma once

#include <memory>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "goclaw/core/duration.h"

namespace goclaw::api::http::internal {

class ReadDeadline {
 public:
  explicit ReadDeadline(boost::beast::tcp_stream& stream);
  ~ReadDeadline() { Disarm(); }
  ReadDeadline(const ReadDeadline&) = delete;
  ReadDeadline& operator=(const ReadDeadline&) = delete;

  // Starts the clock for the next read(s); clears the stream's own expiry.
  void Arm(Millis after);
  // Stops the clock; returns whether the deadline passed (and cancelled the read) since Arm.
  bool Disarm();

 private:
  struct State {
    bool fired = false;
    bool disarmed = false;  // once set, the handler must not touch the stream (it may be gone)
  };
  boost::beast::tcp_stream& stream_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<State> state_;
};

}  // namespace goclaw::api::http::internal
