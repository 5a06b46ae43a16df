// Worker (worker.h): option checks, the connect/read/reconnect loop, dispatch of what goclaw
// pushes, and running handlers on the pool.
#include "goclaw/sdk/worker.h"

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <semaphore.h>
#include <unistd.h>

#include "goclaw/sdk/backoff.h"
#include "goclaw/sdk/errors.h"
#include "goclaw/sdk/handler_pool.h"
#include "goclaw/sdk/session.h"
#include "goclaw/sdk/task_control.h"

namespace goclaw::sdk {
namespace {

using internal::TaskControl;

constexpr int kMaxCapacity = 10000;

bool ValidName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string DefaultName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
    std::snprintf(host, sizeof host, "worker");
  std::string name = std::string(host).substr(0, 100) + "-" + std::to_string(getpid());
  for (char& c : name) {
    if (!ValidName(std::string_view(&c, 1))) c = '-';
  }
  return name;
}

std::string Millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + "ms"; }

}  // namespace

class Worker::Impl {
 public:
  explicit Impl(WorkerOptions options) : options_(std::move(options)) {
    if (options_.name.empty()) options_.name = DefaultName();
    if (!options_.log) {
      options_.log = [name = options_.name](std::string_view line) {
        std::cerr << "goclaw worker " << name << ": " << line << "\n";
      };
    }
    sem_init(&stop_sem_, 0, 0);
  }
  ~Impl() { sem_destroy(&stop_sem_); }

  Status Check() const;
  Status Run();
  void Stop() {
    if (!stop_requested_.exchange(true)) sem_post(&stop_sem_);  // async-signal-safe
  }
  WorkerStats Stats() const;

  WorkerOptions options_;
  std::map<std::string, Handler> handlers_;

 private:
  struct Counters {
    std::atomic<std::int64_t> connections{0}, assignments{0}, results_sent{0}, results_accepted{0},
        results_refused{0}, abandoned{0}, signals{0}, dropped{0};
  };

  // One stream: Hello, Welcome, then what goclaw pushes until it breaks. Returns its status
  // and whether goclaw welcomed it.
  std::pair<grpc::Status, bool> Serve(v1::WorkerService::Stub& stub, const v1::Hello& hello);
  void Dispatch(const v1::ServerMessage& m, const std::shared_ptr<internal::Session>& session);
  void RunHandler(const std::shared_ptr<Task>& task);
  void AbandonAll(const std::string& reason);
  void DoStop();

  std::atomic<bool> stop_requested_{false};
  sem_t stop_sem_;
  std::unique_ptr<internal::HandlerPool> pool_;
  Counters counters_;

  mutable std::mutex mu_;  // guards what follows
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  bool connected_ = false;
  std::string worker_id_;
  std::shared_ptr<internal::Session> current_;
  std::unordered_map<std::string, std::shared_ptr<Task>> attempts_;  // by attempt id
};

Status Worker::Impl::Check() const {
  if (!ValidName(options_.name)) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "worker name \"" + options_.name + "\": expected 1 to 128 of A-Z a-z 0-9 . _ : -");
  }
  if (options_.capacity < 1 || options_.capacity > kMaxCapacity) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "worker capacity " + std::to_string(options_.capacity) + ": expected 1 to " +
                         std::to_string(kMaxCapacity));
  }
  if (options_.target.empty())
    return MakeError(ErrorCode::kInvalidArgument, "worker target is empty; expected host:port");
  if (options_.initial_backoff.count() <= 0 || options_.max_backoff < options_.initial_backoff ||
      options_.max_backoff > std::chrono::hours(1) || options_.welcome_timeout.count() <= 0) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "worker backoff and welcome timeout: expected 0 < initial_backoff <= max_backoff <= 1h and "
        "welcome_timeout > 0");
  }
  if (handlers_.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the worker serves no queue: call Handle(queue, handler) before Run");
  }
  for (const auto& [queue, handler] : handlers_) {
    if (!ValidName(queue)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "queue \"" + queue + "\": expected 1 to 128 of A-Z a-z 0-9 . _ : -");
    }
    if (!handler)
      return MakeError(ErrorCode::kInvalidArgument, "queue \"" + queue + "\" has an empty handler");
  }
  return OkStatus();
}

