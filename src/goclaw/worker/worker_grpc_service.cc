// WorkerService.Connect (worker_grpc_service.h): a reactor per stream and the link the hub
// pushes through.
#include "goclaw/worker/worker_grpc_service.h"

#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <variant>

#include "goclaw/core/canonical_code.h"
#include "goclaw/v1/common.pb.h"

namespace goclaw::worker {
namespace {

using Reactor = grpc::ServerBidiReactor<v1::WorkerMessage, v1::ServerMessage>;

// goclaw's error as a status carrying a serialized goclaw.v1.ErrorInfo; the code by
// core/canonical_code.h, the table api/grpc/grpc_status.h uses too (worker/ sits below api/ and
// may not include it).
grpc::Status StatusOf(const Error& e) {
  v1::ErrorInfo info;
  info.set_code(std::string(ErrorCodeName(e.code())));
  info.set_reason(e.reason());
  info.set_message(e.message());
  for (const auto& d : e.details()) {
    auto* v = info.add_field_violations();
    v->set_field(d.path);
    v->set_description(d.message);
  }
  return grpc::Status(static_cast<grpc::StatusCode>(CanonicalCodeOf(e.code())), e.message(),
                      info.SerializeAsString());
}

void ToProto(ServerMsg&& m, v1::ServerMessage* out) {
  std::visit(
      [out](auto&& msg) {
        using T = std::decay_t<decltype(msg)>;
        if constexpr (std::is_same_v<T, Welcome>) {
          auto* w = out->mutable_welcome();
          w->set_worker_id(std::move(msg.worker_id));
          w->set_heartbeat_interval_ms(msg.heartbeat_interval_ms);
          w->set_heartbeat_timeout_ms(msg.heartbeat_timeout_ms);
        } else if constexpr (std::is_same_v<T, Assignment>) {
          auto* a = out->mutable_assignment();
          a->set_attempt_id(std::move(msg.attempt_id));
          a->set_workflow_id(std::move(msg.workflow_id));
          a->set_task_id(std::move(msg.task_id));
          a->set_attempt(msg.attempt);
          a->set_queue(std::move(msg.queue));
          a->set_config_json(std::move(msg.config_json));
          a->set_input_json(std::move(msg.input_json));
          a->set_idempotency_key(std::move(msg.idempotency_key));
          a->set_timeout_ms(msg.timeout_ms);
          a->set_interrupt_json(std::move(msg.interrupt_json));
          for (auto& [k, v] : msg.trace) (*a->mutable_trace())[k] = std::move(v);
        } else if constexpr (std::is_same_v<T, AttemptSignal>) {
          auto* s = out->mutable_signal();
          s->set_attempt_id(std::move(msg.attempt_id));
          s->set_seq(msg.seq);
          s->set_kind(std::move(msg.kind));
          s->set_payload_json(std::move(msg.payload_json));
        } else if constexpr (std::is_same_v<T, AttemptCancel>) {
          auto* c = out->mutable_cancel();
          c->set_attempt_id(std::move(msg.attempt_id));
          c->set_reason(std::move(msg.reason));
        } else {
          static_assert(std::is_same_v<T, ResultAck>);
          auto* r = out->mutable_result_ack();
          r->set_attempt_id(std::move(msg.attempt_id));
          r->set_accepted(msg.accepted);
          r->set_reason(std::move(msg.reason));
        }
      },
      std::move(m));
}

// The hub's side of one stream. Send and Close only queue (the hub holds its lock); Flush
// starts the next write, or finishes the stream once everything queued is written. At most one
// write is outstanding, and Finish is called exactly once; after it nothing touches the reactor
// again (gRPC deletes it in OnDone, which comes only after Finish), so the hub may keep this
// object longer than the stream lives. StartWrite and Finish run without the mutex held: gRPC
// may run a reaction inline.
class StreamLink final : public WorkerLink {
 public:
  // Messages waiting for a worker at most. A worker that reads gets at most its capacity of
  // assignments plus their signals and acks; one that stops reading while it keeps sending
  // (refused results pile up acks) loses its stream instead of the server's memory.
  static constexpr std::size_t kMaxQueuedMessages = 10000;

  explicit StreamLink(Reactor* reactor) : reactor_(reactor) {}

