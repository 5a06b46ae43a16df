// goclaw.v1.StreamingService: WatchWorkflow and WatchTasks replay a workflow's stored history
// after resume_from_sequence (Engine::Events) and then follow it live (the run feed), with no
// gap and no duplicate: the stream registers with the feed before it reads the history, holds
// what arrives meanwhile, and lets through only sequence numbers past the last it sent. The
// stream ends with OK after the workflow's terminal state. StreamLogs is in log_stream.cc.
#include <algorithm>
#include <mutex>
#include <set>
#include <vector>

#include "goclaw/api/grpc/grpc_services.h"
#include "goclaw/api/grpc/log_stream.h"
#include "goclaw/api/grpc/outbox_reactor.h"
#include "goclaw/api/grpc/proto_convert.h"
#include "goclaw/service/workflow_service.h"
#include "goclaw/v1/streaming.grpc.pb.h"

namespace goclaw::api::grpc {
namespace {

constexpr std::size_t kMaxStashed = 65536;  // live events held while the history is read

struct WatchRequest {
  std::string workflow_id;
  std::int64_t resume = 0;
  std::vector<std::string> task_ids;
  bool terminal_only = false;
};

void Fill(const engine::Event& e, v1::WorkflowStatusUpdate* out) {
  out->set_sequence_number(static_cast<std::int64_t>(e.seq));
  SetTimestamp(e.time, out->mutable_timestamp());
  out->set_workflow_id(e.workflow_id);
  out->set_status(ToProto(e.workflow_to()));
  out->set_previous_status(ToProto(e.workflow_from()));
  out->set_message(e.error);
}

void Fill(const engine::Event& e, v1::TaskProgressUpdate* out) {
  out->set_sequence_number(static_cast<std::int64_t>(e.seq));
  SetTimestamp(e.time, out->mutable_timestamp());
  out->set_workflow_id(e.workflow_id);
  out->set_task_id(e.task_id);
  out->set_status(ToProto(e.task_to()));
  out->set_previous_status(ToProto(e.task_from()));
  out->set_attempt(e.attempt);
  out->set_message(e.error);
  if (e.task_to() == engine::TaskState::kCompleted) out->set_progress_percent(100);
}

template <typename Resp>
class RunWatch final : public OutboxReactor<::grpc::ServerWriteReactor<Resp>, Resp>, public RunFeed::Listener {
 public:
  static ::grpc::ServerWriteReactor<Resp>* Start(const GrpcContext& ctx, WatchRequest request) {
    auto w = std::make_shared<RunWatch>(ctx, std::move(request));
    w->Own(w);
    const WatchRequest& r = w->request_;
    if (r.workflow_id.empty()) {
      w->End(InvalidField("workflow_id", "is required"));
    } else if (Status id = service::WorkflowService::CheckId(r.workflow_id); !id) {
      w->End(Fail(Error(id.error().code(), id.error().message(), {{"workflow_id", id.error().message(), 0, ""}})));
    } else if (r.resume < 0) {
      w->End(InvalidField("resume_from_sequence", "must not be negative (0: from the beginning)"));
    } else if (w->Register(*ctx.streams, /*counted=*/true)) {
      if (!ctx.pool->Post([w] { w->Open(w); })) w->End(::grpc::Status(::grpc::StatusCode::UNAVAILABLE, "shutting down"));
    }
    return w.get();
  }

  RunWatch(const GrpcContext& ctx, WatchRequest request)
      : ctx_(ctx), engine_(*ctx.services.engine), request_(std::move(request)),
        tasks_(request_.task_ids.begin(), request_.task_ids.end()), last_(static_cast<std::uint64_t>(request_.resume)) {}

  // The feed (shard thread): held while the history is read, else sent.
  void OnEvent(const engine::Event& e) override {
    std::lock_guard lock(mu_);
    if (replaying_) {
      if (stash_.size() >= kMaxStashed) return this->End(SlowClient());
      stash_.push_back(e);
      return;
    }
    Deliver(e);
  }

 private:
  static ::grpc::Status SlowClient() {
    return ::grpc::Status(::grpc::StatusCode::RESOURCE_EXHAUSTED, "too many events arrived while the history was read");
  }