Status Worker::Impl::Run() {
  GOCLAW_RETURN_IF_ERROR(Check());
  v1::Hello hello;
  hello.set_name(options_.name);
  hello.set_capacity(options_.capacity);
  for (const auto& [queue, unused] : handlers_) hello.add_queues(queue);
  for (const auto& [k, v] : options_.labels) (*hello.mutable_labels())[k] = v;

  // gRPC's own reconnect backoff (default up to 120 s) would keep the channel failing fast
  // long after goclaw is back: bound it by ours.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
              static_cast<int>(options_.initial_backoff.count()));
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS,
              static_cast<int>(options_.initial_backoff.count()));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(options_.max_backoff.count()));
  auto channel =
      grpc::CreateCustomChannel(options_.target, grpc::InsecureChannelCredentials(), args);
  v1::WorkerService::Stub stub(channel);
  pool_ = std::make_unique<internal::HandlerPool>(options_.capacity);
  std::thread stopper([this] {
    while (sem_wait(&stop_sem_) != 0 && errno == EINTR) {
    }
    DoStop();
  });
  const std::uint64_t seed =
      options_.seed != 0
          ? options_.seed
          : static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  Backoff backoff(options_.initial_backoff, options_.max_backoff, seed);
  Status result = OkStatus();
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_ || stop_requested_.load()) break;
    }
    auto [status, welcomed] = Serve(stub, hello);
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    if (IsPermanent(status)) {
      Error e = ErrorFromStatus(status, options_.target);
      options_.log("goclaw refused the worker: " + e.ToString());
      result = MakeError(e);
      break;
    }
    if (welcomed) backoff.Reset();
    const std::chrono::milliseconds delay = backoff.Next();
    options_.log(std::string(welcomed ? "disconnected (" : "not connected (") +
                 ErrorFromStatus(status, options_.target).message() + "); connecting again in " +
                 Millis(delay));
    std::unique_lock lock(mu_);
    stop_cv_.wait_for(lock, delay, [this] { return stopping_; });
  }
  Stop();  // releases the stopper thread when Run ends on its own
  stopper.join();
  AbandonAll("shutdown");
  pool_->Shutdown();
  return result;
}

std::pair<grpc::Status, bool> Worker::Impl::Serve(v1::WorkerService::Stub& stub,
                                                  const v1::Hello& hello) {
  auto session = std::make_shared<internal::Session>(stub, options_.welcome_timeout);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return {grpc::Status(grpc::StatusCode::CANCELLED, "stopping"), false};
    current_ = session;
  }
  session->Start(hello);
  bool welcomed = false;
  v1::ServerMessage m;
  while (session->Read(&m)) {
    if (welcomed) {
      Dispatch(m, session);
      continue;
    }
    if (!m.has_welcome()) {
      options_.log("goclaw sent something before its Welcome; closing the stream");
      session->Cancel();
      continue;
    }
    welcomed = true;
    session->Welcomed(std::chrono::milliseconds(m.welcome().heartbeat_interval_ms()));
    ++counters_.connections;
    {
      std::lock_guard lock(mu_);
      connected_ = true;
      worker_id_ = m.welcome().worker_id();
    }
    options_.log("connected to " + options_.target + " as " + m.welcome().worker_id() +
                 " (capacity " + std::to_string(options_.capacity) + ", heartbeat every " +
                 Millis(std::chrono::milliseconds(m.welcome().heartbeat_interval_ms())) + ")");
  }
  grpc::Status status = session->Finish();
  if (session->welcome_timed_out()) {
    status = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                          "no Welcome within " + Millis(options_.welcome_timeout) + " of Hello");
  }
  counters_.dropped += static_cast<std::int64_t>(session->dropped());
  bool stopping = false;
  {
    std::lock_guard lock(mu_);
    connected_ = false;
    current_.reset();
    stopping = stopping_;
  }
  AbandonAll(stopping ? "shutdown" : "disconnected");
  return {status, welcomed};
}

