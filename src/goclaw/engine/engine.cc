// Engine: the facade over the shard schedulers (scheduler.h). It builds the parts (lanes,
// executor registry, schedulers, workflow index, intake, observers, recovery, retention),
// hands submissions to intake (intake.h) and admits the runs it builds, and routes every call
// about a workflow to the scheduler of its shard.
#include "goclaw/engine/engine.h"

#include <future>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "goclaw/core/check.h"
#include "goclaw/core/hash.h"
#include "goclaw/core/mutex.h"
#include "goclaw/engine/intake.h"
#include "goclaw/engine/recovery.h"
#include "goclaw/engine/retention.h"
#include "goclaw/engine/run_records.h"
#include "goclaw/engine/run_signals.h"
#include "goclaw/engine/scheduler.h"
#include "goclaw/engine/stored_runs.h"
#include "goclaw/engine/task_log.h"
#include "goclaw/engine/workflow_index.h"

namespace goclaw::engine {

using internal::ShardScheduler;
using internal::WorkflowRun;

namespace {

// The callback of Subscribe as an observer of events only.
class CallbackObserver final : public RunObserver {
 public:
  explicit CallbackObserver(EventCallback callback) : callback_(std::move(callback)) {}
  void OnEvent(const EventView& event) override { callback_(event.ToEvent()); }