  // On the pool: check the request, listen, read the history, then go live.
  void Open(const std::shared_ptr<RunWatch>& self) {
    const std::string& id = request_.workflow_id;
    auto summary = engine_.Summary(id);
    if (!summary) return this->End(Fail(summary.error()));
    if (!tasks_.empty()) {
      auto status = engine_.Get(id);
      if (!status) return this->End(Fail(status.error()));
      for (std::size_t i = 0; i < request_.task_ids.size(); ++i) {
        const std::string& t = request_.task_ids[i];
        if (std::none_of(status->tasks.begin(), status->tasks.end(), [&](const auto& s) { return s.id == t; })) {
          const std::string path = IndexPath("task_ids", i);
          return this->End(Fail(Error(ErrorCode::kNotFound, "workflow \"" + id + "\" has no task \"" + t + "\"",
                                      {{path, "no such task", 0, ""}})));
        }
      }
    }
    // Not listening: gRPC finished with the stream before it could.
    if (!ctx_.feed->AddUnlessStopped(id, self, mu_, stopped_, handle_)) return;
    auto history = engine_.Events(id, last_);
    if (!history) return this->End(Fail(history.error()));
    // A terminal state before resume_from_sequence: the client saw the end already. Whether
    // it did is only known from the whole history, read only then (the workflow finished).
    if (!HasEnd(*history)) {
      auto now = engine_.Summary(id);
      if (now && engine::IsTerminal(now->state)) {
        auto whole = engine_.Events(id, 0);
        if (!whole) return this->End(Fail(whole.error()));
        std::erase_if(*whole, [&](const engine::Event& e) { return e.seq <= last_; });
        if (!HasEnd(*whole)) ended_ = true;  // (its end was before the resume point)
        *history = std::move(*whole);
      }
    }
    std::lock_guard lock(mu_);
    catching_up_ = true;  // what is stored (and stashed meanwhile) goes out whatever its size
    for (const engine::Event& e : *history) Deliver(e);
    for (const engine::Event& e : stash_) Deliver(e);
    catching_up_ = false;
    stash_.clear();
    replaying_ = false;
    if (ended_) this->End(::grpc::Status::OK);
  }

  static bool HasEnd(const std::vector<engine::Event>& events) {
    return std::any_of(events.begin(), events.end(), [](const engine::Event& e) {
      return e.kind == engine::EventKind::kWorkflowState && engine::IsTerminal(e.workflow_to());
    });
  }

  // mu_ held. Each sequence number once, in order.
  void Deliver(const engine::Event& e) {
    if (e.seq <= last_ || ended_) return;
    last_ = e.seq;
    if (e.kind == engine::EventKind::kWorkflowState) {
      if constexpr (std::is_same_v<Resp, v1::WorkflowStatusUpdate>) {
        Resp update;
        Fill(e, &update);
        this->Send(std::move(update), catching_up_);
      }
      if (engine::IsTerminal(e.workflow_to())) {
        ended_ = true;
        this->End(::grpc::Status::OK);
      }
      return;
    }
    if constexpr (std::is_same_v<Resp, v1::TaskProgressUpdate>) {
      if (e.kind != engine::EventKind::kTaskState) return;
      if (!tasks_.empty() && !tasks_.contains(e.task_id)) return;
      if (request_.terminal_only && !engine::IsTerminal(e.task_to())) return;
      Resp update;
      Fill(e, &update);
      this->Send(std::move(update), catching_up_);
    }
  }

  void Stopped() override {
    std::uint64_t handle = 0;
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
      std::swap(handle, handle_);
    }
    if (handle != 0) ctx_.feed->Remove(request_.workflow_id, handle);
  }

  const GrpcContext& ctx_;
  engine::Engine& engine_;
  const WatchRequest request_;
  const std::set<std::string> tasks_;
  std::mutex mu_;  // before the outbox's
  bool replaying_ = true;
  bool catching_up_ = false;  // Open is sending the history and the stash
  bool stopped_ = false;
  bool ended_ = false;
  std::uint64_t last_;  // the last sequence number delivered (or skipped)
  std::uint64_t handle_ = 0;
  std::vector<engine::Event> stash_;
};

class StreamingGrpcService final : public v1::StreamingService::CallbackService {
 public:
  explicit StreamingGrpcService(const GrpcContext& ctx) : ctx_(ctx) {}

  ::grpc::ServerWriteReactor<v1::WorkflowStatusUpdate>* WatchWorkflow(::grpc::CallbackServerContext*,
                                                                      const v1::WatchWorkflowRequest* req) override {
    return RunWatch<v1::WorkflowStatusUpdate>::Start(
        ctx_, WatchRequest{.workflow_id = req->workflow_id(), .resume = req->resume_from_sequence()});
  }

  ::grpc::ServerWriteReactor<v1::TaskProgressUpdate>* WatchTasks(::grpc::CallbackServerContext*,
                                                                 const v1::WatchTasksRequest* req) override {
    return RunWatch<v1::TaskProgressUpdate>::Start(
        ctx_, WatchRequest{.workflow_id = req->workflow_id(),
                           .resume = req->resume_from_sequence(),
                           .task_ids = {req->task_ids().begin(), req->task_ids().end()},
                           .terminal_only = req->terminal_only()});
  }

  ::grpc::ServerBidiReactor<v1::LogStreamRequest, v1::LogStreamResponse>* StreamLogs(
      ::grpc::CallbackServerContext*) override {
    return StartLogStream(ctx_);
  }

 private:
  const GrpcContext ctx_;
};

}  // namespace

std::unique_ptr<::grpc::Service> NewStreamingService(const GrpcContext& ctx) {
  return std::make_unique<StreamingGrpcService>(ctx);
}

}  // namespace goclaw::api::grpc
