// What a worker's handler gets and gives back (worker.h): a `Task` — one attempt of a
// `type: remote` task that goclaw assigned to this worker — and an `Outcome`.
//
// A Task carries the attempt's identity (attempt id "<workflow>/<task>/<attempt>", the
// workflow and task ids, the attempt number), its config and the workflow's input (JSON text),
// and the idempotency key. While the handler runs it can
//   - stream Progress(fraction, message) and Log(line) to goclaw,
//   - receive the signals goclaw pushes (WaitSignal, or a callback with OnSignal); each is
//     acknowledged to goclaw as soon as the handler has seen it (WaitSignal returned it, or the
//     callback returned), and a signal goclaw delivers twice is seen once,
//   - notice cancellation: cancelled(), WaitCancelled(timeout). goclaw cancels on a workflow
//     cancel or the task's timeout; the worker cancels locally when its connection broke
//     ("disconnected": the attempt will run again as a new attempt, and a result for this one
//     would be refused) or it stops ("shutdown").
//
// Thread-safety: every method may be called from any thread. OnSignal callbacks run one at a
// time, in seq order, on the worker's stream thread (or on the caller of OnSignal for signals
// that arrived before it): keep them short and do not call OnSignal from one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "goclaw/v1/worker.pb.h"

namespace goclaw::sdk {

namespace internal {
class Session;
class TaskControl;
}  // namespace internal

// A signal goclaw pushed to the attempt.
struct Signal {
  std::uint64_t seq = 0;
  std::string kind;          // "steer", "interrupt", "approve", or any name a client sent
  std::string payload_json;  // the payload as JSON text ("{}" when it had none)
};

// What a handler returns: success with the task's output (JSON text; empty: null), or a
// failure with a message, retryable (the task's retries may run it again) or not.
class Outcome {
 public:
  static Outcome Success(std::string output_json = {});
  static Outcome Failure(std::string message, bool retryable = true);

  bool success() const { return success_; }
  const std::string& output_json() const { return output_json_; }
  const std::string& error_message() const { return error_message_; }
  bool retryable() const { return retryable_; }

 private:
  Outcome() = default;
  bool success_ = true;
  std::string output_json_;
  std::string error_message_;
  bool retryable_ = true;
};

class Task {
 public:
  ~Task();
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  const std::string& attempt_id() const { return assignment_.attempt_id(); }
  const std::string& workflow_id() const { return assignment_.workflow_id(); }
  const std::string& task_id() const { return assignment_.task_id(); }
  int attempt() const { return assignment_.attempt(); }
  const std::string& queue() const { return assignment_.queue(); }
  // The task's config ({{...}} resolved) and the workflow's input, as JSON text.
  const std::string& config_json() const { return assignment_.config_json(); }
  const std::string& input_json() const { return assignment_.input_json(); }
  // The same for every attempt of one saga compensation: make side effects idempotent with it.
  const std::string& idempotency_key() const { return assignment_.idempotency_key(); }
  std::chrono::milliseconds timeout() const {
    return std::chrono::milliseconds(assignment_.timeout_ms());
  }
  // on_interrupt: restart — the interrupt's payload (JSON text) that restarted the task.
  const std::string& interrupt_json() const { return assignment_.interrupt_json(); }
  const google::protobuf::Map<std::string, std::string>& trace() const {
    return assignment_.trace();
  }

  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  // "cancelled", "timeout", "shutdown", "disconnected"; empty while not cancelled.
  std::string cancel_reason() const;
  // Waits until the attempt is cancelled or `timeout` passed: true when cancelled. An
  // interruptible sleep for handlers that work in steps.
  bool WaitCancelled(std::chrono::milliseconds timeout);
  // The next signal, waiting up to `timeout`; nullopt on timeout or cancellation (signals
  // that arrived first are returned first). Not with OnSignal.
  std::optional<Signal> WaitSignal(std::chrono::milliseconds timeout);
  // Calls `on_signal` for every signal (those that already arrived at once, on this thread).
  void OnSignal(std::function<void(const Signal&)> on_signal);

  // Progress of the attempt, 0..1 (clamped), with an optional message; goclaw shows it in the
  // task's status and logs.
  void Progress(double fraction, std::string_view message = {});
  // One log line of the attempt (stream "log" by default; "stderr", "stdout", ... are kept as
  // given). goclaw cuts lines longer than workers.max_log_line_bytes.
  void Log(std::string_view line, std::string_view stream = {});

 private:
  friend class internal::TaskControl;
  Task(v1::Assignment assignment, std::shared_ptr<internal::Session> session);

  void Deliver(Signal signal);      // the stream thread
  void Cancel(std::string reason);  // any thread; the first reason wins
  void Ack(std::uint64_t seq);

  const v1::Assignment assignment_;
  const std::shared_ptr<internal::Session> session_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> abandoned_{false};  // its connection is gone: report nothing more
  std::mutex deliver_mu_;               // held while a callback runs: one at a time, in order
  mutable std::mutex mu_;               // guards what follows
  std::condition_variable cv_;
  std::string cancel_reason_;
  std::deque<Signal> pending_;        // arrived, not seen yet
  std::set<std::uint64_t> received_;  // seqs that arrived (a redelivery is not shown again)
  std::function<void(const Signal&)> on_signal_;
};

}  // namespace goclaw::sdk
