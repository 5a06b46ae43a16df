// The worker's stream (session.h): Hello, the writer thread, heartbeats and the welcome timeout.
#include "goclaw/sdk/session.h"

#include <pthread.h>

namespace goclaw::sdk::internal {

Session::Session(v1::WorkerService::Stub& stub, std::chrono::milliseconds welcome_timeout)
    : stub_(stub), welcome_timeout_(welcome_timeout) {}

Session::~Session() {
  if (finished_ || stream_ == nullptr) return;
  Cancel();
  v1::ServerMessage ignored;
  while (stream_->Read(&ignored)) {
  }
  grpc::Status status = Finish();  // CANCELLED: the worker gave up on this call
  (void)status;
}

void Session::Start(const v1::Hello& hello) {
  // The call starts here, not in the constructor: a Cancel that came first (the worker is
  // stopping) cancels it as soon as it starts, and starting may wait for a connection.
  stream_ = stub_.Connect(&ctx_);
  {
    std::lock_guard lock(mu_);
    welcome_deadline_ = Clock::now() + welcome_timeout_;
  }
  v1::WorkerMessage m;
  *m.mutable_hello() = hello;
  // A failed write means the call already ended: Read returns false and Finish says why.
  if (!stream_->Write(m)) return;
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "goclaw-wk-send");
    WriterLoop();
  });
}

bool Session::Read(v1::ServerMessage* message) { return stream_->Read(message); }

void Session::Welcomed(std::chrono::milliseconds interval) {
  std::lock_guard lock(mu_);
  welcomed_ = true;
  heartbeat_interval_ = interval.count() > 0 ? interval : std::chrono::milliseconds(1000);
  next_heartbeat_ = Clock::now() + heartbeat_interval_;
  cv_.notify_all();
}

bool Session::Send(v1::WorkerMessage message, bool droppable) {
  std::lock_guard lock(mu_);
  if (closing_) return false;
  if (droppable && queue_.size() >= kMaxQueued) {
    ++dropped_;
    return false;
  }
  queue_.push_back(std::move(message));
  cv_.notify_all();
  return true;
}

void Session::Cancel() { ctx_.TryCancel(); }

grpc::Status Session::Finish() {
  {
    std::lock_guard lock(mu_);
    closing_ = true;
    cv_.notify_all();
  }
  if (writer_.joinable()) writer_.join();
  finished_ = true;
  return stream_->Finish();
}

bool Session::welcome_timed_out() const {
  std::lock_guard lock(mu_);
  return welcome_timed_out_;
}

std::size_t Session::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

void Session::WriterLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    // Welcomed() changes the deadline (welcome -> first heartbeat): wake up for it too.
    const bool welcomed_before = welcomed_;
    auto ready = [&] { return closing_ || !queue_.empty() || welcomed_ != welcomed_before; };
    const bool waiting_for_welcome = !welcomed_ && !welcome_timed_out_;
    if (welcomed_ || waiting_for_welcome) {
      cv_.wait_until(lock, welcomed_ ? next_heartbeat_ : welcome_deadline_, ready);
    } else {
      cv_.wait(lock, ready);
    }
    if (closing_) return;  // what is still queued belongs to a call that ended
    v1::WorkerMessage m;
    const auto now = Clock::now();
    if (welcomed_ && now >= next_heartbeat_) {  // first, also while reports keep coming
      m.mutable_heartbeat();
      next_heartbeat_ = now + heartbeat_interval_;
    } else if (!queue_.empty()) {
      m = std::move(queue_.front());
      queue_.pop_front();
    } else if (!welcomed_ && !welcome_timed_out_ && now >= welcome_deadline_) {
      welcome_timed_out_ = true;
      ctx_.TryCancel();  // Read returns false; the worker reports the timeout and reconnects
      continue;
    } else {
      continue;  // woken early (Welcomed)
    }
    lock.unlock();
    const bool ok = stream_->Write(m);
    lock.lock();
    if (!ok) return;  // the call ended: Read returns false and Finish says why
  }
}

}  // namespace goclaw::sdk::internal