void Worker::Impl::Dispatch(const v1::ServerMessage& m,
                            const std::shared_ptr<internal::Session>& session) {
  auto find = [this](const std::string& attempt_id) -> std::shared_ptr<Task> {
    std::lock_guard lock(mu_);
    auto it = attempts_.find(attempt_id);
    return it == attempts_.end() ? nullptr : it->second;
  };
  switch (m.message_case()) {
    case v1::ServerMessage::kAssignment: {
      ++counters_.assignments;
      std::shared_ptr<Task> task = TaskControl::Make(m.assignment(), session);
      {
        std::lock_guard lock(mu_);
        attempts_[task->attempt_id()] = task;
      }
      pool_->Submit([this, task] { RunHandler(task); });
      return;
    }
    case v1::ServerMessage::kSignal: {
      ++counters_.signals;
      const v1::AttemptSignal& s = m.signal();
      if (auto task = find(s.attempt_id())) {
        TaskControl::Deliver(
            *task, Signal{.seq = s.seq(), .kind = s.kind(), .payload_json = s.payload_json()});
      }
      return;
    }
    case v1::ServerMessage::kCancel:
      if (auto task = find(m.cancel().attempt_id())) {
        TaskControl::Cancel(*task, m.cancel().reason().empty() ? "cancelled" : m.cancel().reason());
      }
      return;
    case v1::ServerMessage::kResultAck:
      if (m.result_ack().accepted()) {
        ++counters_.results_accepted;
      } else {
        ++counters_.results_refused;
        options_.log("goclaw refused the result of " + m.result_ack().attempt_id() + ": " +
                     m.result_ack().reason());
      }
      return;
    default:  // a second Welcome, or a message this SDK does not know yet
      return;
  }
}

void Worker::Impl::RunHandler(const std::shared_ptr<Task>& task) {
  std::optional<Outcome> outcome;
  if (!TaskControl::Abandoned(*task)) {  // abandoned while queued: goclaw gave it to someone else
    auto it = handlers_.find(task->queue());
    try {
      outcome = it == handlers_.end()
                    ? Outcome::Failure(
                          "this worker has no handler for queue \"" + task->queue() + "\"", false)
                    : it->second(*task);
    } catch (const std::exception& e) {  // user code: its failure is the task's, not the worker's
      outcome = Outcome::Failure(std::string("the handler threw: ") + e.what());
    } catch (...) {
      outcome = Outcome::Failure("the handler threw something that is not a std::exception");
    }
  }
  {
    std::lock_guard lock(mu_);
    if (auto it = attempts_.find(task->attempt_id()); it != attempts_.end() && it->second == task)
      attempts_.erase(it);
  }
  if (!outcome || TaskControl::Abandoned(*task)) return;  // goclaw would refuse it
  if (task->cancelled()) {
    // goclaw cancelled it and took the credit back: a result now would be refused.
    options_.log("attempt " + task->attempt_id() + " cancelled by goclaw (" +
                 task->cancel_reason() + "); its result is not sent");
    return;
  }
  v1::WorkerMessage msg;
  v1::AttemptResult* r = msg.mutable_result();
  r->set_attempt_id(task->attempt_id());
  r->set_success(outcome->success());
  r->set_output_json(outcome->output_json());
  r->set_error_message(outcome->error_message());
  r->set_retryable(outcome->retryable());
  if (TaskControl::SessionOf(*task).Send(std::move(msg))) ++counters_.results_sent;
}

void Worker::Impl::AbandonAll(const std::string& reason) {
  std::unordered_map<std::string, std::shared_ptr<Task>> held;
  {
    std::lock_guard lock(mu_);
    held.swap(attempts_);
  }
  for (auto& [id, task] : held) TaskControl::Abandon(*task, reason);
  counters_.abandoned += static_cast<std::int64_t>(held.size());
  if (!held.empty()) {
    options_.log(std::to_string(held.size()) + " attempt(s) abandoned (" + reason +
                 "); goclaw runs them again");
  }
}

void Worker::Impl::DoStop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  if (current_) current_->Cancel();
  stop_cv_.notify_all();
}

WorkerStats Worker::Impl::Stats() const {
  WorkerStats s;
  {
    std::lock_guard lock(mu_);
    s.connected = connected_;
    s.worker_id = worker_id_;
  }
  s.connections = counters_.connections;
  s.assignments = counters_.assignments;
  s.results_sent = counters_.results_sent;
  s.results_accepted = counters_.results_accepted;
  s.results_refused = counters_.results_refused;
  s.attempts_abandoned = counters_.abandoned;
  s.signals_received = counters_.signals;
  s.reports_dropped = counters_.dropped;
  return s;
}

Worker::Worker(WorkerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Worker::~Worker() = default;

Worker& Worker::Handle(std::string queue, Handler handler) {
  impl_->handlers_[std::move(queue)] = std::move(handler);
  return *this;
}

Status Worker::Run() { return impl_->Run(); }
void Worker::Stop() { impl_->Stop(); }
WorkerStats Worker::stats() const { return impl_->Stats(); }
const std::string& Worker::name() const { return impl_->options_.name; }

}  // namespace goclaw::sdk
