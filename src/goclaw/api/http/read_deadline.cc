// Read deadlines that cancel instead of closing.
#include "goclaw/api/http/read_deadline.h"

namespace goclaw::api::http::internal {

ReadDeadline::ReadDeadline(boost::beast::tcp_stream& stream) : stream_(stream), timer_(stream.get_executor()) {}

void ReadDeadline::Arm(Millis after) {
  Disarm();
  stream_.expires_never();
  state_ = std::make_shared<State>();
  timer_.expires_after(after);
  timer_.async_wait([state = state_, stream = &stream_](const boost::system::error_code& ec) {
    if (ec || state->disarmed) return;
    state->fired = true;
    boost::system::error_code ignored;
    stream->socket().cancel(ignored);
  });
}

bool ReadDeadline::Disarm() {
  if (!state_) return false;
  state_->disarmed = true;
  timer_.cancel();
  const bool fired = state_->fired;
  state_.reset();
  return fired;
}

}  // namespace goclaw::api::http::internal
