// Engine: submission, the per-shard scheduler, cancellation, queries and events.
#include "goclaw/engine/engine.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <shared_mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include <boost/json/serialize.hpp>

#include "goclaw/core/check.h"
#include "goclaw/core/uuid.h"
#include "goclaw/engine/builtin_executor.h"
#include "goclaw/engine/engine_metrics.h"
#include "goclaw/engine/function_executor.h"
#include "goclaw/engine/retry.h"
#include "goclaw/engine/shard.h"
#include "goclaw/engine/templating.h"
#include "goclaw/engine/workflow_run.h"
#include "goclaw/lane/multi_acquire.h"

namespace goclaw::engine {

using internal::ActiveTask;
using internal::MetricsRecorder;
using internal::TaskRun;
using internal::WorkflowRun;
using Index = dag::Plan::Index;

class Engine::Impl {
 public:
  explicit Impl(EngineOptions options) : options_(std::move(options)) {}

  Status Init() {
    if (options_.clock == nullptr) options_.clock = &system_clock_;
    if (options_.timers == nullptr) {
      owned_timers_ = std::make_unique<ThreadTimerQueue>();
      options_.timers = owned_timers_.get();
    }
    std::vector<config::LaneConfig> lanes = options_.lanes;
    bool has_default = false;
    for (const auto& l : lanes) has_default |= l.name == dag::kDefaultLane;
    if (!has_default) {
      config::LaneConfig def;
      def.name = std::string(dag::kDefaultLane);
      lanes.insert(lanes.begin(), def);
    }
    GOCLAW_ASSIGN_OR_RETURN(lanes_, lane::LaneRegistry::Create(lanes, clock(), timers()));
    int shards = options_.shards > 0 ? options_.shards
                                     : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    ids_ = std::make_unique<UuidGenerator>(clock(), options_.seed);
    builtin_ = std::make_unique<BuiltinExecutor>(clock(), timers());
    function_ = std::make_unique<FunctionExecutor>(functions_, options_.function_workers,
                                                   options_.logger);
    if (options_.exec.enabled) exec_ = std::make_unique<ExecExecutor>(options_.exec);
    HttpOptions http = options_.http;
    http.max_response_bytes = options_.max_output_bytes;
    GOCLAW_ASSIGN_OR_RETURN(http_, HttpExecutor::Create(std::move(http)));
    std::uint64_t seed = options_.seed != 0 ? options_.seed : std::random_device{}();
    for (int i = 0; i < shards; ++i) {
      local_.push_back(std::make_unique<ShardLocal>());
      local_.back()->rng.seed(seed + static_cast<std::uint64_t>(i));
      shards_.push_back(std::make_unique<Shard>(i));
    }
    return OkStatus();
  }

  // Order matters: nothing may call into a part that is already gone.
  ~Impl() {
    function_.reset();                            // workers joined; no more completions
    exec_.reset();                                // processes killed; no more completions
    http_.reset();                                // requests aborted; I/O thread joined
    if (owned_timers_) owned_timers_->Stop();     // no more timer callbacks (At still safe)
    for (auto& s : shards_) s->Stop();            // loops joined; later posts are dropped
    for (auto& l : local_) l->runs.clear();  // releases held permits
    if (lanes_) lanes_->CloseAll(lane::CloseMode::kCancel);  // fails waiting acquisitions,
                                                             // which release partial permits
    shards_.clear();  // destroys posted work that was never run (and the permits it carried)
  }

  const Clock& clock() const { return *options_.clock; }
  TimerQueue& timers() { return *options_.timers; }
  lane::LaneRegistry& lanes() { return *lanes_; }

  Status RegisterFunction(std::string name, TaskFunction fn, bool inline_on_shard) {
    std::lock_guard lock(functions_mu_);
    return functions_.Register(std::move(name), std::move(fn), inline_on_shard);
  }

