// StreamLogs: the first request names a workflow (and optionally some of its tasks); the
// stream sends the lines its tasks' attempts reported (Engine::Logs: function log lines, exec
// stderr, http status lines, progress), then, with `follow`, each new line as the engine keeps
// it (the run feed's OnLog) until the workflow ends. Like the watch streams it listens before
// it reads, and drops live lines it already read (by their index in the task's log). stderr
// lines are WARN, the rest INFO; min_level filters. Later requests on the stream are ignored.
#include "goclaw/api/grpc/log_stream.h"

#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "goclaw/api/grpc/outbox_reactor.h"
#include "goclaw/api/grpc/proto_convert.h"
#include "goclaw/service/workflow_service.h"

namespace goclaw::api::grpc {
namespace {

constexpr std::size_t kEntriesPerMessage = 256;
constexpr std::size_t kMaxStashed = 65536;

using Base = ::grpc::ServerBidiReactor<v1::LogStreamRequest, v1::LogStreamResponse>;

v1::LogLevel LevelOf(std::string_view stream) { return stream == "stderr" ? v1::LOG_LEVEL_WARN : v1::LOG_LEVEL_INFO; }

struct Line {
  std::string task_id;
  int attempt = 0;
  std::size_t index = 0;
  Clock::WallTime time;
  std::string stream;
  std::string text;
};

class LogStream final : public OutboxReactor<Base, v1::LogStreamResponse>, public RunFeed::Listener {
 public:
  explicit LogStream(const GrpcContext& ctx) : ctx_(ctx), engine_(*ctx.services.engine) {}

