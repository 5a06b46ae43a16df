// Task and Outcome (task.h): signals with automatic acks, cancellation, progress and logs.
#include "goclaw/sdk/task.h"

#include <algorithm>
#include <cmath>

#include "goclaw/sdk/session.h"
#include "goclaw/sdk/task_control.h"

namespace goclaw::sdk {

Outcome Outcome::Success(std::string output_json) {
  Outcome o;
  o.output_json_ = std::move(output_json);
  return o;
}

Outcome Outcome::Failure(std::string message, bool retryable) {
  Outcome o;
  o.success_ = false;
  o.error_message_ = std::move(message);
  o.retryable_ = retryable;
  return o;
}

Task::Task(v1::Assignment assignment, std::shared_ptr<internal::Session> session)
    : assignment_(std::move(assignment)), session_(std::move(session)) {}

Task::~Task() = default;

std::string Task::cancel_reason() const {
  std::lock_guard lock(mu_);
  return cancel_reason_;
}

bool Task::WaitCancelled(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [this] { return cancelled(); });
}

std::optional<Signal> Task::WaitSignal(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [this] { return !pending_.empty() || cancelled(); });
  if (pending_.empty()) return std::nullopt;
  Signal s = std::move(pending_.front());
  pending_.pop_front();
  lock.unlock();
  Ack(s.seq);
  return s;
}

void Task::OnSignal(std::function<void(const Signal&)> on_signal) {
  std::lock_guard deliver(deliver_mu_);
  std::deque<Signal> arrived;
  {
    std::lock_guard lock(mu_);
    on_signal_ = std::move(on_signal);
    arrived.swap(pending_);
  }
  for (const Signal& s : arrived) {
    if (on_signal_) on_signal_(s);
    Ack(s.seq);
  }
}

void Task::Deliver(Signal signal) {
  std::lock_guard deliver(deliver_mu_);
  std::function<void(const Signal&)> callback;
  {
    std::lock_guard lock(mu_);
    if (!received_.insert(signal.seq).second) {
      // Delivered again (at least once): acknowledge again if the handler saw it already.
      bool waiting = false;
      for (const Signal& p : pending_) waiting = waiting || p.seq == signal.seq;
      if (waiting) return;
    } else if (!on_signal_) {
      pending_.push_back(std::move(signal));
      cv_.notify_all();
      return;
    } else {
      callback = on_signal_;
    }
  }
  if (callback) callback(signal);
  Ack(signal.seq);
}

void Task::Cancel(std::string reason) {
  {
    std::lock_guard lock(mu_);
    if (cancelled()) return;
    cancel_reason_ = std::move(reason);
    cancelled_.store(true, std::memory_order_release);
  }
  cv_.notify_all();
}

void Task::Ack(std::uint64_t seq) {
  if (abandoned_.load(std::memory_order_acquire)) return;
  v1::WorkerMessage m;
  m.mutable_ack()->set_attempt_id(attempt_id());
  m.mutable_ack()->set_seq(seq);
  session_->Send(std::move(m));
}

void Task::Progress(double fraction, std::string_view message) {
  if (abandoned_.load(std::memory_order_acquire)) return;
  if (std::isnan(fraction)) fraction = 0;
  v1::WorkerMessage m;
  v1::AttemptProgress* p = m.mutable_progress();
  p->set_attempt_id(attempt_id());
  p->set_fraction(std::clamp(fraction, 0.0, 1.0));
  p->set_message(std::string(message));
  session_->Send(std::move(m), /*droppable=*/true);
}

void Task::Log(std::string_view line, std::string_view stream) {
  if (abandoned_.load(std::memory_order_acquire)) return;
  v1::WorkerMessage m;
  v1::AttemptLog* l = m.mutable_log();
  l->set_attempt_id(attempt_id());
  l->set_stream(std::string(stream));
  l->set_line(std::string(line));
  session_->Send(std::move(m), /*droppable=*/true);
}

namespace internal {

std::shared_ptr<Task> TaskControl::Make(v1::Assignment assignment,
                                        std::shared_ptr<Session> session) {
  return std::shared_ptr<Task>(new Task(std::move(assignment), std::move(session)));
}

void TaskControl::Abandon(Task& task, std::string reason) {
  task.abandoned_.store(true, std::memory_order_release);
  task.Cancel(std::move(reason));
}

}  // namespace internal
}  // namespace goclaw::sdk