  Result<std::string> Submit(std::shared_ptr<const dag::Plan> shared_plan, boost::json::object input) {
    GOCLAW_CHECK(shared_plan != nullptr);
    const dag::Plan& plan = *shared_plan;
    GOCLAW_RETURN_IF_ERROR(CheckExecutors(plan));
    boost::json::object merged = plan.spec().input;
    for (auto& kv : input) merged[kv.key()] = std::move(kv.value());
    auto run = std::make_unique<WorkflowRun>(std::move(shared_plan));
    run->id = "wf-" + ids_->Next().ToString();
    run->handle = next_handle_.fetch_add(1, std::memory_order_relaxed);
    run->input = std::make_shared<const boost::json::value>(std::move(merged));
    run->created_at = clock().Now();
    run->tasks.resize(plan.task_count());
    // Pending -> ready -> queued -> running -> completed, plus the workflow's own: reserved
    // once (the pages are touched only as events arrive) instead of grown by copying.
    run->events.reserve(plan.task_count() * 4 + 4);
    run->unfinished = plan.task_count();
    for (Index i = 0; i < plan.task_count(); ++i) {
      run->tasks[i].waiting_for = static_cast<std::uint32_t>(plan.upstream(i).size());
    }
    std::string id = run->id;
    {
      std::lock_guard lock(summaries_mu_);
      summaries_[id] = WorkflowSummary{id, plan.spec().name, WorkflowState::kPending,
                                       run->created_at, plan.task_count()};
      ++state_counts_[static_cast<std::size_t>(WorkflowState::kPending)];
    }
    const std::size_t s = ShardOf(id);
    run->shard = static_cast<std::uint32_t>(s);
    shards_[s]->Post([this, s, run = std::move(run)]() mutable {
      WorkflowRun* r = run.get();
      local_[s]->metrics.WorkflowArrived(r->tasks.size());
      local_[s]->by_handle.emplace(r->handle, r);
      local_[s]->runs.emplace(r->id, std::move(run));
      StartWorkflow(s, *r);
    });
    return id;
  }

  // Runs `fn(run)` on the workflow's shard and waits for its answer.
  template <typename T>
  Result<T> OnShard(const std::string& id, std::function<Result<T>(WorkflowRun&)> fn) {
    if (!Known(id)) return MakeError(ErrorCode::kNotFound, "no workflow \"" + id + "\"");
    const std::size_t s = ShardOf(id);
    GOCLAW_CHECK(!shards_[s]->OnShardThread());
    std::promise<Result<T>> promise;
    auto future = promise.get_future();
    shards_[s]->Post([this, s, &id, &fn, &promise] {
      auto it = local_[s]->runs.find(id);
      if (it == local_[s]->runs.end()) {
        // Submitted but not yet on its shard cannot happen: Post keeps order. Unknown id:
        promise.set_value(MakeError(ErrorCode::kNotFound, "no workflow \"" + id + "\""));
        return;
      }
      promise.set_value(fn(*it->second));
    });
    return future.get();
  }

  bool Known(const std::string& id) const {
    std::lock_guard lock(summaries_mu_);
    return summaries_.contains(id);
  }

  Result<WorkflowStatus> Get(const std::string& id) {
    return OnShard<WorkflowStatus>(id, [this](WorkflowRun& r) -> Result<WorkflowStatus> {
      return Snapshot(r);
    });
  }

  Result<std::vector<Event>> Events(const std::string& id) {
    return OnShard<std::vector<Event>>(id, [](WorkflowRun& r) -> Result<std::vector<Event>> {
      std::vector<Event> out;
      out.reserve(r.events.size());
      for (std::size_t k = 0; k < r.events.size(); ++k) out.push_back(ToEvent(r, r.events[k], k + 1));
      return out;
    });
  }