 private:
  EventCallback callback_;
};

auto NotFound(const std::string& id) { return MakeError(ErrorCode::kNotFound, "no workflow \"" + id + "\""); }

}  // namespace

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
    GOCLAW_ASSIGN_OR_RETURN(lanes_, lane::LaneRegistry::Create(lanes, *options_.clock, *options_.timers));
    const exec::ExecutorEnv env{*options_.clock, *options_.timers, functions_, options_.function_workers, options_.logger};
    if (options_.executors) {
      GOCLAW_ASSIGN_OR_RETURN(executors_, options_.executors(env));
    } else {
      executors_ = std::make_unique<exec::ExecutorRegistry>();
      GOCLAW_RETURN_IF_ERROR(exec::AddCoreExecutors(*executors_, env));
    }
    store_ = options_.store;
    if (store_ != nullptr) GOCLAW_RETURN_IF_ERROR(CheckStoreTables());
    const int shards = options_.shards > 0 ? options_.shards
                                           : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    index_ = std::make_shared<internal::WorkflowIndex>(store_);
    intake_ = std::make_unique<internal::Intake>(
        internal::Intake::Parts{options_, *executors_, store_, *index_, store_healthy_, draining_, closing_},
        [this](WorkflowRun& run) { Place(run); },
        [this](std::unique_ptr<WorkflowRun> run) { Admit(std::move(run)); });
    metrics_ = std::make_shared<internal::MetricsObserver>(static_cast<std::size_t>(shards));
    context_ = std::make_unique<internal::SchedulerContext>(
        internal::SchedulerContext{options_, *lanes_, *executors_, store_, store_healthy_, draining_, closing_});
    const std::uint64_t seed = options_.seed != 0 ? options_.seed : std::random_device{}();
    for (int i = 0; i < shards; ++i) {
      schedulers_.push_back(std::make_unique<ShardScheduler>(static_cast<std::uint32_t>(i), *context_,
                                                             seed + static_cast<std::uint64_t>(i)));
    }
    PublishObservers();
    if (store_ != nullptr) {
      recovery_ = std::make_unique<internal::Recovery>(*store_, options_, *executors_, *index_, schedulers_.size());
      GOCLAW_ASSIGN_OR_RETURN(recovered_, recovery_->Load([this](WorkflowRun& run) { Place(run); }));
      // Can the store write? (After a start on a full disk it serves reads only.) Until a write
      // succeeds, submits fail with 503 and /ready says why.
      if (Status can_write = store_->CommitAndWait({}); !can_write) {
        options_.logger.Warn("the store cannot write yet: {}", can_write.error().message());
        store_healthy_.store(false);
        intake_->ProbeStoreLater();
      }
      retention_ = std::make_unique<internal::Retention>(*store_, options_, closing_, [this](const std::string& id) {
        ShardScheduler& s = SchedulerOf(id);
        s.Post([&s, id] {
          if (WorkflowRun* run = s.Find(id)) s.Evict(*run);
        });
      });
      retention_->Start();
    }
    return OkStatus();
  }

  // Order matters: nothing may call into a part that is already gone.
  ~Impl() {
    draining_ = true;
    // From here on completions, timeouts and admissions are ignored (with a store, the attempts
    // still running run again after a restart), and what happened is written.
    closing_ = true;
    // Every shard has seen closing_; attempts still running are told to stop (a function in
    // ctx.wait wakes up), and whatever they answer is ignored: they run again after a restart.
    OnEveryShard([](ShardScheduler& s) { s.CancelRunningAttempts(); });
    if (Status st = FlushAll(); !st) {
      options_.logger.Error("stopping: not everything was written to the store ({}); "
                            "unfinished work runs again after a restart", st.error().message());
    }
    // Store callbacks post to shards from the store's thread; an empty commit queued after all
    // of ours completes only once every earlier callback has returned, so none is still inside
    // a shard's Post when the shards go (found by TSan).
    if (store_ != nullptr) {
      IgnoreError(store_->CommitAndWait({}), "a barrier: only its completion matters");
    }
    if (executors_) executors_->Shutdown();   // workers joined, processes killed, requests aborted
    if (owned_timers_) owned_timers_->Stop();  // no more timer callbacks (At still safe)
    for (auto& s : schedulers_) s->Stop();     // loops joined; later posts are dropped
    for (auto& s : schedulers_) s->DropRuns();  // releases held permits
    if (lanes_) lanes_->CloseAll(lane::CloseMode::kCancel);  // fails waiting acquisitions,
                                                             // which release partial permits
    schedulers_.clear();  // destroys posted work that was never run (and the permits it carried)
  }

  lane::LaneRegistry& lanes() { return *lanes_; }
  const exec::ExecutorRegistry& executors() const { return *executors_; }

  Status RegisterFunction(std::string name, TaskFunction fn, bool inline_on_shard) {
    return functions_->Register(std::move(name), std::move(fn), inline_on_shard);
  }
  bool HasFunction(std::string_view name) const { return functions_->Find(name) != nullptr; }

  // ---- submit (intake.h) ----

  Result<std::string> Submit(std::shared_ptr<const dag::Plan> plan, boost::json::object input) {
    std::promise<Result<std::string>> promise;
    auto future = promise.get_future();
    intake_->Submit(std::move(plan), std::move(input), {},
                    [&promise](Result<std::string> id) { promise.set_value(std::move(id)); });
    return future.get();
  }
  internal::Intake& intake() { return *intake_; }

  // ---- queries ----

  Result<WorkflowStatus> Get(const std::string& id) {
    auto live = OnShard<WorkflowStatus>(id, [](ShardScheduler& s, WorkflowRun& r) -> Result<WorkflowStatus> {
      return s.Snapshot(r);
    });
    if (live) return std::move(*live);
    GOCLAW_ASSIGN_OR_RETURN(auto stored, internal::LoadStored(store_, id));
    GOCLAW_ASSIGN_OR_RETURN(auto tasks, store_->Tasks(id));
    WorkflowStatus st = internal::StatusFromRecords(stored.record, *stored.plan, stored.plan->spec().metadata, tasks);
    st.plan = stored.plan;
    return st;
  }

  Result<WorkflowSummary> Summary(const std::string& id) const { return index_->Summary(id); }
  ListResult List(const ListFilter& filter) const { return index_->List(filter); }
  std::array<std::size_t, kWorkflowStateCount> CountByState() const { return index_->CountByState(); }

  Result<TaskLogs> Logs(const std::string& id, const std::string& task_id) {
    auto no_task = [&] { return internal::NoTask(id, task_id); };
    auto live = OnShard<TaskLogs>(id, [&](ShardScheduler&, WorkflowRun& r) -> Result<TaskLogs> {
      auto i = r.plan.Find(task_id);
      if (!i) return no_task();
      return internal::LogsOf(r.LogOf(*i));
    });
    if (live) return std::move(*live);
    GOCLAW_ASSIGN_OR_RETURN(auto stored, internal::LoadStored(store_, id));
    auto i = stored.plan->Find(task_id);
    if (!i) return no_task();
    return internal::LoadLogs(*store_, id, *i);
  }

  Result<std::vector<Event>> Events(const std::string& id, std::uint64_t since) {
    struct Live {
      std::uint64_t base = 0;
      std::shared_ptr<const dag::Plan> plan;
      std::vector<Event> events;  // seq > max(base, since)
    };
    auto live = OnShard<Live>(id, [since](ShardScheduler& s, WorkflowRun& r) -> Result<Live> {
      Live out{r.event_base, r.shared_plan, {}};
      std::size_t from = since > r.event_base ? static_cast<std::size_t>(since - r.event_base) : 0;
      for (std::size_t k = from; k < r.events.size(); ++k) out.events.push_back(s.ToEvent(r, k));
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
        GOCLAW_ASSIGN_OR_RETURN(auto stored, internal::LoadStored(store_, id));
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

  Result<WorkflowStatus> Wait(const std::string& id, std::optional<std::chrono::milliseconds> timeout) {
    GOCLAW_RETURN_IF_ERROR(index_->WaitFinished(id, timeout));
    return Get(id);
  }

  EngineMetrics Metrics() {
    std::vector<std::promise<EngineMetrics>> answers(schedulers_.size());
    for (auto& s : schedulers_) {
      GOCLAW_CHECK(!s->OnShardThread());
      ShardScheduler* sp = s.get();
      s->Post([this, sp, &answers] {
        EngineMetrics m = metrics_->Snapshot(sp->index());
        m.in_memory = sp->run_count();
        answers[sp->index()].set_value(std::move(m));
      });
    }
    EngineMetrics total;
    for (auto& a : answers) total.Merge(a.get_future().get());
    return total;
  }

  // ---- cancel ----

  Status Cancel(const std::string& id) {
    GOCLAW_CHECK(!SchedulerOf(id).OnShardThread());
    std::promise<Status> promise;
    auto future = promise.get_future();
    CancelAsync(id, [&promise](Status s) { promise.set_value(std::move(s)); });
    return future.get();
  }

  void CancelAsync(const std::string& id, StatusCallback done) {
    // Here, not on the shard: an evicted workflow's summary comes from the store.
    auto summary = Summary(id);
    if (!summary) {
      done(MakeError(summary.error()));
      return;
    }
    if (IsTerminal(summary->state)) {
      done(MakeError(ErrorCode::kFailedPrecondition,
                     "workflow \"" + id + "\" already " + std::string(WorkflowStateName(summary->state))));
      return;
    }
    ShardScheduler& s = SchedulerOf(id);
    s.Post([&s, id, done = std::move(done)]() mutable {
      WorkflowRun* run = s.Find(id);
      if (run == nullptr) {  // evicted meanwhile, so finished
        done(MakeError(ErrorCode::kFailedPrecondition, "workflow \"" + id + "\" already finished"));
        return;
      }
      if (IsTerminal(run->state)) {
        done(MakeError(ErrorCode::kFailedPrecondition,
                       "workflow \"" + run->id + "\" already " + std::string(WorkflowStateName(run->state))));
        return;
      }
      s.CancelWorkflow(*run);
      if (s.journal() == nullptr) {
        done(OkStatus());
        return;
      }
      s.journal()->WhenDurable(std::move(done));
    });
  }

  // ---- signals ----

  // Checked here, accepted on the shard, answered once durable, then delivered.
  void SignalAsync(const std::string& id, SignalRequest request, SignalCallback done) {
    if (Status ok = CheckSignalRequest(request, options_.signals); !ok) return done(MakeError(ok.error()));
    auto summary = Summary(id);
    if (!summary) return done(MakeError(summary.error()));
    auto finished = [id](WorkflowState state) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "workflow \"" + id + "\" already " + std::string(WorkflowStateName(state)));
    };
    if (IsTerminal(summary->state)) return done(finished(summary->state));
    ShardScheduler& s = SchedulerOf(id);
    s.Post([&s, id, finished, request = std::move(request), done = std::move(done)]() mutable {
      WorkflowRun* run = s.Find(id);
      if (run == nullptr) return done(finished(WorkflowState::kCompleted));  // evicted meanwhile
      auto seq = s.AcceptSignal(*run, std::move(request));
      if (!seq) return done(MakeError(seq.error()));
      SignalStatus accepted = s.SignalStatusOf(*run, *seq);
      if (s.journal() == nullptr) return done(std::move(accepted));
      const std::uint64_t h = run->handle;
      s.journal()->WhenDurable([&s, h, seq = *seq, accepted = std::move(accepted),
                                done = std::move(done)](Status written) mutable {
        if (!written) return done(MakeError(written.error()));
        done(std::move(accepted));
        if (WorkflowRun* r = s.FindHandle(h)) s.SignalStored(*r, seq);
      });
    });
  }

  Result<SignalStatus> Signal(const std::string& id, SignalRequest request) {
    GOCLAW_CHECK(!SchedulerOf(id).OnShardThread());
    std::promise<Result<SignalStatus>> promise;
    auto future = promise.get_future();
    SignalAsync(id, std::move(request), [&promise](Result<SignalStatus> r) { promise.set_value(std::move(r)); });
    return future.get();
  }

  Result<std::vector<SignalStatus>> Signals(const std::string& id, const std::string& task) {
    auto live = OnShard<std::vector<SignalStatus>>(
        id, [&](ShardScheduler& s, WorkflowRun& r) -> Result<std::vector<SignalStatus>> {
          if (!task.empty() && !r.plan.Find(task)) return internal::NoTask(id, task);
          return s.SignalsOf(r, task);
        });
    if (live) return std::move(*live);
    GOCLAW_ASSIGN_OR_RETURN(auto stored, internal::LoadStored(store_, id));
    if (!task.empty() && !stored.plan->Find(task)) return internal::NoTask(id, task);
    GOCLAW_ASSIGN_OR_RETURN(auto signals, internal::LoadSignals(*store_, id));
    return internal::StatusesOf(signals, id, *stored.plan, task);
  }

  // ---- observers ----

  std::uint64_t AddObserver(std::shared_ptr<RunObserver> observer) {
    GOCLAW_CHECK(observer != nullptr);
    std::lock_guard lock(observers_mu_);
    const std::uint64_t handle = ++next_observer_;
    observers_.emplace(handle, std::move(observer));
    PublishObserversLocked();
    return handle;
  }

  void RemoveObserver(std::uint64_t handle) {
    {
      std::lock_guard lock(observers_mu_);
      if (observers_.erase(handle) == 0) return;
      PublishObserversLocked();
    }
    OnEveryShard([](ShardScheduler&) {});  // every shard has the list without it
  }

  std::uint64_t Subscribe(EventCallback callback) {
    return AddObserver(std::make_shared<CallbackObserver>(std::move(callback)));
  }

  // ---- recovery, stop ----

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
    for (auto& run : runs) {
      ShardScheduler& s = *schedulers_[run->shard];
      s.Post([this, &s, run = std::move(run)]() mutable {
        WorkflowRun& r = *run;
        s.Admit(std::move(run), /*recovered=*/true);
        recovery_->ResumeRun(s, r);
      });
    }
    if (n > 0) {
      for (auto& s : schedulers_) {
        ShardScheduler* sp = s.get();
        s->Post([this, sp] { recovery_->Finish(*sp); });
      }
    }
    return n;
  }

  std::size_t Drain(std::chrono::milliseconds timeout) {
    draining_ = true;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t running = RunningAttempts();
    while (running > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      running = RunningAttempts();
    }
    // A failed write is logged by the journal (and retried); ~Engine flushes again and says
    // what is still not written.
    IgnoreError(FlushAll(), "logged by the journal");
    return running;
  }

  bool StoreHealthy() const { return store_healthy_.load(); }
  Status Flush() { return FlushAll(); }
  bool draining() const { return draining_.load(); }

 private:
  // ---- placement ----

  // A run's engine-unique handle and its shard: a stable hash of its id (core/hash.h), the same
  // on every build.
  void Place(WorkflowRun& run) {
    run.handle = next_handle_.fetch_add(1, std::memory_order_relaxed);
    run.shard = static_cast<std::uint32_t>(StableHash64(run.id) % schedulers_.size());
  }
  ShardScheduler& SchedulerOf(const std::string& id) {
    return *schedulers_[StableHash64(id) % schedulers_.size()];
  }

  // A new run from intake, indexed at once (a caller told the id may ask about it before its
  // shard saw it).
  void Admit(std::unique_ptr<WorkflowRun> run) {
    index_->Add(WorkflowSummary{run->id, run->plan.spec().name, run->state, run->created_at, run->tasks.size(),
                                std::nullopt});
    ShardScheduler& s = *schedulers_[run->shard];
    s.Post([&s, run = std::move(run)]() mutable { s.Admit(std::move(run), /*recovered=*/false); });
  }

  // Runs fn on the workflow's shard and waits for its answer; nullopt when the workflow is not
  // in memory (evicted, or unknown: ask the store).
  template <typename T>
  std::optional<Result<T>> OnShard(const std::string& id,
                                   const std::function<Result<T>(ShardScheduler&, WorkflowRun&)>& fn) {
    ShardScheduler& s = SchedulerOf(id);
    GOCLAW_CHECK(!s.OnShardThread());
    std::promise<std::optional<Result<T>>> promise;
    auto future = promise.get_future();
    s.Post([&s, &id, &fn, &promise] {
      WorkflowRun* run = s.Find(id);
      if (run == nullptr) {
        promise.set_value(std::nullopt);
        return;
      }
      promise.set_value(fn(s, *run));
    });
    auto answer = future.get();
    if (!answer && store_ == nullptr) return Result<T>(NotFound(id));
    return answer;
  }

  // Runs fn on every shard and waits for all of them. Not from a shard thread.
  void OnEveryShard(const std::function<void(ShardScheduler&)>& fn) {
    std::vector<std::promise<void>> done(schedulers_.size());
    for (auto& s : schedulers_) {
      ShardScheduler* sp = s.get();
      s->Post([&fn, &done, sp] {
        fn(*sp);
        done[sp->index()].set_value();
      });
    }
    for (auto& d : done) d.get_future().wait();
  }

  // The engine's own observers first: metrics, then the workflow index.
  void PublishObservers() {
    std::lock_guard lock(observers_mu_);
    PublishObserversLocked();
  }
  void PublishObserversLocked() {
    std::vector<std::shared_ptr<RunObserver>> list{metrics_, index_};
    for (const auto& [handle, o] : observers_) list.push_back(o);
    // Posted under the lock, so that every shard gets the lists in the order they were made.
    for (auto& s : schedulers_) {
      ShardScheduler* sp = s.get();
      s->Post([sp, list] { sp->SetObservers(list); });
    }
  }

  // ---- persistence ----

  Status CheckStoreTables() const {
    const auto& tables = store_->Tables();
    for (const store::TableSpec& table : StoreTables()) {
      if (std::none_of(tables.begin(), tables.end(), [&](const auto& t) { return t.name == table.name; })) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "the store was opened without the engine's table \"" + table.name +
                             "\"; open it with StoreOptions::tables = engine::StoreTables()");
      }
    }
    return OkStatus();
  }

  // Waits until everything that happened so far is durable (or the store failed). Any thread
  // but a shard's or the store's.
  Status FlushAll() {
    if (store_ == nullptr) return OkStatus();
    std::vector<std::promise<Status>> done(schedulers_.size());
    for (auto& s : schedulers_) {
      ShardScheduler* sp = s.get();
      s->Post([&done, sp] {
        sp->journal()->WhenDurable([&done, sp](Status st) { done[sp->index()].set_value(std::move(st)); });
      });
    }
    Status result = OkStatus();
    for (auto& d : done) {
      Status st = d.get_future().get();
      if (!st && result) result = std::move(st);
    }
    return result;
  }

  std::size_t RunningAttempts() const {
    std::int64_t n = 0;
    for (const auto& s : schedulers_) n += s->running();
    return static_cast<std::size_t>(std::max<std::int64_t>(0, n));
  }

  EngineOptions options_;
  SystemClock system_clock_;
  std::unique_ptr<ThreadTimerQueue> owned_timers_;
  std::unique_ptr<lane::LaneRegistry> lanes_;
  std::shared_ptr<exec::FunctionRegistry> functions_ = std::make_shared<exec::FunctionRegistry>();
  std::unique_ptr<exec::ExecutorRegistry> executors_;
  store::Store* store_ = nullptr;
  std::atomic<bool> store_healthy_{true};
  std::atomic<bool> draining_{false};     // no new submits or attempts
  std::atomic<bool> closing_{false};      // completions and timers are ignored
  std::shared_ptr<internal::WorkflowIndex> index_;
  std::shared_ptr<internal::MetricsObserver> metrics_;
  std::unique_ptr<internal::Intake> intake_;
  std::unique_ptr<internal::SchedulerContext> context_;
  std::vector<std::unique_ptr<ShardScheduler>> schedulers_;
  std::atomic<std::uint64_t> next_handle_{1};
  std::unique_ptr<internal::Recovery> recovery_;
  std::unique_ptr<internal::Retention> retention_;
  std::mutex recovered_mu_;
  std::vector<std::unique_ptr<WorkflowRun>> recovered_;  // loaded at Create, waiting for Resume
  std::mutex observers_mu_;
  std::map<std::uint64_t, std::shared_ptr<RunObserver>> observers_;
  std::uint64_t next_observer_ = 0;
};