  static Base* Start(const GrpcContext& ctx) {
    auto s = std::make_shared<LogStream>(ctx);
    s->Own(s);
    s->self_ = s;
    if (s->Register(*ctx.streams, /*counted=*/true)) s->StartRead(&s->request_);
    return s.get();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client closed its side (or went away) before asking for anything
      if (!opened_) End(InvalidField("workflow_id", "send a LogStreamRequest naming a workflow first"));
      return;
    }
    if (opened_) return;  // (not reached: only the first request is read)
    opened_ = true;
    auto self = self_.lock();
    if (!self || !ctx_.pool->Post([self] { self->Open(self); })) {
      End(::grpc::Status(::grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
    }
  }

  void OnLog(const engine::LogView& l) override {
    if (!tasks_.empty() && !tasks_.contains(l.task_id)) return;
    Line line{std::string(l.task_id), l.attempt, l.index, l.time, std::string(l.stream), std::string(l.text)};
    std::lock_guard lock(mu_);
    if (replaying_) {
      if (stash_.size() >= kMaxStashed) return End(::grpc::Status(::grpc::StatusCode::RESOURCE_EXHAUSTED, "too many lines arrived while the stored ones were read"));
      stash_.push_back(std::move(line));
      return;
    }
    std::vector<Line> one;
    one.push_back(std::move(line));
    SendLines(one);
  }

  void OnEvent(const engine::Event& e) override {
    if (e.kind != engine::EventKind::kWorkflowState || !engine::IsTerminal(e.workflow_to())) return;
    std::lock_guard lock(mu_);
    finished_ = true;
    if (!replaying_) End(::grpc::Status::OK);  // the lines of its attempts came before its end
  }

 private:
  // On the pool: check the request, listen (with follow), read the stored lines, go live.
  void Open(const std::shared_ptr<LogStream>& self) {
    const v1::LogStreamRequest& r = request_;
    const std::string& id = r.workflow_id();
    if (id.empty()) return End(InvalidField("workflow_id", "is required"));
    if (Status valid = service::WorkflowService::CheckId(id); !valid) {
      return End(Fail(Error(ErrorCode::kInvalidArgument, valid.error().message(), {{"workflow_id", "invalid workflow id", 0, ""}})));
    }
    if (!v1::LogLevel_IsValid(r.min_level())) return End(InvalidField("min_level", "unknown level " + std::to_string(r.min_level())));
    min_level_ = r.min_level();
    auto status = engine_.Get(id);
    if (!status) return End(Fail(status.error()));
    std::vector<std::string> tasks;
    for (int i = 0; i < r.task_ids_size(); ++i) {
      const std::string& t = r.task_ids(i);
      if (std::none_of(status->tasks.begin(), status->tasks.end(), [&](const auto& s) { return s.id == t; })) {
        return End(Fail(Error(ErrorCode::kNotFound, "workflow \"" + id + "\" has no task \"" + t + "\"",
                              {{IndexPath("task_ids", static_cast<std::size_t>(i)), "no such task", 0, ""}})));
      }
      tasks.push_back(t);
    }
    if (tasks.empty()) {
      for (const auto& t : status->tasks) tasks.push_back(t.id);
    } else {
      tasks_ = std::set<std::string, std::less<>>(tasks.begin(), tasks.end());
    }
    const bool follow = r.follow() && !engine::IsTerminal(status->state);
    if (follow) {
      // Not listening: gRPC finished with the stream before it could.
      if (!ctx_.feed->AddUnlessStopped(id, self, mu_, stopped_, handle_)) return;
    }
    std::vector<Line> stored;
    for (const std::string& t : tasks) {
      auto logs = engine_.Logs(id, t);
      if (!logs) return End(Fail(logs.error()));
      for (std::size_t i = 0; i < logs->lines.size(); ++i) {
        const engine::TaskLogLine& l = logs->lines[i];
        stored.push_back({t, l.attempt, i, l.time, l.stream, l.text});
      }
      read_[t] = logs->lines.size();
    }
    // Across tasks by time (a task's own lines keep their order).
    std::stable_sort(stored.begin(), stored.end(), [](const Line& a, const Line& b) { return a.time < b.time; });
    const bool done = !follow || [&] {
      auto now = engine_.Summary(id);
      return now && engine::IsTerminal(now->state);  // then every line came before: read or held
    }();
    std::lock_guard lock(mu_);
    SendLines(stored, /*catch_up=*/true);
    std::vector<Line> live;
    for (Line& l : stash_) {
      if (l.index >= read_[l.task_id]) live.push_back(std::move(l));
    }
    stash_.clear();
    SendLines(live, /*catch_up=*/true);
    replaying_ = false;
    if (done || finished_) End(::grpc::Status::OK);
  }

  // mu_ held (or before the stream is shared): entries at or above min_level, in batches.
  // `catch_up`: the stored lines (and those held while they were read), outside the budget of
  // live messages.
  void SendLines(const std::vector<Line>& lines, bool catch_up = false) {
    v1::LogStreamResponse batch;
    for (const Line& l : lines) {
      const v1::LogLevel level = LevelOf(l.stream);
      if (min_level_ != v1::LOG_LEVEL_UNSPECIFIED && level < min_level_) continue;
      v1::LogEntry* e = batch.add_entries();
      SetTimestamp(l.time, e->mutable_timestamp());
      e->set_level(level);
      e->set_workflow_id(request_.workflow_id());
      e->set_task_id(l.task_id);
      e->set_message(l.text);
      (*e->mutable_fields())["stream"] = l.stream;
      (*e->mutable_fields())["attempt"] = std::to_string(l.attempt);
      if (static_cast<std::size_t>(batch.entries_size()) >= kEntriesPerMessage) {
        Send(std::move(batch), catch_up);
        batch = v1::LogStreamResponse();
      }
    }
    if (batch.entries_size() > 0) Send(std::move(batch), catch_up);
  }

  void Stopped() override {
    std::uint64_t handle = 0;
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
      std::swap(handle, handle_);
    }
    if (handle != 0) ctx_.feed->Remove(request_.workflow_id(), handle);
  }

  const GrpcContext& ctx_;
  engine::Engine& engine_;
  std::weak_ptr<LogStream> self_;
  v1::LogStreamRequest request_;  // the first request (read once)
  bool opened_ = false;           // (reads complete one at a time)
  v1::LogLevel min_level_ = v1::LOG_LEVEL_UNSPECIFIED;
  std::set<std::string, std::less<>> tasks_;   // empty: every task; set before the feed listens
  std::map<std::string, std::size_t> read_;  // lines read per task (live ones below are dropped)
  std::mutex mu_;                 // before the outbox's
  bool replaying_ = true;
  bool finished_ = false;
  bool stopped_ = false;
  std::uint64_t handle_ = 0;
  std::vector<Line> stash_;
};

}  // namespace

Base* StartLogStream(const GrpcContext& ctx) { return LogStream::Start(ctx); }

}  // namespace goclaw::api::grpc
