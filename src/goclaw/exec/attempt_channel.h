// The per-attempt channel: the one line between the engine and one running attempt.
//
//   engine → attempt   Cancel(); Send(kind, payload): messages delivered in order, each with a
//                      sequence number, counted from 1 per attempt or given by the sender
//                      (signals keep their workflow-wide seq, so a receiver can drop repeats). The attempt reads them with Poll / Wait, or gets them
//                      pushed with OnMessage.
//   attempt → engine   Progress, Log (one line of a stream: "log", "stderr", "status", ...),
//                      Ack(seq), Heartbeat. Each becomes an AttemptReport handed to the sink the
//                      engine gave at creation (it posts the report to the workflow's shard).
//
// An executor receives the channel in its Attempt; an in-process function sees it through its
// TaskContext. Reports after the attempt ended are dropped by the engine (it fences them by
// attempt number), so an executor need not know when the engine stopped listening.
//
// Thread-safety: every method may be called from any thread. Cancel callbacks run once, on the
// thread that cancels (or at once when registering on a cancelled channel); a message receiver
// runs on the thread that sends, never on two threads at once, in sequence order.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/unique_function.h"

namespace goclaw::exec {

struct ChannelMessage {
  std::uint64_t seq = 0;  // increasing in the order sent
  std::string kind;       // what the sender calls it ("steer", "interrupt", a signal name, ...)
  boost::json::value payload;
};

struct AttemptReport {
  enum class Kind : std::uint8_t { kProgress, kLog, kAck, kHeartbeat };
  Kind kind = Kind::kHeartbeat;
  double fraction = 0;     // kProgress: 0..1
  std::string stream;      // kLog: "log" (functions), "stderr" (exec), "status" (http), ...
  std::string text;        // kProgress: the message; kLog: the line (no newline)
  std::uint64_t seq = 0;   // kAck: the message acknowledged
};

// Who receives an attempt's reports: the engine (one sink per shard; the tag says which
// attempt), or a callback (tests, tools). Called on the reporting thread: quick.
struct ReportTag {
  std::uint64_t run = 0;
  std::uint32_t task = 0;
  std::int32_t attempt = 0;
};
class AttemptReportSink {
 public:
  virtual void OnReport(const ReportTag& tag, AttemptReport report) = 0;

 protected:
  ~AttemptReportSink() = default;
};
class CallbackReportSink final : public AttemptReportSink {
 public:
  explicit CallbackReportSink(std::function<void(AttemptReport)> fn) : fn_(std::move(fn)) {}
  void OnReport(const ReportTag&, AttemptReport report) override { fn_(std::move(report)); }

 private:
  std::function<void(AttemptReport)> fn_;
};

class AttemptChannel {
 public:
  using Receiver = std::function<void(const ChannelMessage&)>;

  // Reports go to `sink` (which must outlive the channel), tagged; none: they are dropped.
  // Costs one allocation (the channel's own); the message queue is made on first use.
  explicit AttemptChannel(AttemptReportSink* sink = nullptr, ReportTag tag = {}) : sink_(sink), tag_(tag) {}
  AttemptChannel(const AttemptChannel&) = delete;
  AttemptChannel& operator=(const AttemptChannel&) = delete;

  // ---- cancellation (engine → attempt) ----
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  // Idempotent; runs the registered callbacks the first time and wakes Wait.
  void Cancel();
  void OnCancel(UniqueFunction<void()> cb);

  // ---- messages (engine → attempt) ----
  // Queues a message (or hands it to the receiver) and returns its sequence number: `seq`
  // when given (it must be above every earlier one), otherwise the next after the last.
  std::uint64_t Send(std::string kind, boost::json::value payload, std::uint64_t seq = 0);
  // The next message not yet read, if any.
  std::optional<ChannelMessage> Poll();
  // Waits up to `timeout` for the next message; nullopt on timeout or cancel. Blocks: only
  // from threads that may block (function workers, never a shard).
  std::optional<ChannelMessage> Wait(std::chrono::milliseconds timeout);
  // Pushes messages to `receiver` instead: first those queued, then each as it is sent.
  void OnMessage(Receiver receiver);

  // ---- reports (attempt → engine) ----
  void Progress(double fraction, std::string_view message);
  void Log(std::string_view stream, std::string_view line);
  void Ack(std::uint64_t seq);
  void Heartbeat();

 private:
  void Report(AttemptReport report) const {
    if (sink_ != nullptr) sink_->OnReport(tag_, std::move(report));
  }
  // Messages: most attempts never get one, so this is allocated on first use.
  struct Messages {
    std::deque<ChannelMessage> inbox;
    std::uint64_t next_seq = 1;
    Receiver receiver;
    bool delivering = false;  // a thread is running the receiver; it delivers what queues meanwhile
  };
  Messages& messages() {
    if (!messages_) messages_ = std::make_unique<Messages>();
    return *messages_;
  }
  void Flush(std::unique_lock<std::mutex>& lock);

  AttemptReportSink* const sink_;
  const ReportTag tag_;
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<UniqueFunction<void()>> on_cancel_;
  std::unique_ptr<Messages> messages_;
};

}  // namespace goclaw::exec
