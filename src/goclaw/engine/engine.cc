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

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/core/check.h"
#include "goclaw/core/json_limits.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/uuid.h"
#include "goclaw/dag/loader.h"
#include "goclaw/dag/spec_encoder.h"
#include "goclaw/engine/engine_metrics.h"
#include "goclaw/engine/journal.h"
#include "goclaw/engine/retry.h"
#include "goclaw/engine/run_records.h"
#include "goclaw/engine/shard.h"
#include "goclaw/engine/status_json.h"
#include "goclaw/engine/task_log.h"
#include "goclaw/engine/templating.h"
#include "goclaw/engine/workflow_run.h"
#include "goclaw/lane/multi_acquire.h"

namespace goclaw::engine {

using exec::Attempt;
using exec::AttemptResult;
using internal::ActiveTask;
using internal::MetricsRecorder;
using internal::ShardJournal;
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
    const exec::ExecutorEnv env{clock(), timers(), functions_, options_.function_workers, options_.logger};
    if (options_.executors) {
      GOCLAW_ASSIGN_OR_RETURN(executors_, options_.executors(env));
    } else {
      executors_ = std::make_unique<exec::ExecutorRegistry>();
      GOCLAW_RETURN_IF_ERROR(exec::AddCoreExecutors(*executors_, env));
    }
    std::uint64_t seed = options_.seed != 0 ? options_.seed : std::random_device{}();
    store_ = options_.store;
    for (int i = 0; i < shards; ++i) {
      local_.push_back(std::make_unique<ShardLocal>());
      local_.back()->rng.seed(seed + static_cast<std::uint64_t>(i));
      shards_.push_back(std::make_unique<Shard>(i));
      if (store_ != nullptr) {
        Shard* shard = shards_.back().get();
        local_.back()->journal = std::make_unique<ShardJournal>(
            *store_, [shard](UniqueFunction<void()> fn) { shard->Post(std::move(fn)); }, timers(),
            clock(), store_healthy_, options_.logger);
      }
    }
    if (store_ != nullptr) {
      GOCLAW_RETURN_IF_ERROR(Recover());
      // Can the store write? (After a start on a full disk it serves reads only.) Until a
      // write succeeds, submits fail with 503 and /ready says why.
      if (Status can_write = store_->CommitAndWait({}); !can_write) {
        options_.logger.Warn("the store cannot write yet: {}", can_write.error().message());
        store_healthy_.store(false);
        ProbeStoreLater();
      }
      ScheduleRetention();
    }
    return OkStatus();
  }

  // Order matters: nothing may call into a part that is already gone.
  ~Impl() {
    draining_ = true;
    // From here on completions, timeouts and admissions are ignored (with a store, the
    // attempts still running run again after a restart), and what happened is written.
    closing_ = true;
    OnEveryShard([](std::size_t) {});  // every shard has seen closing_
    (void)FlushAll();
    // Store callbacks post to shards from the store's thread; an empty commit queued after all
    // of ours completes only once every earlier callback has returned, so none is still inside
    // a shard's Post when the shards go (found by TSan).
    if (store_ != nullptr) (void)store_->CommitAndWait({});
    if (executors_) executors_->Shutdown();  // workers joined, processes killed, requests
                                             // aborted: no more completions
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
    return functions_->Register(std::move(name), std::move(fn), inline_on_shard);
  }

  bool HasFunction(std::string_view name) const { return functions_->Find(name) != nullptr; }
  const exec::ExecutorRegistry& executors() const { return *executors_; }

  Result<std::string> Submit(std::shared_ptr<const dag::Plan> shared_plan, boost::json::object input) {
    std::promise<Result<std::string>> promise;
    auto future = promise.get_future();
    SubmitAsync(std::move(shared_plan), std::move(input),
                [&promise](Result<std::string> id) { promise.set_value(std::move(id)); });
    return future.get();
  }

  void SubmitAsync(std::shared_ptr<const dag::Plan> shared_plan, boost::json::object input,
                   SubmitCallback done) {
    GOCLAW_CHECK(shared_plan != nullptr);
    const dag::Plan& plan = *shared_plan;
    if (draining_.load()) {
      done(MakeError(ErrorCode::kUnavailable, "the engine is shutting down; submit again after it restarts"));
      return;
    }
    if (Status ok = CheckExecutors(plan); !ok) {
      done(MakeError(ok.error()));
      return;
    }
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
    run->shard = static_cast<std::uint32_t>(ShardOf(run->id));
    if (store_ == nullptr) {
      std::string id = run->id;
      Admit(std::move(run));
      done(std::move(id));
      return;
    }
    // Durable before anyone hears of it: the workflow and spec records, in one batch (tasks get
    // records as they leave pending). The run starts only once the batch is durable, so every
    // later write of the run queues behind it.
    store::StoreBatch batch;
    batch.workflows.push_back(internal::WorkflowRecordOf(*run));
    batch.specs.push_back({run->id, SpecJson(plan), JsonText(*run->input)});
    store_->Commit(std::move(batch), [this, run = std::move(run), done = std::move(done)](Status st) mutable {
      store_healthy_.store(st.has_value());  // every write tells: the journals' and the submits'
      if (!st) ProbeStoreLater();
      if (!st) {
        done(MakeError(ErrorCode::kUnavailable, "the workflow was not stored, so it was not accepted: " +
                                                    st.error().message()));
        return;
      }
      std::string id = run->id;
      Admit(std::move(run));
      done(std::move(id));
    });
  }

  // A new (or recovered: already indexed) run joins the summary index and its shard.
  void Admit(std::unique_ptr<WorkflowRun> run, bool recovered = false) {
    if (!recovered) AddSummary(*run);
    const std::size_t s = run->shard;
    shards_[s]->Post([this, s, recovered, run = std::move(run)]() mutable {
      WorkflowRun* r = run.get();
      local_[s]->by_handle.emplace(r->handle, r);
      local_[s]->runs.emplace(r->id, std::move(run));
      if (recovered) {
        Resume(s, *r);
      } else {
        local_[s]->metrics.WorkflowArrived(r->tasks.size());
        StartWorkflow(s, *r);
      }
    });
  }

  void AddSummary(const WorkflowRun& run) {
    std::lock_guard lock(summaries_mu_);
    summaries_[run.id] = WorkflowSummary{run.id, run.plan.spec().name, run.state, run.created_at,
                                         run.plan.task_count(), run.finished_at};
    ++state_counts_[static_cast<std::size_t>(run.state)];
  }

  // The spec as stored; the text of the last spec is kept, since many runs share one plan.
  std::string SpecJson(const dag::Plan& plan) {
    std::lock_guard lock(spec_cache_mu_);
    if (spec_cache_key_.lock() != plan.shared_spec()) {
      spec_cache_text_ = dag::SpecToJsonText(plan.spec());
      spec_cache_key_ = plan.shared_spec();
    }
    return spec_cache_text_;
  }

  // Runs `fn(run)` on the workflow's shard and waits for its answer; nullopt when the workflow
  // is known but not in memory (evicted: ask the store).
  template <typename T>
  std::optional<Result<T>> OnShard(const std::string& id, std::function<Result<T>(WorkflowRun&)> fn) {
    if (!Known(id)) return Result<T>(MakeError(ErrorCode::kNotFound, "no workflow \"" + id + "\""));
    const std::size_t s = ShardOf(id);
    GOCLAW_CHECK(!shards_[s]->OnShardThread());
    std::promise<std::optional<Result<T>>> promise;
    auto future = promise.get_future();
    shards_[s]->Post([this, s, &id, &fn, &promise] {
      auto it = local_[s]->runs.find(id);
      if (it == local_[s]->runs.end()) {
        promise.set_value(std::nullopt);
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
    auto live = OnShard<WorkflowStatus>(id, [this](WorkflowRun& r) -> Result<WorkflowStatus> {
      return Snapshot(r);
    });
    if (live) return std::move(*live);
    return StatusFromStore(id);
  }

  Result<TaskLogs> Logs(const std::string& id, const std::string& task_id) {
    auto live = OnShard<TaskLogs>(id, [&task_id](WorkflowRun& r) -> Result<TaskLogs> {
      auto i = r.plan.Find(task_id);
      if (!i) return MakeError(ErrorCode::kNotFound, "workflow " + r.id + " has no task \"" + task_id + "\"");
      return internal::LogsOf(r.tasks[*i]);
    });
    if (live) return std::move(*live);
    GOCLAW_ASSIGN_OR_RETURN(auto stored, LoadStored(id));
    auto i = stored.plan->Find(task_id);
    if (!i) return MakeError(ErrorCode::kNotFound, "workflow " + id + " has no task \"" + task_id + "\"");
    return internal::LoadLogs(*store_, id, *i);
  }

  Result<WorkflowStatus> StatusFromStore(const std::string& id) {
    GOCLAW_ASSIGN_OR_RETURN(auto stored, LoadStored(id));
    GOCLAW_ASSIGN_OR_RETURN(auto tasks, store_->Tasks(id));
    return internal::StatusFromRecords(stored.record, *stored.plan, stored.plan->spec().metadata, tasks);
  }

  struct Stored {
    store::WorkflowRecord record;
    std::shared_ptr<const dag::Plan> plan;
    boost::json::object input;
  };

  // A workflow's record and compiled spec from the store.
  Result<Stored> LoadStored(const std::string& id) {
    auto missing = [&] { return MakeError(ErrorCode::kNotFound, "no workflow \"" + id + "\""); };
    if (store_ == nullptr) return missing();
    GOCLAW_ASSIGN_OR_RETURN(auto record, store_->Workflow(id));
    if (!record) return missing();
    GOCLAW_ASSIGN_OR_RETURN(auto spec, store_->Spec(id));
    if (!spec) return MakeError(ErrorCode::kInternal, "the store has workflow " + id + " without its spec");
    GOCLAW_ASSIGN_OR_RETURN(auto plan, CompileStored(spec->spec_json, id));
    Stored out{std::move(*record), std::move(plan), {}};
    auto input = ParseJsonText(spec->input_json);
    if (!input || !input->is_object()) {
      return MakeError(ErrorCode::kInternal, "corrupt input of " + id + " in the store");
    }
    out.input = std::move(input->get_object());
    return out;
  }

  // Specs were valid when submitted; the limits of today's config do not apply to them.
  Result<std::shared_ptr<const dag::Plan>> CompileStored(const std::string& spec_json, const std::string& id) {
    dag::LoadOptions load;
    load.format = DocumentFormat::kJson;
    load.limits.max_tasks = std::numeric_limits<std::uint32_t>::max();
    load.limits.max_spec_bytes = std::numeric_limits<std::size_t>::max();
    load.limits.max_deps_per_task = std::numeric_limits<std::size_t>::max();
    load.admission_checks = false;  // nor do rules added since (dag/spec_checks.h)
    auto plan = dag::LoadWorkflow(spec_json, load);
    if (!plan) {
      return MakeError(ErrorCode::kInternal, "the stored spec of " + id + " no longer compiles: " +
                                                 plan.error().message());
    }
    return std::make_shared<const dag::Plan>(std::move(*plan));
  }

  Result<std::vector<Event>> Events(const std::string& id, std::uint64_t since) {
    struct Live {
      std::uint64_t base = 0;
      std::shared_ptr<const dag::Plan> plan;
      std::vector<Event> events;  // seq > max(base, since)
    };
    auto live = OnShard<Live>(id, [since](WorkflowRun& r) -> Result<Live> {
      Live out{r.event_base, r.shared_plan, {}};
      std::size_t from = since > r.event_base ? static_cast<std::size_t>(since - r.event_base) : 0;
      for (std::size_t k = from; k < r.events.size(); ++k) {
        out.events.push_back(ToEvent(r, r.events[k], r.event_base + k + 1));
      }
      return out;
    });
    if (live && !*live) return MakeError(live->error());
    // Events before the run came back into memory, or of a run no longer in memory: stored.
    std::vector<Event> out;
    if (!live || (*live)->base > since) {
      std::shared_ptr<const dag::Plan> plan;
      if (live) {
        plan = (*live)->plan;
      } else {
        GOCLAW_ASSIGN_OR_RETURN(auto stored, LoadStored(id));
        plan = std::move(stored.plan);
      }
      GOCLAW_ASSIGN_OR_RETURN(auto records, store_->Events(id, since));
      for (const auto& e : records) {
        if (live && e.seq > (*live)->base) break;
        out.push_back(internal::ToEvent(e, id, plan.get()));
      }
    }
    if (live) {
      for (auto& e : (*live)->events) out.push_back(std::move(e));
    }
    return out;
  }

  Status Cancel(const std::string& id) {
    GOCLAW_CHECK(!shards_[ShardOf(id)]->OnShardThread());
    std::promise<Status> promise;
    auto future = promise.get_future();
    CancelAsync(id, [&promise](Status s) { promise.set_value(std::move(s)); });
    return future.get();
  }

  void CancelAsync(const std::string& id, StatusCallback done) {
    if (!Known(id)) {
      done(MakeError(ErrorCode::kNotFound, "no workflow \"" + id + "\""));
      return;
    }
    const std::size_t s = ShardOf(id);
    shards_[s]->Post([this, s, id, done = std::move(done)]() mutable {
      auto it = local_[s]->runs.find(id);
      if (it == local_[s]->runs.end()) {  // evicted, so finished long ago
        auto summary = Summary(id);
        done(MakeError(ErrorCode::kFailedPrecondition,
                       "workflow \"" + id + "\" already " +
                           std::string(summary ? WorkflowStateName(summary->state) : "finished")));
        return;
      }
      WorkflowRun& run = *it->second;
      if (IsTerminal(run.state)) {
        done(MakeError(ErrorCode::kFailedPrecondition,
                       "workflow \"" + run.id + "\" already " + std::string(WorkflowStateName(run.state))));
        return;
      }
      CancelWorkflow(run);
      if (local_[s]->journal == nullptr) {
        done(OkStatus());
        return;
      }
      local_[s]->journal->WhenDurable(std::move(done));
    });
  }

  Result<WorkflowStatus> Wait(const std::string& id, std::optional<std::chrono::milliseconds> timeout) {
    if (!Known(id)) return MakeError(ErrorCode::kNotFound, "no workflow \"" + id + "\"");
    {
      std::unique_lock lock(summaries_mu_);
      auto done = [&] {
        auto it = summaries_.find(id);
        return it == summaries_.end() || IsTerminal(it->second.state);
      };
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
      shards_[s]->Post([this, s, &answers] {
        EngineMetrics m = local_[s]->metrics.Snapshot();
        m.in_memory = local_[s]->runs.size();
        answers[s].set_value(std::move(m));
      });
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
      const std::string& type = plan.task(i).type;
      std::optional<std::string> why = executors_->Unavailable(type);
      if (!why) continue;
      details.push_back({"tasks[" + std::to_string(i) + "].type",
                         "task \"" + plan.task(i).id + "\" has type " + type +
                             ", which cannot run here: " + *why,
                         0, ""});
    }
    if (details.empty()) return OkStatus();
    return MakeError(Error(ErrorCode::kInvalidArgument,
                           "workflow has tasks without an executor", std::move(details)));
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
    if (ShardJournal* journal = local_[run.shard]->journal.get()) {
      if (task == internal::StoredEvent::kWorkflow) {
        journal->TouchRecord(run);
      } else {
        journal->TouchTask(run, task);
      }
      journal->Counted();
    }
    if (subscriber_count_.load(std::memory_order_acquire) == 0) return;  // no lock when nobody listens
    std::shared_lock lock(subscribers_mu_);
    if (subscribers_.empty()) return;
    Event e = ToEvent(run, run.events.back(), run.event_base + run.events.size());
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
      WorkflowSummary& summary = summaries_[run.id];
      summary.state = to;
      summary.finished_at = run.finished_at;
      --state_counts_[static_cast<std::size_t>(from)];
      ++state_counts_[static_cast<std::size_t>(to)];
    }
    if (IsTerminal(to)) {
      finished_cv_.notify_all();
      ScheduleEviction(run);
    }
  }

  // ---- persistence (shard thread unless said otherwise) ----

  // A finished run leaves memory once its last records are durable; the store answers for it
  // from then on.
  void ScheduleEviction(WorkflowRun& run) {
    if (store_ == nullptr) return;
    const std::size_t s = run.shard;
    const std::uint64_t h = run.handle;
    timers().At(clock().SteadyNow() + options_.evict_after, [this, s, h] {
      PostToRun(s, h, [this, s](WorkflowRun& r) { Evict(s, r); });
    });
  }

  void Evict(std::size_t s, WorkflowRun& run) {
    const std::uint64_t h = run.handle;
    local_[s]->journal->WhenDurable([this, s, h](Status written) {
      auto it = local_[s]->by_handle.find(h);
      if (it == local_[s]->by_handle.end()) return;
      WorkflowRun& r = *it->second;
      if (!written || r.in_journal) {  // not all of it is in the store yet: later
        ScheduleEviction(r);
        return;
      }
      local_[s]->by_handle.erase(it);
      local_[s]->runs.erase(r.id);  // destroys r
    });
  }

  // After a failed submit write nothing else may write soon (an idle server): an empty commit
  // every second finds out when the store takes writes again, so health (and /ready) follows.
  void ProbeStoreLater() {
    if (probe_armed_.exchange(true)) return;
    timers().At(clock().SteadyNow() + Millis(1000), [this] {
      if (closing_.load()) return;
      store_->Commit({}, [this](Status st) {
        store_healthy_.store(st.has_value());
        probe_armed_ = false;
        if (!st) ProbeStoreLater();
      });
    });
  }

  // Runs `fn(shard)` on every shard and waits for all of them. Not from a shard thread.
  void OnEveryShard(const std::function<void(std::size_t)>& fn) {
    std::vector<std::promise<void>> done(shards_.size());
    for (std::size_t s = 0; s < shards_.size(); ++s) {
      shards_[s]->Post([&fn, &done, s] {
        fn(s);
        done[s].set_value();
      });
    }
    for (auto& d : done) d.get_future().wait();
  }

  // Waits until everything that happened so far is durable (or the store failed). Any thread
  // but a shard's or the store's.
  Status FlushAll() {
    if (store_ == nullptr) return OkStatus();
    std::vector<std::promise<Status>> done(shards_.size());
    for (std::size_t s = 0; s < shards_.size(); ++s) {
      shards_[s]->Post([this, &done, s] {
        local_[s]->journal->WhenDurable([&done, s](Status st) { done[s].set_value(std::move(st)); });
      });
    }
    Status result = OkStatus();
    for (auto& d : done) {
      Status st = d.get_future().get();
      if (!st && result) result = std::move(st);
    }
    return result;
  }

  void SetTaskState(WorkflowRun& run, Index i, TaskState to, std::string error = {}) {
    TaskRun& t = run.tasks[i];
    GOCLAW_CHECK(CanTransition(t.state, to));
    TaskState from = t.state;
    t.state = to;
    const Clock::WallTime now = clock().Now();  // one clock read per transition
    if (to == TaskState::kRunning && t.started_at == Clock::WallTime{}) t.started_at = now;
    if (to == TaskState::kRunning || from == TaskState::kRunning) {
      // One writer (this shard): a plain load and store, no read-modify-write on the hot path.
      auto& running = local_[run.shard]->running;
      running.store(running.load(std::memory_order_relaxed) + (to == TaskState::kRunning ? 1 : -1),
                    std::memory_order_relaxed);
    }
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

  // From pending (a new run) or from where a recovered run stopped before it ran.
  void StartWorkflow(std::size_t s, WorkflowRun& run) {
    if (run.state == WorkflowState::kPending) SetWorkflowState(run, WorkflowState::kScheduled);
    SetWorkflowState(run, WorkflowState::kRunning);
    for (Index i : run.plan.roots()) MakeReady(s, run, i);
    MaybeFinish(run);
  }

  void MakeReady(std::size_t s, WorkflowRun& run, Index i) {
    if (run.state != WorkflowState::kRunning) return;
    if (!ResolveConfig(s, run, i)) return;
    SetTaskState(run, i, TaskState::kReady);
    Enqueue(s, run, i);
  }

  // Resolves the task's {{...}} references into t.config; a failure fails the task. The
  // resolved config is bounded (limits.max_config_bytes) before it is built, so references
  // that multiply a large output fail the task instead of exhausting memory.
  bool ResolveConfig(std::size_t s, WorkflowRun& run, Index i) {
    const dag::TaskSpec& spec = run.plan.task(i);
    Result<boost::json::value> resolved = boost::json::value();
    try {
      resolved = ResolveTemplates(
          boost::json::value(spec.config),
          [&run](std::string_view kind, std::string_view id) -> const boost::json::value* {
            if (kind == "input") return run.input.get();
            auto j = run.plan.Find(id);
            if (!j || run.tasks[*j].state != TaskState::kCompleted) return nullptr;
            return &run.tasks[*j].output;
          },
          options_.max_config_bytes);
    } catch (const std::bad_alloc&) {
      resolved = MakeError(ErrorCode::kResourceExhausted, "out of memory");
    }
    if (!resolved) {
      if (run.tasks[i].state == TaskState::kReady || run.tasks[i].state == TaskState::kRetrying) {
        SetTaskState(run, i, TaskState::kQueued);  // (a recovered task: failed is not next)
      }
      TaskFailed(s, run, i, "resolving config: " + resolved.error().message());
      return false;
    }
    run.tasks[i].config = std::move(*resolved);
    return true;
  }

  // ---- recovery ----

  // Loads every stored workflow into the summary index and resumes the unfinished ones.
  Status Recover() {
    const auto start = std::chrono::steady_clock::now();
    GOCLAW_ASSIGN_OR_RETURN(auto records, store_->Workflows({}));
    std::unordered_map<std::string, std::shared_ptr<const dag::Plan>> plans;  // by spec text
    std::size_t resumed = 0, tasks = 0;
    for (store::WorkflowRecord& w : records) {
      if (w.state >= kWorkflowStateCount) {
        return MakeError(ErrorCode::kInternal, "corrupt workflow record " + w.id + " in the store: state " +
                                                   std::to_string(w.state));
      }
      if (IsTerminal(static_cast<WorkflowState>(w.state))) {
        std::lock_guard lock(summaries_mu_);
        summaries_[w.id] = WorkflowSummary{w.id, w.name, static_cast<WorkflowState>(w.state),
                                           internal::FromMicros(w.created_at_us), w.task_count,
                                           internal::FromMicros(w.finished_at_us)};
        ++state_counts_[w.state];
        continue;
      }
      auto run = Rebuild(w, plans);
      if (!run) {
        // The workflow cannot run again (its spec no longer compiles, an executor is gone):
        // it fails, visibly, instead of blocking the start or vanishing.
        options_.logger.Error("cannot resume workflow {}: {}", w.id, run.error().message());
        w.state = static_cast<std::uint8_t>(WorkflowState::kFailed);
        w.error = "could not be resumed after a restart: " + run.error().message();
        w.finished_at_us = internal::ToMicros(clock().Now());
        store::StoreBatch batch;
        batch.workflows.push_back(w);
        if (Status written = store_->CommitAndWait(std::move(batch)); !written) {
          // A full disk at start: the store serves reads; the failure is recorded at the next
          // start that can write. Starting anyway keeps every stored workflow readable.
          options_.logger.Warn("could not store the failure of {} now: {}", w.id, written.error().message());
        }
        std::lock_guard lock(summaries_mu_);
        summaries_[w.id] = WorkflowSummary{w.id, w.name, WorkflowState::kFailed,
                                           internal::FromMicros(w.created_at_us), w.task_count,
                                           internal::FromMicros(w.finished_at_us)};
        ++state_counts_[w.state];
        continue;
      }
      ++resumed;
      tasks += (*run)->tasks.size();
      AddSummary(**run);
      recovered_.push_back(std::move(*run));
    }
    if (resumed > 0) {
      options_.logger.Info("loaded {} unfinished workflows ({} tasks) of {} stored, in {:.1f} ms", resumed,
                           tasks, records.size(),
                           std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    return OkStatus();
  }

 public:
  // Hands the recovered runs to their shards. Queued work re-enters its lanes once every run of
  // a shard is back, by priority.
  std::size_t Resume() {
    std::vector<std::unique_ptr<WorkflowRun>> runs;
    {
      std::lock_guard lock(recovered_mu_);
      runs = std::move(recovered_);
      recovered_.clear();
    }
    const std::size_t n = runs.size();
    for (auto& run : runs) Admit(std::move(run), /*recovered=*/true);
    if (n > 0) {
      for (std::size_t s = 0; s < shards_.size(); ++s) {
        shards_[s]->Post([this, s] { FinishRecovery(s); });
      }
    }
    return n;
  }

 private:

  Result<std::unique_ptr<WorkflowRun>> Rebuild(
      const store::WorkflowRecord& w,
      std::unordered_map<std::string, std::shared_ptr<const dag::Plan>>& plans) {
    GOCLAW_ASSIGN_OR_RETURN(auto spec, store_->Spec(w.id));
    if (!spec) return MakeError(ErrorCode::kInternal, "its spec is missing from the store");
    auto& plan = plans[spec->spec_json];
    if (!plan) {
      auto compiled = CompileStored(spec->spec_json, w.id);
      if (!compiled) {
        plans.erase(spec->spec_json);
        return MakeError(compiled.error());
      }
      plan = std::move(*compiled);
    }
    GOCLAW_RETURN_IF_ERROR(CheckExecutors(*plan));
    auto input = ParseJsonText(spec->input_json);
    if (!input || !input->is_object()) return MakeError(ErrorCode::kInternal, "its stored input is corrupt");
    auto run = std::make_unique<WorkflowRun>(plan);
    run->id = w.id;
    run->handle = next_handle_.fetch_add(1, std::memory_order_relaxed);
    run->shard = static_cast<std::uint32_t>(ShardOf(w.id));
    run->input = std::make_shared<const boost::json::value>(std::move(*input));
    run->state = static_cast<WorkflowState>(w.state);
    run->created_at = internal::FromMicros(w.created_at_us);
    if (w.started_at_us != 0) run->started_at = internal::FromMicros(w.started_at_us);
    run->error = w.error;
    run->tasks.resize(plan->task_count());
    for (Index i = 0; i < plan->task_count(); ++i) {  // (Resume recounts for a running workflow)
      run->tasks[i].waiting_for = static_cast<std::uint32_t>(plan->upstream(i).size());
    }
    GOCLAW_ASSIGN_OR_RETURN(auto task_records, store_->Tasks(w.id));
    GOCLAW_RETURN_IF_ERROR(internal::RestoreTasks(*run, task_records));
    GOCLAW_ASSIGN_OR_RETURN(run->event_base, store_->LastEventSeq(w.id));
    run->unfinished = 0;
    for (const TaskRun& t : run->tasks) run->unfinished += IsTerminal(t.state) ? 0 : 1;
    return run;
  }

  // On the run's shard: picks up where the stored state stopped. Tasks that were running ran
  // in the process that stopped: that attempt is recorded as interrupted (running ->
  // retrying), and the task runs again as the next attempt. Ready, queued and retrying tasks
  // go back to their lanes; pending tasks whose dependencies are done become ready (or are
  // skipped after a failure) — the same decisions the stopped process would have made.
  void Resume(std::size_t s, WorkflowRun& run) {
    ShardLocal& local = *local_[s];
    std::array<std::int64_t, kTaskStateCount> by_state{};
    for (const TaskRun& t : run.tasks) ++by_state[static_cast<std::size_t>(t.state)];
    local.metrics.Restored(run.state, by_state);
    if (run.state != WorkflowState::kRunning) {
      StartWorkflow(s, run);
      return;
    }
    // A journal flush may have split a task's failure from the workflow record that names it.
    for (Index i = 0; i < run.plan.task_count() && run.error.empty(); ++i) {
      if (run.tasks[i].state == TaskState::kFailed && run.plan.task(i).on_failure == dag::OnFailure::kFail) {
        run.error = "task \"" + run.plan.task(i).id + "\" failed: " + run.messages[run.tasks[i].error];
        local.journal->TouchRecord(run);
      }
    }
    for (Index i : run.plan.topo_order()) {
      TaskRun& t = run.tasks[i];
      const dag::TaskSpec& spec = run.plan.task(i);
      switch (t.state) {
        case TaskState::kRunning:
          local.running.store(local.running.load(std::memory_order_relaxed) + 1,
                              std::memory_order_relaxed);  // SetTaskState counts it out
          ++t.interrupted;
          SetTaskState(run, i, TaskState::kRetrying, "interrupted: the engine stopped while attempt " +
                                                       std::to_string(t.attempts) + " ran");
          local.recovering.push_back({run.handle, i, spec.priority, false});
          break;
        case TaskState::kReady:
        case TaskState::kQueued:
        case TaskState::kRetrying:
          local.recovering.push_back({run.handle, i, spec.priority, false});
          break;
        case TaskState::kPending: {
          std::uint32_t waiting = 0;
          const std::string* failed_upstream = nullptr;
          for (Index u : run.plan.upstream(i)) {
            const TaskState us = run.tasks[u].state;
            const bool passes = us == TaskState::kCompleted ||
                                (us == TaskState::kFailed &&
                                 run.plan.task(u).on_failure == dag::OnFailure::kContinue);
            if (passes) continue;
            if (IsTerminal(us)) failed_upstream = &run.plan.task(u).id;
            ++waiting;
          }
          t.waiting_for = waiting;
          if (failed_upstream != nullptr) {
            SetTaskState(run, i, TaskState::kSkipped, "upstream task \"" + *failed_upstream + "\" failed");
          } else if (waiting == 0) {
            local.recovering.push_back({run.handle, i, spec.priority, true});
          }
          break;
        }
        default:
          break;  // finished
      }
    }
    MaybeFinish(run);
  }

  void FinishRecovery(std::size_t s) {
    ShardLocal& local = *local_[s];
    std::vector<Recovering> items = std::move(local.recovering);
    local.recovering.clear();
    std::stable_sort(items.begin(), items.end(),
                     [](const Recovering& a, const Recovering& b) { return a.priority > b.priority; });
    for (const Recovering& item : items) {
      auto it = local.by_handle.find(item.handle);
      if (it == local.by_handle.end()) continue;
      WorkflowRun& run = *it->second;
      if (run.state != WorkflowState::kRunning) continue;  // cancelled meanwhile
      const TaskState state = run.tasks[item.task].state;
      if (item.make_ready) {
        if (state == TaskState::kPending) MakeReady(s, run, item.task);
      } else if (state == TaskState::kReady || state == TaskState::kQueued || state == TaskState::kRetrying) {
        if (ResolveConfig(s, run, item.task)) Enqueue(s, run, item.task);
      }
    }
  }

  // ---- graceful stop and retention ----

 public:
  std::size_t Drain(std::chrono::milliseconds timeout) {
    draining_ = true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t running = RunningAttempts();
    while (running > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      running = RunningAttempts();
    }
    (void)FlushAll();
    return running;
  }

  std::size_t RunningAttempts() const {
    std::int64_t n = 0;
    for (const auto& l : local_) n += l->running.load(std::memory_order_relaxed);
    return static_cast<std::size_t>(std::max<std::int64_t>(0, n));
  }

  bool StoreHealthy() const { return store_healthy_.load(); }
  Status Flush() { return FlushAll(); }
  bool draining() const { return draining_.load(); }

 private:
  void ScheduleRetention() {
    if (options_.retention <= Millis(0)) return;
    const Millis period = std::clamp<Millis>(options_.retention / 10, Millis(1000), Millis(3600 * 1000));
    timers().At(clock().SteadyNow() + period, [this] {
      if (closing_.load()) return;
      SweepRetention();
      ScheduleRetention();
    });
  }

  // Erases finished workflows older than the retention from the index, memory and the store.
  void SweepRetention() {
    const Clock::WallTime cutoff = clock().Now() - options_.retention;
    std::vector<std::string> expired;
    {
      std::lock_guard lock(summaries_mu_);
      for (auto it = summaries_.begin(); it != summaries_.end();) {
        const WorkflowSummary& w = it->second;
        if (IsTerminal(w.state) && w.finished_at && *w.finished_at < cutoff) {
          --state_counts_[static_cast<std::size_t>(w.state)];
          expired.push_back(it->first);
          it = summaries_.erase(it);
        } else {
          ++it;
        }
      }
    }
    if (expired.empty()) return;
    for (const std::string& id : expired) {
      const std::size_t s = ShardOf(id);
      shards_[s]->Post([this, s, id] {
        auto it = local_[s]->runs.find(id);
        if (it != local_[s]->runs.end()) Evict(s, *it->second);  // still in memory: out, once written
      });
    }
    options_.logger.Info("retention: erasing {} workflows that finished before {}", expired.size(),
                         FormatTime(cutoff));
    store::StoreBatch batch;
    for (const std::string& id : expired) {
      batch.mutations.push_back(store::TableMutation::ErasePrefix(std::string(internal::kTaskLogTable), id + std::string(1, '\0')));
    }
    batch.erased = std::move(expired);
    store_->Commit(std::move(batch), [logger = options_.logger](Status st) {
      if (!st) logger.Error("retention: erasing failed (retried at the next sweep): {}", st.error().message());
    });
  }

  void Enqueue(std::size_t s, WorkflowRun& run, Index i) {
    TaskRun& t = run.tasks[i];
    const dag::TaskSpec& spec = run.plan.task(i);
    std::vector<lane::LaneClaim> claims;
    auto main_lane = lanes_->Resolve(spec.lane);
    if (!main_lane) {
      if (t.state != TaskState::kQueued) SetTaskState(run, i, TaskState::kQueued);
      TaskFailed(s, run, i, main_lane.error().message());
      return;
    }
    claims.push_back({std::move(*main_lane), 1});
    if (!spec.session.empty()) {
      if (auto session = lanes_->Resolve("session:" + spec.session)) {
        claims.push_back({std::move(*session), 1});
      }
    }
    if (!t.active) {
      t.active = std::make_unique<ActiveTask>();
      // A recovered queued task keeps its state, so no transition stamps its queue time.
      if (t.state == TaskState::kQueued) t.active->since = clock().Now();
    }
    if (t.state != TaskState::kQueued) SetTaskState(run, i, TaskState::kQueued);
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
    if (draining_.load(std::memory_order_relaxed)) return;  // stays queued, for the next start
    t.active->acquisition.reset();
    t.active->ticket = lane::Ticket();
    if (!permits) {
      TaskFailed(s, run, i, permits.error().message());
      return;
    }
    t.active->permits.emplace(std::move(*permits));
    ++t.attempts;
    const std::uint64_t h = run.handle;
    // What the attempt reports comes back to this shard, fenced by attempt number.
    t.active->channel = std::make_shared<exec::AttemptChannel>([this, s, h, i, attempt](exec::AttemptReport report) {
      PostToRun(s, h, [this, i, attempt, report = std::move(report)](WorkflowRun& r) mutable {
        OnReport(r, i, attempt, std::move(report));
      });
    });
    const dag::TaskSpec& spec = run.plan.task(i);
    Attempt a;
    a.workflow_id = run.id;
    a.task_id = spec.id;
    a.number = t.attempts;
    a.idempotency_key = run.id + "/" + spec.id + "/" + std::to_string(t.attempts);
    a.type = spec.type;
    a.config = t.config;
    a.input = run.input;
    a.channel = t.active->channel;
    a.lineage_depth = run.lineage_depth;
    if (spec.timeout) {
      timers().At(clock().SteadyNow() + *spec.timeout, [this, s, h, i, attempt] {
        PostToRun(s, h, [this, s, i, attempt](WorkflowRun& r) {
          TaskRun& task = r.tasks[i];
          if (task.state != TaskState::kRunning || task.attempts != attempt) return;
          task.active->channel->Cancel();
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

  // A report from attempt `attempt` of task i. Log lines are kept (bounded per attempt) even
  // when they arrive after the attempt finished (an inline function's lines are posted before
  // its result is handled); reports of an older attempt are dropped.
  void OnReport(WorkflowRun& run, Index i, int attempt, exec::AttemptReport report) {
    TaskRun& t = run.tasks[i];
    if (t.attempts != attempt) return;
    switch (report.kind) {
      case exec::AttemptReport::Kind::kLog:
        internal::AppendLog(t, attempt, clock().Now(), std::move(report.stream), std::move(report.text),
                            options_.max_attempt_log_bytes);
        if (ShardJournal* journal = local_[run.shard]->journal.get()) journal->TouchTask(run, i);
        break;
      case exec::AttemptReport::Kind::kProgress:
        t.progress = report.fraction;
        if (!report.text.empty()) {
          internal::AppendLog(t, attempt, clock().Now(), "progress",
                              std::to_string(static_cast<int>(report.fraction * 100)) + "% " + report.text,
                              options_.max_attempt_log_bytes);
        }
        break;
      case exec::AttemptReport::Kind::kAck:
      case exec::AttemptReport::Kind::kHeartbeat:
        break;  // signals (acks) and pull workers (heartbeats) act on these
    }
  }

  exec::Executor& ExecutorFor(const std::string& type) {
    exec::Executor* executor = executors_->Find(type);
    GOCLAW_CHECK(executor != nullptr);  // Submit and recovery admit only types that run here
    return *executor;
  }

  // An output enters the engine only if it can be stored, served and read back (json_limits.h):
  // invalid UTF-8 is repaired; non-finite numbers, nesting beyond the limit, an output over
  // max_output_bytes, or one that would take the workflow's outputs past
  // max_workflow_output_bytes fail the task (not retried: the same agent answers the same).
  AttemptResult AcceptOutput(WorkflowRun& run, AttemptResult result) {
    auto size = SanitizeAgentJson(*result.output, options_.max_output_bytes);
    if (!size) {
      std::string message = size.error().message();
      if (size.error().code() == ErrorCode::kResourceExhausted) message += " (limits.max_output_bytes)";
      return AttemptResult::Fail(size.error().code(), message, false);
    }
    if (run.output_bytes + *size > options_.max_workflow_output_bytes) {
      return AttemptResult::Fail(
          ErrorCode::kResourceExhausted,
          "output of " + std::to_string(*size) + " bytes would take the workflow's outputs to " +
              std::to_string(run.output_bytes + *size) + " bytes; the limit is " +
              std::to_string(options_.max_workflow_output_bytes) +
              " (limits.max_workflow_output_bytes)",
          false);
    }
    run.output_bytes += *size;
    return result;
  }

  void OnAttemptDone(std::size_t s, WorkflowRun& run, Index i, int attempt, AttemptResult result) {
    TaskRun& t = run.tasks[i];
    if (t.state != TaskState::kRunning || t.attempts != attempt) return;  // stale
    if (closing_.load(std::memory_order_relaxed)) return;  // cut short by the stop, not failed
    // The permits go back now; the rest of the attempt's state (its start time) lives until
    // the task leaves `running`.
    t.active->permits.reset();
    t.active->channel.reset();
    if (result.output) {
      try {
        result = AcceptOutput(run, std::move(result));
      } catch (const std::bad_alloc&) {
        result = AttemptResult::Fail(ErrorCode::kResourceExhausted,
                                     "out of memory while storing the output", false);
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
    // Attempts an engine stop cut short do not use up the task's retries.
    if (result.retryable && t.attempts - t.interrupted <= spec.retries.max_retries &&
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
      if (run.error.empty()) {
        run.error = "task \"" + spec.id + "\" failed: " + error;
        if (ShardJournal* journal = local_[s]->journal.get()) journal->TouchRecord(run);
      }
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
        if (t.active->channel) t.active->channel->Cancel();
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
      if (closing_.load(std::memory_order_relaxed)) return;
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
      st.tasks.push_back(TaskStatus{spec.id, spec.name, spec.type,
                                    t.state, t.attempts, Optional(t.started_at),
                                    Optional(t.finished_at), run.messages[t.error], t.output});
    }
    return st;
  }

  EngineOptions options_;
  SystemClock system_clock_;
  std::unique_ptr<ThreadTimerQueue> owned_timers_;
  std::unique_ptr<lane::LaneRegistry> lanes_;
  std::shared_ptr<exec::FunctionRegistry> functions_ = std::make_shared<exec::FunctionRegistry>();
  std::unique_ptr<UuidGenerator> ids_;
  std::unique_ptr<exec::ExecutorRegistry> executors_;
  std::vector<std::unique_ptr<Shard>> shards_;
  // What each shard owns; touched only on that shard's thread.
  struct Completion {
    WorkflowRun* run;
    Index task;
    int attempt;
    AttemptResult result;
  };
  struct Recovering {
    std::uint64_t handle;
    Index task;
    std::int64_t priority;
    bool make_ready;  // pending with its dependencies done; else back to its lanes
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
    std::unique_ptr<ShardJournal> journal;  // with a store
    std::vector<Recovering> recovering;      // recovered work, for FinishRecovery
    std::atomic<std::int64_t> running{0};   // attempts running (read by Drain)
  };
  std::vector<std::unique_ptr<ShardLocal>> local_;
  std::atomic<std::uint64_t> next_handle_{1};

  mutable std::mutex summaries_mu_;
  std::condition_variable finished_cv_;
  std::map<std::string, WorkflowSummary> summaries_;  // ids are time-ordered
  std::array<std::size_t, kWorkflowStateCount> state_counts_{};  // of summaries_, by state

  store::Store* store_ = nullptr;
  std::atomic<bool> store_healthy_{true};
  std::atomic<bool> probe_armed_{false};  // a ProbeStoreLater commit is pending
  std::atomic<bool> draining_{false};  // no new submits or attempts
  std::atomic<bool> closing_{false};   // completions and timers are ignored
  std::mutex recovered_mu_;
  std::vector<std::unique_ptr<WorkflowRun>> recovered_;  // loaded by Recover, waiting for Resume
  std::mutex spec_cache_mu_;
  std::weak_ptr<const dag::WorkflowSpec> spec_cache_key_;
  std::string spec_cache_text_;

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
  options.evict_after = config.storage.evict_after;
  options.retention = config.storage.retention;
  options.max_output_bytes = static_cast<std::size_t>(config.limits.max_output_bytes);
  options.max_config_bytes = static_cast<std::size_t>(config.limits.max_config_bytes);
  options.max_workflow_output_bytes = static_cast<std::size_t>(config.limits.max_workflow_output_bytes);
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
bool Engine::HasFunction(std::string_view name) const { return impl_->HasFunction(name); }
const exec::ExecutorRegistry& Engine::executors() const { return impl_->executors(); }
Result<std::string> Engine::Submit(const dag::Plan& plan, boost::json::object input) {
  return impl_->Submit(std::make_shared<const dag::Plan>(plan), std::move(input));
}
Result<std::string> Engine::Submit(std::shared_ptr<const dag::Plan> plan, boost::json::object input) {
  return impl_->Submit(std::move(plan), std::move(input));
}
void Engine::SubmitAsync(std::shared_ptr<const dag::Plan> plan, boost::json::object input, SubmitCallback done) {
  impl_->SubmitAsync(std::move(plan), std::move(input), std::move(done));
}
void Engine::CancelAsync(const std::string& id, StatusCallback done) { impl_->CancelAsync(id, std::move(done)); }
std::size_t Engine::Drain(std::chrono::milliseconds timeout) { return impl_->Drain(timeout); }
bool Engine::StoreHealthy() const { return impl_->StoreHealthy(); }
Status Engine::Flush() { return impl_->Flush(); }
bool Engine::draining() const { return impl_->draining(); }
std::size_t Engine::Resume() { return impl_->Resume(); }
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
Result<TaskLogs> Engine::Logs(const std::string& workflow_id, const std::string& task_id) {
  return impl_->Logs(workflow_id, task_id);
}
Result<std::vector<Event>> Engine::Events(const std::string& id, std::uint64_t since) {
  return impl_->Events(id, since);
}
lane::LaneRegistry& Engine::lanes() { return impl_->lanes(); }

}  // namespace goclaw::engine