  void Send(ServerMsg message) override {
    v1::ServerMessage pb;
    ToProto(std::move(message), &pb);
    std::lock_guard lock(mu_);
    if (closing_ || broken_) return;
    if (queue_.size() >= kMaxQueuedMessages) {  // it stopped reading: end it, do not grow
      queue_.clear();
      closing_ = true;
      status_ = grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                             "the worker reads too slowly: " + std::to_string(kMaxQueuedMessages) +
                                 " messages were waiting for it; reconnect");
      return;
    }
    queue_.push_back(std::move(pb));
  }

  void Close(const Error& why) override { CloseWith(StatusOf(why)); }

  void CloseWith(grpc::Status status) {
    std::lock_guard lock(mu_);
    if (closing_) return;
    closing_ = true;
    status_ = std::move(status);
  }

  void Flush() override {
    std::unique_lock lock(mu_);
    if (writing_ || finished_) return;
    if (!queue_.empty()) {
      writing_ = true;
      current_ = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      reactor_->StartWrite(&current_);
      return;
    }
    if (!closing_) return;
    finished_ = true;
    lock.unlock();
    reactor_->Finish(status_);
  }

  void WriteDone(bool ok) {
    {
      std::lock_guard lock(mu_);
      writing_ = false;
      if (!ok) {  // the stream broke: the read side sees it too and ends the worker
        broken_ = true;
        queue_.clear();
      }
    }
    Flush();
  }

  bool closing() const {
    std::lock_guard lock(mu_);
    return closing_;
  }

 private:
  Reactor* const reactor_;
  mutable std::mutex mu_;
  std::deque<v1::ServerMessage> queue_;
  v1::ServerMessage current_;  // being written
  bool writing_ = false;
  bool closing_ = false;
  bool finished_ = false;
  bool broken_ = false;
  grpc::Status status_;
};

}  // namespace

// Not in the anonymous namespace: OpenStreams (the header) names it.
class ConnectReactor final : public Reactor {
 public:
  ConnectReactor(WorkerHub& hub, const std::shared_ptr<OpenStreams>& open)
      : hub_(hub), open_(*open), link_(std::make_shared<StreamLink>(this)) {
    serial_ = open_.Add(this);
    // The timer may fire after this reactor and even the service are gone: it finds the
    // stream through the (weakly held) set, by serial.
    hub_.AfterHelloTimeout([weak = std::weak_ptr<OpenStreams>(open), self = this, serial = serial_] {
      if (auto streams = weak.lock()) streams->EndIfNoHello(self, serial);
    });
    StartRead(&in_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the worker half-closed, or the stream broke or was cancelled
      // The worker ended it: OK is the answer, sent once the hub has forgotten the worker.
      link_->CloseWith(grpc::Status::OK);
      if (!worker_id_.empty()) hub_.Disconnect(worker_id_, "its stream closed");
      link_->Flush();
      return;
    }
    if (link_->closing()) {  // the hub dropped the worker, or it overflowed: stop reading
      if (!worker_id_.empty()) hub_.Disconnect(worker_id_, "its stream was closed");  // (unknown ids are ignored)
      return;
    }
    if (worker_id_.empty()) {
      if (!OnHello()) return;
    } else if (!OnMessage()) {
      return;
    }
    StartRead(&in_);
  }

  void OnWriteDone(bool ok) override { link_->WriteDone(ok); }

  // Ends the stream (after what is queued) unless the hub closed it already.
  void End(grpc::Status status) {
    link_->CloseWith(std::move(status));
    link_->Flush();
  }

  void OnDone() override {
    open_.Remove(this);
    delete this;
  }

  std::uint64_t serial() const { return serial_; }
  bool said_something() const { return said_something_.load(std::memory_order_acquire); }

 private:
  bool OnHello() {
    said_something_.store(true, std::memory_order_release);
    if (in_.message_case() != v1::WorkerMessage::kHello) {
      End(StatusOf(Error(
          ErrorCode::kInvalidArgument, "the first message on a worker stream must be hello",
          {{"hello", "missing: say who the worker is (name, queues, capacity) first", 0, ""}})));
      return false;
    }
    v1::Hello* pb = in_.mutable_hello();
    Hello hello;
    hello.name = std::move(*pb->mutable_name());
    for (auto& q : *pb->mutable_queues()) hello.queues.push_back(std::move(q));
    hello.capacity = pb->capacity();
    for (auto& [k, v] : *pb->mutable_labels()) hello.labels.emplace(k, std::move(v));
    Result<std::string> id = hub_.Connect(std::move(hello), link_);
    if (!id) {
      End(StatusOf(id.error()));
      return false;
    }
    worker_id_ = std::move(*id);
    return true;
  }