  Status Cancel(const std::string& id) {
    auto r = OnShard<bool>(id, [this](WorkflowRun& run) -> Result<bool> {
      if (IsTerminal(run.state)) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "workflow \"" + run.id + "\" already " +
                             std::string(WorkflowStateName(run.state)));
      }
      CancelWorkflow(run);
      return true;
    });
    if (!r) return MakeError(r.error());
    return OkStatus();
  }

  Result<WorkflowStatus> Wait(const std::string& id, std::optional<std::chrono::milliseconds> timeout) {
    if (!Known(id)) return MakeError(ErrorCode::kNotFound, "no workflow \"" + id + "\"");
    {
      std::unique_lock lock(summaries_mu_);
      auto done = [&] { return IsTerminal(summaries_.at(id).state); };
      if (timeout) {
        if (!finished_cv_.wait_for(lock, *timeout, done)) {
          return MakeError(ErrorCode::kDeadlineExceeded,
                           "workflow \"" + id + "\" did not finish within the wait timeout");
        }
      } else {
        finished_cv_.wait(lock, done);
      }
    }
    return Get(id);
  }

  Result<WorkflowSummary> Summary(const std::string& id) const {
    std::lock_guard lock(summaries_mu_);
    auto it = summaries_.find(id);
    if (it == summaries_.end()) return MakeError(ErrorCode::kNotFound, "no workflow \"" + id + "\"");
    return it->second;
  }

  ListResult List(const ListFilter& f) const {
    ListResult out;
    std::size_t skipped = 0;
    std::lock_guard lock(summaries_mu_);
    for (const auto& [id, s] : summaries_) {
      if (f.state && s.state != *f.state) continue;
      if (!f.name.empty() && s.name != f.name) continue;
      if (f.created_after && s.created_at < *f.created_after) continue;
      if (f.created_before && s.created_at >= *f.created_before) continue;
      ++out.total;
      if (!f.after_id.empty() && id <= f.after_id) continue;
      if (skipped < f.offset) {
        ++skipped;
        continue;
      }
      if (out.workflows.size() < f.limit) out.workflows.push_back(s);
    }
    return out;
  }

  std::array<std::size_t, kWorkflowStateCount> CountByState() const {
    std::lock_guard lock(summaries_mu_);
    return state_counts_;
  }

  EngineMetrics Metrics() {
    std::vector<std::promise<EngineMetrics>> answers(shards_.size());
    for (std::size_t s = 0; s < shards_.size(); ++s) {
      GOCLAW_CHECK(!shards_[s]->OnShardThread());
      shards_[s]->Post([this, s, &answers] { answers[s].set_value(local_[s]->metrics.Snapshot()); });
    }
    EngineMetrics total;
    for (auto& a : answers) total.Merge(a.get_future().get());
    return total;
  }

  std::uint64_t Subscribe(EventCallback cb) {
    std::unique_lock lock(subscribers_mu_);
    subscribers_.emplace(++next_subscriber_, std::move(cb));
    subscriber_count_.store(subscribers_.size(), std::memory_order_release);
    return next_subscriber_;
  }
  void Unsubscribe(std::uint64_t handle) {
    std::unique_lock lock(subscribers_mu_);
    subscribers_.erase(handle);
    subscriber_count_.store(subscribers_.size(), std::memory_order_release);
  }

 private:
  std::size_t ShardOf(const std::string& id) const {
    return std::hash<std::string>{}(id) % shards_.size();
  }

  // Refuses, before anything runs, workflows with tasks this engine has no executor for.
  Status CheckExecutors(const dag::Plan& plan) const {
    std::vector<ErrorDetail> details;
    for (Index i = 0; i < plan.task_count(); ++i) {
      dag::TaskType type = plan.task(i).type;
      if (type == dag::TaskType::kBuiltin || type == dag::TaskType::kFunction) continue;
      if (type == dag::TaskType::kExec && exec_) continue;
      if (type == dag::TaskType::kHttp) continue;
      std::string why = type == dag::TaskType::kExec
                            ? "exec tasks are disabled; set executors.exec.enabled: true and list "
                              "the command in executors.exec.allow"
                            : "this engine runs builtin, function, http and (when enabled) exec "
                              "tasks";
      details.push_back({"tasks[" + std::to_string(i) + "].type",
                         "task \"" + plan.task(i).id + "\" has type " +
                             std::string(dag::TaskTypeName(type)) + ", which cannot run here: " +
                             why,
                         0, ""});
    }
    if (details.empty()) return OkStatus();
    return MakeError(Error(ErrorCode::kInvalidArgument,
                           "workflow has tasks without an executor", std::move(details)));
  }

  // True when `v` certainly serializes to at most `limit` bytes, judged without serializing:
  // counted bytes times 6 (the worst JSON escaping, "\u00XX") stay within the limit. Most
  // outputs are far below it; only the others pay for an exact serialization.
  static bool SurelyFits(const boost::json::value& v, std::size_t limit) {
    std::size_t budget = limit / 6;
    std::vector<const boost::json::value*> stack{&v};
    std::size_t used = 0;
    while (!stack.empty()) {
      const boost::json::value* cur = stack.back();
      stack.pop_back();
      if (const auto* s = cur->if_string()) {
        used += s->size() + 2;
      } else if (const auto* o = cur->if_object()) {
        used += 2;
        for (const auto& kv : *o) {
          used += kv.key().size() + 4;
          stack.push_back(&kv.value());
        }
      } else if (const auto* a = cur->if_array()) {
        used += 2 + a->size();
        for (const auto& item : *a) stack.push_back(&item);
      } else {
        used += 24;  // numbers, booleans, null
      }
      if (used > budget) return false;
    }
    return true;
  }

  // ---- events and transitions (shard thread) ----

  static Event ToEvent(const WorkflowRun& run, const internal::StoredEvent& s, std::uint64_t seq) {
    bool wf = s.task == internal::StoredEvent::kWorkflow;
    auto name = [wf](std::uint8_t state) {
      return std::string(wf ? WorkflowStateName(static_cast<WorkflowState>(state))
                            : TaskStateName(static_cast<TaskState>(state)));
    };
    return Event{seq, run.id, wf ? std::string() : run.plan.task(s.task).id, name(s.from),
                 name(s.to), s.attempt, s.time, run.messages[s.error]};
  }

  void Emit(WorkflowRun& run, std::uint32_t task, std::uint8_t from, std::uint8_t to, int attempt,
            Clock::WallTime now, std::uint32_t error) {
    run.events.push_back({now, task, attempt, error, from, to});
    if (subscriber_count_.load(std::memory_order_acquire) == 0) return;  // no lock when nobody listens
    std::shared_lock lock(subscribers_mu_);
    if (subscribers_.empty()) return;
    Event e = ToEvent(run, run.events.back(), run.events.size());
    for (const auto& [handle, cb] : subscribers_) cb(e);
  }

  void SetWorkflowState(WorkflowRun& run, WorkflowState to) {
    GOCLAW_CHECK(CanTransition(run.state, to));
    WorkflowState from = run.state;
    run.state = to;
    const Clock::WallTime now = clock().Now();
    if (to == WorkflowState::kRunning) run.started_at = now;
    if (IsTerminal(to)) run.finished_at = now;
    Emit(run, internal::StoredEvent::kWorkflow, static_cast<std::uint8_t>(from),
         static_cast<std::uint8_t>(to), 0, now,
         to == WorkflowState::kFailed ? run.AddMessage(run.error) : 0);
    local_[run.shard]->metrics.WorkflowMoved(from, to);
    {
      std::lock_guard lock(summaries_mu_);
      summaries_[run.id].state = to;
      --state_counts_[static_cast<std::size_t>(from)];
      ++state_counts_[static_cast<std::size_t>(to)];
    }
    if (IsTerminal(to)) finished_cv_.notify_all();
  }

  void SetTaskState(WorkflowRun& run, Index i, TaskState to, std::string error = {}) {
    TaskRun& t = run.tasks[i];
    GOCLAW_CHECK(CanTransition(t.state, to));
    TaskState from = t.state;
    t.state = to;
    const Clock::WallTime now = clock().Now();  // one clock read per transition
    if (to == TaskState::kRunning && t.started_at == Clock::WallTime{}) t.started_at = now;
    MetricsRecorder& metrics = local_[run.shard]->metrics;
    metrics.TaskMoved(from, to);
    if (t.active) RecordTimings(metrics, run.plan.task(i), from, to, now, *t.active);
    const std::uint32_t message = run.AddMessage(std::move(error));
    if (IsTerminal(to)) {
      t.finished_at = now;
      t.error = message;
      t.active.reset();
      --run.unfinished;
    }
    Emit(run, i, static_cast<std::uint8_t>(from), static_cast<std::uint8_t>(to), t.attempts, now,
         message);
  }

  // Queue wait (queued -> running) and attempt duration (running -> anything) per type and lane.
  static void RecordTimings(MetricsRecorder& metrics, const dag::TaskSpec& spec, TaskState from,
                            TaskState to, Clock::WallTime now, ActiveTask& active) {
    const double seconds = std::chrono::duration<double>(now - active.since).count();
    if (to == TaskState::kQueued) {
      active.since = now;
    } else if (from == TaskState::kQueued && to == TaskState::kRunning) {
      metrics.QueueWait(spec.type, spec.lane, seconds);
      active.since = now;
    } else if (from == TaskState::kRunning) {
      metrics.AttemptDuration(spec.type, spec.lane, seconds);
    }
  }

  // ---- scheduling (shard thread) ----

  void StartWorkflow(std::size_t s, WorkflowRun& run) {
    SetWorkflowState(run, WorkflowState::kScheduled);
    SetWorkflowState(run, WorkflowState::kRunning);
    for (Index i : run.plan.roots()) MakeReady(s, run, i);
    MaybeFinish(run);
  }

  void MakeReady(std::size_t s, WorkflowRun& run, Index i) {
    if (run.state != WorkflowState::kRunning) return;
    TaskRun& t = run.tasks[i];
    const dag::TaskSpec& spec = run.plan.task(i);
    auto resolved = ResolveTemplates(
        boost::json::value(spec.config),
        [&run](std::string_view kind, std::string_view id) -> const boost::json::value* {
          if (kind == "input") return run.input.get();
          auto j = run.plan.Find(id);
          if (!j || run.tasks[*j].state != TaskState::kCompleted) return nullptr;
          return &run.tasks[*j].output;
        });
    if (!resolved) {
      TaskFailed(s, run, i, "resolving config: " + resolved.error().message());
      return;
    }
    t.config = std::move(*resolved);
    SetTaskState(run, i, TaskState::kReady);
    Enqueue(s, run, i);
  }

  void Enqueue(std::size_t s, WorkflowRun& run, Index i) {
    TaskRun& t = run.tasks[i];
    const dag::TaskSpec& spec = run.plan.task(i);
    std::vector<lane::LaneClaim> claims;
    auto main_lane = lanes_->Resolve(spec.lane);
    if (!main_lane) {
      SetTaskState(run, i, TaskState::kQueued);
      TaskFailed(s, run, i, main_lane.error().message());
      return;
    }
    claims.push_back({std::move(*main_lane), 1});
    if (!spec.session.empty()) {
      if (auto session = lanes_->Resolve("session:" + spec.session)) {
        claims.push_back({std::move(*session), 1});
      }
    }
    if (!t.active) t.active = std::make_unique<ActiveTask>();
    SetTaskState(run, i, TaskState::kQueued);
    const std::uint64_t h = run.handle;
    const int attempt = t.attempts + 1;
    if (claims.size() == 1) {
      // Fast path: one lane with room now (TryAcquire never overtakes anyone waiting).
      if (auto permit = claims[0].lane.TryAcquire({.priority = spec.priority})) {
        OnAdmitted(s, run, i, attempt, ToPermitSet(std::move(*permit)));
        return;
      }
      // One lane, no room: wait in it directly (no multi-lane acquisition object; a million
      // queued tasks feel the difference).
      t.active->ticket = claims[0].lane.Acquire(
          {.priority = spec.priority}, [this, s, h, i, attempt](Result<lane::Permit> permit) mutable {
            if (permit) {
              Deliver(s, {h, i, attempt, std::move(*permit)});
              return;
            }
            PostToRun(s, h, [this, s, i, attempt, permit = std::move(permit)](WorkflowRun& r) mutable {
              OnAdmitted(s, r, i, attempt, ToPermitSet(std::move(permit)));
            });
          });
      return;
    }
    t.active->acquisition = lane::AcquireAll(
        std::move(claims), {.priority = spec.priority},
        [this, s, h, i, attempt](Result<lane::PermitSet> permits) mutable {
          PostToRun(s, h, [this, s, i, attempt, permits = std::move(permits)](WorkflowRun& r) mutable {
            OnAdmitted(s, r, i, attempt, std::move(permits));
          });
        });
  }

  void OnAdmitted(std::size_t s, WorkflowRun& run, Index i, int attempt,
                  Result<lane::PermitSet> permits) {
    TaskRun& t = run.tasks[i];
    if (t.state != TaskState::kQueued || t.attempts + 1 != attempt) return;  // cancelled
    t.active->acquisition.reset();
    t.active->ticket = lane::Ticket();
    if (!permits) {
      TaskFailed(s, run, i, permits.error().message());
      return;
    }
    t.active->permits.emplace(std::move(*permits));
    ++t.attempts;
    t.active->cancel = std::make_shared<CancellationSource>();
    const dag::TaskSpec& spec = run.plan.task(i);
    Attempt a;
    a.workflow_id = run.id;
    a.task_id = spec.id;
    a.number = t.attempts;
    a.idempotency_key = run.id + "/" + spec.id + "/" + std::to_string(t.attempts);
    a.type = spec.type;
    a.config = t.config;
    a.input = run.input;
    a.cancel = t.active->cancel;
    const std::uint64_t h = run.handle;
    if (spec.timeout) {
      timers().At(clock().SteadyNow() + *spec.timeout, [this, s, h, i, attempt] {
        PostToRun(s, h, [this, s, i, attempt](WorkflowRun& r) {
          TaskRun& task = r.tasks[i];
          if (task.state != TaskState::kRunning || task.attempts != attempt) return;
          task.active->cancel->Cancel();
          OnAttemptDone(s, r, i, attempt,
                        AttemptResult::Fail(ErrorCode::kDeadlineExceeded,
                                            "attempt timed out after " +
                                                FormatDuration(*r.plan.task(i).timeout),
                                            true));
        });
      });
    }
    // The event goes out once the timeout is armed, so whoever sees "running" may rely on it.
    SetTaskState(run, i, TaskState::kRunning);
    ShardLocal& local = *local_[s];
    WorkflowRun* run_ptr = &run;
    const bool outermost = !local.in_start;
    local.in_start = true;
    ExecutorFor(spec.type).Start(std::move(a), [this, s, h, i, attempt, run_ptr](AttemptResult result) mutable {
      ShardLocal& l = *local_[s];
      if (shards_[s]->OnShardThread() && l.in_start) {
        // Finished while Start ran (noop, echo, inline functions): handled right after it
        // returns, without a trip through the shard's queue. The run cannot go away meanwhile.
        l.completions.push_back({run_ptr, i, attempt, std::move(result)});
        return;
      }
      PostToRun(s, h, [this, s, i, attempt, result = std::move(result)](WorkflowRun& r) mutable {
        OnAttemptDone(s, r, i, attempt, std::move(result));
      });
    });
    if (!outermost) return;  // the outermost Start's loop below handles what this one queued
    // A trampoline, not recursion: completing a task readies and starts the next ones, whose
    // synchronous completions queue up here (a 1M-task chain would otherwise overflow the stack).
    while (!local.completions.empty()) {
      Completion c = std::move(local.completions.front());
      local.completions.pop_front();
      OnAttemptDone(s, *c.run, c.task, c.attempt, std::move(c.result));
    }
    local.in_start = false;
  }

  Executor& ExecutorFor(dag::TaskType type) {
    if (type == dag::TaskType::kFunction) return *function_;
    if (type == dag::TaskType::kExec) return *exec_;  // Submit checked that it exists
    if (type == dag::TaskType::kHttp) return *http_;
    GOCLAW_CHECK(type == dag::TaskType::kBuiltin);     // Submit admits nothing else
    return *builtin_;
  }

  void OnAttemptDone(std::size_t s, WorkflowRun& run, Index i, int attempt, AttemptResult result) {
    TaskRun& t = run.tasks[i];
    if (t.state != TaskState::kRunning || t.attempts != attempt) return;  // stale
    // The permits go back now; the rest of the attempt's state (its start time) lives until
    // the task leaves `running`.
    t.active->permits.reset();
    t.active->cancel.reset();
    if (result.output && !SurelyFits(*result.output, options_.max_output_bytes)) {
      std::size_t size = boost::json::serialize(*result.output).size();
      if (size > options_.max_output_bytes) {
        result = AttemptResult::Fail(ErrorCode::kResourceExhausted,
                                     "output is " + std::to_string(size) +
                                         " bytes; the limit is " +
                                         std::to_string(options_.max_output_bytes),
                                     false);
      }
    }
    if (result.output) {
      t.output = std::move(*result.output);
      SetTaskState(run, i, TaskState::kCompleted);
      ReleaseDownstream(s, run, i);
      MaybeFinish(run);
      return;
    }
    const dag::TaskSpec& spec = run.plan.task(i);
    std::string error = result.output.error().message();
    if (result.retryable && t.attempts <= spec.retries.max_retries &&
        run.state == WorkflowState::kRunning) {
      Millis delay = RetryDelay(spec.retries, t.attempts, local_[s]->rng);
      const std::uint64_t h = run.handle;
      timers().At(clock().SteadyNow() + delay, [this, s, h, i] {
        PostToRun(s, h, [this, s, i](WorkflowRun& r) {
          if (r.tasks[i].state == TaskState::kRetrying) Enqueue(s, r, i);
        });
      });
      // After arming the timer (it posts to this shard, so it cannot act before this returns).
      SetTaskState(run, i, TaskState::kRetrying, error);
      t.active.reset();
      return;
    }
    TaskFailed(s, run, i, error);
  }

  void ReleaseDownstream(std::size_t s, WorkflowRun& run, Index i) {
    for (Index d : run.plan.downstream(i)) {
      if (--run.tasks[d].waiting_for == 0 && run.tasks[d].state == TaskState::kPending) {
        MakeReady(s, run, d);
      }
    }
  }

  // A task failed for good: either its dependents go on without it (on_failure: continue), or
  // everything downstream is skipped and the workflow will fail.
  void TaskFailed(std::size_t s, WorkflowRun& run, Index i, std::string error) {
    const dag::TaskSpec& spec = run.plan.task(i);
    SetTaskState(run, i, TaskState::kFailed, error);
    if (spec.on_failure == dag::OnFailure::kContinue) {
      ReleaseDownstream(s, run, i);
    } else {
      if (run.error.empty()) run.error = "task \"" + spec.id + "\" failed: " + error;
      std::vector<Index> stack(run.plan.downstream(i).begin(), run.plan.downstream(i).end());
      while (!stack.empty()) {
        Index d = stack.back();
        stack.pop_back();
        if (run.tasks[d].state != TaskState::kPending) continue;
        SetTaskState(run, d, TaskState::kSkipped, "upstream task \"" + spec.id + "\" failed");
        for (Index dd : run.plan.downstream(d)) stack.push_back(dd);
      }
    }
    MaybeFinish(run);
  }

  void CancelWorkflow(WorkflowRun& run) {
    for (Index i = 0; i < run.plan.task_count(); ++i) {
      TaskRun& t = run.tasks[i];
      if (IsTerminal(t.state)) continue;
      if (t.active) {
        if (t.active->acquisition) t.active->acquisition->Cancel();
        if (!t.active->ticket.empty()) t.active->ticket.Cancel();
        if (t.active->cancel) t.active->cancel->Cancel();
      }
      // SetTaskState times the cancelled attempt, then releases what the task held.
      SetTaskState(run, i, TaskState::kCancelled, "workflow cancelled");
    }
    if (run.error.empty()) run.error = "cancelled";
    SetWorkflowState(run, WorkflowState::kCancelled);
  }

  void MaybeFinish(WorkflowRun& run) {
    if (run.unfinished > 0 || run.state != WorkflowState::kRunning) return;
    SetWorkflowState(run, run.error.empty() ? WorkflowState::kCompleted : WorkflowState::kFailed);
  }

  struct Admission {
    std::uint64_t handle;
    Index task;
    int attempt;
    lane::Permit permit;
  };

  // Hands a lane admission to shard `s`. Any thread. Admissions are batched through the
  // shard's inbox: opening a lane with a million waiters costs a million 32-byte entries and a
  // few posts, not a million queued closures.
  void Deliver(std::size_t s, Admission a) {
    ShardLocal& l = *local_[s];
    bool post = false;
    {
      std::lock_guard lock(l.inbox_mu);
      l.inbox.push_back(std::move(a));
      post = !std::exchange(l.inbox_posted, true);
    }
    if (post) shards_[s]->Post([this, s] { DrainInbox(s); });
  }

  // Handles up to kInboxBatch admissions, then yields the shard to other work (queries,
  // completions) and comes back for the rest.
  void DrainInbox(std::size_t s) {
    constexpr std::size_t kInboxBatch = 1024;
    ShardLocal& l = *local_[s];
    std::vector<Admission> batch;
    bool more = false;
    {
      std::lock_guard lock(l.inbox_mu);
      std::size_t n = std::min(kInboxBatch, l.inbox.size());
      batch.reserve(n);
      for (std::size_t k = 0; k < n; ++k) {
        batch.push_back(std::move(l.inbox.front()));
        l.inbox.pop_front();
      }
      more = !l.inbox.empty();
      l.inbox_posted = more;
    }
    if (more) shards_[s]->Post([this, s] { DrainInbox(s); });
    for (Admission& a : batch) {
      auto it = l.by_handle.find(a.handle);
      if (it == l.by_handle.end()) continue;  // the permit goes back with `batch`
      OnAdmitted(s, *it->second, a.task, a.attempt, ToPermitSet(std::move(a.permit)));
    }
  }

  // Runs `fn(run)` on shard `s` if the workflow is still there. Any thread.
  template <typename F>
  void PostToRun(std::size_t s, std::uint64_t handle, F&& fn) {
    shards_[s]->Post([this, s, handle, fn = std::forward<F>(fn)]() mutable {
      auto& by_handle = local_[s]->by_handle;
      auto it = by_handle.find(handle);
      if (it != by_handle.end()) fn(*it->second);
    });
  }

  static Result<lane::PermitSet> ToPermitSet(Result<lane::Permit> permit) {
    if (!permit) return tl::unexpected<Error>(permit.error());
    std::vector<lane::Permit> permits;
    permits.push_back(std::move(*permit));
    return lane::PermitSet(std::move(permits));
  }

  static std::optional<Clock::WallTime> Optional(Clock::WallTime t) {
    if (t == Clock::WallTime{}) return std::nullopt;
    return t;
  }

  WorkflowStatus Snapshot(const WorkflowRun& run) const {
    WorkflowStatus st;
    st.id = run.id;
    st.name = run.plan.spec().name;
    st.state = run.state;
    st.created_at = run.created_at;
    st.started_at = run.started_at;
    st.finished_at = run.finished_at;
    st.error = run.error;
    st.metadata = run.plan.spec().metadata;
    st.tasks.reserve(run.tasks.size());
    for (Index i = 0; i < run.plan.task_count(); ++i) {
      const TaskRun& t = run.tasks[i];
      const dag::TaskSpec& spec = run.plan.task(i);
      st.tasks.push_back(TaskStatus{spec.id, spec.name, std::string(dag::TaskTypeName(spec.type)),
                                    t.state, t.attempts, Optional(t.started_at),
                                    Optional(t.finished_at), run.messages[t.error], t.output});
    }
    return st;
  }

  EngineOptions options_;
  SystemClock system_clock_;
  std::unique_ptr<ThreadTimerQueue> owned_timers_;
  std::unique_ptr<lane::LaneRegistry> lanes_;
  std::mutex functions_mu_;
  FunctionRegistry functions_;
  std::unique_ptr<UuidGenerator> ids_;
  std::unique_ptr<BuiltinExecutor> builtin_;
  std::unique_ptr<FunctionExecutor> function_;
  std::unique_ptr<ExecExecutor> exec_;
  std::unique_ptr<HttpExecutor> http_;
  std::vector<std::unique_ptr<Shard>> shards_;
  // What each shard owns; touched only on that shard's thread.
  struct Completion {
    WorkflowRun* run;
    Index task;
    int attempt;
    AttemptResult result;
  };
  struct ShardLocal {
    std::unordered_map<std::string, std::unique_ptr<WorkflowRun>> runs;
    std::unordered_map<std::uint64_t, WorkflowRun*> by_handle;
    std::mt19937_64 rng;                // retry jitter
    bool in_start = false;              // inside an executor's Start (or the loop after it)
    std::deque<Completion> completions;  // finished synchronously, not yet handled
    // The one part other threads touch (under inbox_mu): admissions waiting for the shard.
    std::mutex inbox_mu;
    std::deque<Admission> inbox;
    bool inbox_posted = false;  // a DrainInbox is posted and will see new entries
    MetricsRecorder metrics;
  };
  std::vector<std::unique_ptr<ShardLocal>> local_;
  std::atomic<std::uint64_t> next_handle_{1};

  mutable std::mutex summaries_mu_;
  std::condition_variable finished_cv_;
  std::map<std::string, WorkflowSummary> summaries_;  // ids are time-ordered
  std::array<std::size_t, kWorkflowStateCount> state_counts_{};  // of summaries_, by state

  std::shared_mutex subscribers_mu_;
  std::map<std::uint64_t, EventCallback> subscribers_;
  std::atomic<std::size_t> subscriber_count_{0};
  std::uint64_t next_subscriber_ = 0;
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