// ---- Engine ----

std::vector<store::TableSpec> StoreTables() { return {internal::LogTable(), internal::SignalTable()}; }

EngineOptions EngineOptionsFromConfig(const config::Config& config) {
  EngineOptions options;
  options.lanes = config.lanes;
  options.evict_after = config.storage.evict_after;
  options.retention = config.storage.retention;
  options.max_output_bytes = static_cast<std::size_t>(config.limits.max_output_bytes);
  options.max_config_bytes = static_cast<std::size_t>(config.limits.max_config_bytes);
  options.max_workflow_output_bytes = static_cast<std::size_t>(config.limits.max_workflow_output_bytes);
  options.max_attempt_log_bytes = static_cast<std::size_t>(config.limits.max_task_log_bytes);
  options.signals.pending_ttl = config.signals.pending_ttl;
  options.signals.max_payload_bytes = static_cast<std::size_t>(config.signals.max_payload_bytes);
  options.signals.interrupt_grace = config.signals.interrupt_grace;
  options.signals.max_per_workflow = static_cast<std::size_t>(config.signals.max_per_workflow);
  return options;
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

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
  impl_->intake().Submit(std::move(plan), std::move(input), {}, std::move(done));
}
void Engine::SubmitAsync(std::shared_ptr<const dag::Plan> plan, boost::json::object input, SubmitOptions options,
                         SubmitCallback done) {
  impl_->intake().Submit(std::move(plan), std::move(input), std::move(options), std::move(done));
}
std::string Engine::NewWorkflowId() { return impl_->intake().NewWorkflowId(); }
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
Result<WorkflowStatus> Engine::Wait(const std::string& id, std::optional<std::chrono::milliseconds> timeout) {
  return impl_->Wait(id, timeout);
}
std::uint64_t Engine::AddObserver(std::shared_ptr<RunObserver> observer) { return impl_->AddObserver(std::move(observer)); }
void Engine::RemoveObserver(std::uint64_t handle) { impl_->RemoveObserver(handle); }
std::uint64_t Engine::Subscribe(EventCallback callback) { return impl_->Subscribe(std::move(callback)); }
std::array<std::size_t, kWorkflowStateCount> Engine::CountByState() const { return impl_->CountByState(); }
EngineMetrics Engine::Metrics() { return impl_->Metrics(); }
Result<TaskLogs> Engine::Logs(const std::string& workflow_id, const std::string& task_id) {
  return impl_->Logs(workflow_id, task_id);
}
Result<std::vector<Event>> Engine::Events(const std::string& id, std::uint64_t since) {
  return impl_->Events(id, since);
}
void Engine::SignalAsync(const std::string& id, SignalRequest request, SignalCallback done) {
  impl_->SignalAsync(id, std::move(request), std::move(done));
}
Result<SignalStatus> Engine::Signal(const std::string& id, SignalRequest request) {
  return impl_->Signal(id, std::move(request));
}
Result<std::vector<SignalStatus>> Engine::Signals(const std::string& id, const std::string& task) {
  return impl_->Signals(id, task);
}
lane::LaneRegistry& Engine::lanes() { return impl_->lanes(); }

}  // namespace goclaw::engine