  bool OnMessage() {
    switch (in_.message_case()) {
      case v1::WorkerMessage::kHello:
        link_->CloseWith(
            StatusOf(Error(ErrorCode::kInvalidArgument, "hello was sent twice on one stream",
                           {{"hello", "send it once, as the first message", 0, ""}})));
        hub_.Disconnect(worker_id_, "it broke the protocol (a second hello)");
        link_->Flush();
        return false;
      case v1::WorkerMessage::kProgress: {
        const auto& p = in_.progress();
        hub_.OnProgress(worker_id_, p.attempt_id(), p.fraction(), p.message());
        break;
      }
      case v1::WorkerMessage::kLog: {
        const auto& l = in_.log();
        hub_.OnLog(worker_id_, l.attempt_id(), l.stream(), l.line());
        break;
      }
      case v1::WorkerMessage::kAck:
        hub_.OnAck(worker_id_, in_.ack().attempt_id(), in_.ack().seq());
        break;
      case v1::WorkerMessage::kResult: {
        v1::AttemptResult* r = in_.mutable_result();
        hub_.OnResult(worker_id_,
                      WorkerResult{std::move(*r->mutable_attempt_id()), r->success(),
                                   std::move(*r->mutable_output_json()),
                                   std::move(*r->mutable_error_message()), r->retryable()});
        break;
      }
      case v1::WorkerMessage::kHeartbeat:
      case v1::WorkerMessage::MESSAGE_NOT_SET:  // from a newer worker: still a sign of life
        hub_.OnHeartbeat(worker_id_);
        break;
    }
    return true;
  }

  WorkerHub& hub_;
  OpenStreams& open_;
  std::shared_ptr<StreamLink> link_;
  v1::WorkerMessage in_;
  std::string worker_id_;
  std::uint64_t serial_ = 0;
  std::atomic<bool> said_something_{false};  // its first message arrived (read by the timer)
};

std::uint64_t OpenStreams::Add(ConnectReactor* r) {
  std::lock_guard lock(mu_);
  streams_.insert(r);
  return ++next_serial_;
}

void OpenStreams::Remove(ConnectReactor* r) {
  std::lock_guard lock(mu_);
  streams_.erase(r);
}

std::int64_t OpenStreams::size() const {
  std::lock_guard lock(mu_);
  return static_cast<std::int64_t>(streams_.size());
}

// Under the lock: a reactor leaves the set in OnDone before it is freed, and gRPC never runs
// OnDone inline from Finish, so End cannot wait on this lock.
void OpenStreams::EndAll() {
  std::lock_guard lock(mu_);
  for (ConnectReactor* r : streams_) {
    r->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "goclaw is shutting down; reconnect later"));
  }
}

// Under the lock, as EndAll: `r` is alive while it is in the set.
void OpenStreams::EndIfNoHello(ConnectReactor* r, std::uint64_t serial) {
  std::lock_guard lock(mu_);
  if (!streams_.contains(r) || r->serial() != serial || r->said_something()) return;
  r->End(StatusOf(Error(ErrorCode::kInvalidArgument,
                        "no hello within workers.heartbeat_timeout: the first message on a "
                        "worker stream must be hello",
                        {{"hello", "missing: say who the worker is (name, queues, capacity) "
                                   "as soon as the stream opens",
                          0, ""}})));
}

WorkerGrpcService::WorkerGrpcService(WorkerHub& hub) : hub_(hub), open_(std::make_shared<OpenStreams>()) {}
WorkerGrpcService::~WorkerGrpcService() = default;

grpc::ServerBidiReactor<v1::WorkerMessage, v1::ServerMessage>* WorkerGrpcService::Connect(
    grpc::CallbackServerContext* /*context*/) {
  return new ConnectReactor(hub_, open_);
}

std::int64_t WorkerGrpcService::open_streams() const { return open_->size(); }

void WorkerGrpcService::EndStreams() { open_->EndAll(); }

}  // namespace goclaw::worker