EngineOptions EngineOptionsFromConfig(const config::Config& config) {
  EngineOptions options;
  options.lanes = config.lanes;
  options.exec.enabled = config.executors.exec.enabled;
  options.exec.allow = config.executors.exec.allow;
  options.http.ca_file = config.executors.http.ca_file;
  options.http.max_idle_per_host = static_cast<std::size_t>(config.executors.http.max_idle_per_host);
  return options;
}

Result<std::unique_ptr<Engine>> Engine::Create(EngineOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  GOCLAW_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Status Engine::RegisterFunction(std::string name, TaskFunction fn, bool inline_on_shard) {
  return impl_->RegisterFunction(std::move(name), std::move(fn), inline_on_shard);
}
Result<std::string> Engine::Submit(const dag::Plan& plan, boost::json::object input) {
  return impl_->Submit(std::make_shared<const dag::Plan>(plan), std::move(input));
}
Result<std::string> Engine::Submit(std::shared_ptr<const dag::Plan> plan, boost::json::object input) {
  return impl_->Submit(std::move(plan), std::move(input));
}
Result<WorkflowStatus> Engine::Get(const std::string& id) { return impl_->Get(id); }
Result<WorkflowSummary> Engine::Summary(const std::string& id) const { return impl_->Summary(id); }
ListResult Engine::List(const ListFilter& filter) const { return impl_->List(filter); }
Status Engine::Cancel(const std::string& id) { return impl_->Cancel(id); }
Result<WorkflowStatus> Engine::Wait(const std::string& id,
                                    std::optional<std::chrono::milliseconds> timeout) {
  return impl_->Wait(id, timeout);
}
std::uint64_t Engine::Subscribe(EventCallback callback) {
  return impl_->Subscribe(std::move(callback));
}
void Engine::Unsubscribe(std::uint64_t handle) { impl_->Unsubscribe(handle); }
std::array<std::size_t, kWorkflowStateCount> Engine::CountByState() const {
  return impl_->CountByState();
}
EngineMetrics Engine::Metrics() { return impl_->Metrics(); }
Result<std::vector<Event>> Engine::Events(const std::string& id) { return impl_->Events(id); }
lane::LaneRegistry& Engine::lanes() { return impl_->lanes(); }

}  // namespace goclaw::engine
