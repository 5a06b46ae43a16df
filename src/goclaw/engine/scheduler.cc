// The shard scheduler: transitions, lanes, attempts, completions (scheduler.h).
#include "goclaw/engine/scheduler.h"

#include <utility>

#include "goclaw/core/check.h"
#include "goclaw/core/json_limits.h"
#include "goclaw/engine/retry.h"
#include "goclaw/engine/run_records.h"
#include "goclaw/engine/run_inputs.h"
#include "goclaw/engine/task_log.h"
#include "goclaw/lane/multi_acquire.h"

namespace goclaw::engine::internal {
namespace {

Result<lane::PermitSet> ToPermitSet(Result<lane::Permit> permit) {
  if (!permit) return tl::unexpected<Error>(permit.error());
  std::vector<lane::Permit> permits;
  permits.push_back(std::move(*permit));
  return lane::PermitSet(std::move(permits));
}

}  // namespace

ShardScheduler::ShardScheduler(std::uint32_t index, SchedulerContext& context, std::uint64_t seed)
    : index_(index), ctx_(context), shard_(static_cast<int>(index)), rng_(seed) {
  if (ctx_.store != nullptr) {
    journal_ = std::make_unique<ShardJournal>(
        *ctx_.store, [this](UniqueFunction<void()> fn) { shard_.Post(std::move(fn)); }, ctx_.timers(),
        ctx_.clock(), ctx_.store_healthy, ctx_.options.logger,
        [this](WorkflowRun& run, std::size_t from, std::size_t to) { Durable(run, from, to); });
  }
}

ShardScheduler::~ShardScheduler() { shard_.Stop(); }

void ShardScheduler::DropRuns() {
  by_handle_.clear();
  runs_.clear();  // releases held permits
}

void ShardScheduler::SetObservers(std::vector<std::shared_ptr<RunObserver>> observers) {
  observers_ = std::move(observers);
  durable_observers_.clear();
  for (const auto& o : observers_) {
    if (o->WantsDurable()) durable_observers_.push_back(o.get());
  }
}

// ---- runs ----

void ShardScheduler::Admit(std::unique_ptr<WorkflowRun> run, bool recovered) {
  WorkflowRun* r = run.get();
  by_handle_.emplace(r->handle, r);
  runs_.emplace(r->id, std::move(run));
  std::array<std::int64_t, kTaskStateCount> by_state{};
  if (recovered) {
    for (const TaskRun& t : r->tasks) ++by_state[static_cast<std::size_t>(t.state)];
  }
  const RunAdmission admission{r->id, r->plan.spec().name, index_, r->state, r->created_at,
                               r->tasks.size(), recovered, by_state};
  for (const auto& o : observers_) o->OnRunAdmitted(admission);
  if (!recovered) StartWorkflow(*r);
}

WorkflowRun* ShardScheduler::Find(const std::string& id) {
  auto it = runs_.find(id);
  return it == runs_.end() ? nullptr : it->second.get();
}

WorkflowRun* ShardScheduler::FindHandle(std::uint64_t handle) {
  auto it = by_handle_.find(handle);
  return it == by_handle_.end() ? nullptr : it->second;
}

// ---- events and transitions ----

EventView ShardScheduler::ViewOf(const WorkflowRun& run, std::size_t k, double elapsed,
                                 boost::json::value& payload) const {
  const StoredEvent& s = run.events[k];
  const bool wf = s.task == StoredEvent::kWorkflow;
  EventView v;
  v.kind = s.kind;
  if (s.kind == EventKind::kSignal) {
    payload = SignalEventPayload(run.signals->list[s.error - 1], run.plan, s.task, static_cast<SignalState>(s.to));
    v.payload = &payload;
  }
  v.seq = run.event_base + k + 1;
  v.workflow_id = run.id;
  if (!wf) {
    v.task = &run.plan.task(s.task);
    v.task_id = v.task->id;
  }
  v.from = s.from;
  v.to = s.to;
  v.attempt = s.attempt;
  v.time = s.time;
  if (s.kind != EventKind::kSignal) v.error = run.messages[s.error];
  v.shard = index_;
  v.elapsed_seconds = elapsed;
  return v;
}

Event ShardScheduler::ToEvent(const WorkflowRun& run, std::size_t k) const {
  boost::json::value payload;
  return ViewOf(run, k, -1, payload).ToEvent();
}

void ShardScheduler::Emit(WorkflowRun& run, std::uint32_t task, std::uint8_t from, std::uint8_t to, int attempt,
                          Clock::WallTime now, std::uint32_t error, double elapsed) {
  run.events.push_back({now, task, attempt, error, from, to,
                        task == StoredEvent::kWorkflow ? EventKind::kWorkflowState : EventKind::kTaskState});
  if (journal_) {
    if (task == StoredEvent::kWorkflow) {
      journal_->TouchRecord(run);
    } else {
      journal_->TouchTask(run, task);
    }
    journal_->Counted();
  }
  EventView view;
  view.kind = task == StoredEvent::kWorkflow ? EventKind::kWorkflowState : EventKind::kTaskState;
  view.seq = run.event_base + run.events.size();
  view.workflow_id = run.id;
  if (task != StoredEvent::kWorkflow) {
    view.task = &run.plan.task(task);
    view.task_id = view.task->id;
  }
  view.from = from;
  view.to = to;
  view.attempt = attempt;
  view.time = now;
  view.error = run.messages[error];
  view.shard = index_;
  view.elapsed_seconds = elapsed;
  for (const auto& o : observers_) o->OnEvent(view);
  // Without a store an event is as durable as it gets once it happened.
  if (!journal_) {
    for (RunObserver* o : durable_observers_) o->OnDurable(view);
  }
}

// Events [from, to) of `run` were committed.
void ShardScheduler::Durable(WorkflowRun& run, std::size_t from, std::size_t to) {
  if (durable_observers_.empty()) return;
  boost::json::value payload;
  for (std::size_t k = from; k < to; ++k) {
    const EventView view = ViewOf(run, k, -1, payload);
    for (RunObserver* o : durable_observers_) o->OnDurable(view);
  }
}

void ShardScheduler::SetWorkflowState(WorkflowRun& run, WorkflowState to) {
  GOCLAW_CHECK(CanTransition(run.state, to));
  WorkflowState from = run.state;
  run.state = to;
  const Clock::WallTime now = ctx_.clock().Now();
  if (to == WorkflowState::kRunning) run.started_at = now;
  if (IsTerminal(to)) run.finished_at = now;
  Emit(run, StoredEvent::kWorkflow, static_cast<std::uint8_t>(from), static_cast<std::uint8_t>(to), 0, now,
       to == WorkflowState::kFailed ? run.AddMessage(run.error) : 0, -1);
  if (IsTerminal(to)) {
    if (run.signals) ExpireUndelivered(run, StoredEvent::kWorkflow, "the workflow finished");
    ScheduleEviction(run);
  }
}

void ShardScheduler::SetTaskState(WorkflowRun& run, Index i, TaskState to, std::string error) {
  TaskRun& t = run.tasks[i];
  GOCLAW_CHECK(CanTransition(t.state, to));
  TaskState from = t.state;
  t.state = to;
  const Clock::WallTime now = ctx_.clock().Now();  // one clock read per transition
  if (to == TaskState::kRunning && t.started_at == Clock::WallTime{}) t.started_at = now;
  if (to == TaskState::kRunning || from == TaskState::kRunning) {
    // One writer (this shard): a plain load and store, no read-modify-write on the hot path.
    running_.store(running_.load(std::memory_order_relaxed) + (to == TaskState::kRunning ? 1 : -1),
                   std::memory_order_relaxed);
  }
  // How long the task queued, or its attempt ran (observers time them: engine_metrics.h).
  double elapsed = -1;
  if (t.active) {
    const bool timed = (from == TaskState::kQueued && to == TaskState::kRunning) || from == TaskState::kRunning;
    if (timed) elapsed = std::chrono::duration<double>(now - t.active->since).count();
    if (to == TaskState::kQueued || (from == TaskState::kQueued && to == TaskState::kRunning)) t.active->since = now;
  }
  const std::uint32_t message = run.AddMessage(std::move(error));
  if (IsTerminal(to)) {
    t.finished_at = now;
    t.error = message;
    t.active.reset();
    --run.unfinished;
  }
  Emit(run, i, static_cast<std::uint8_t>(from), static_cast<std::uint8_t>(to), t.attempts, now, message, elapsed);
  if (run.signals && IsTerminal(to)) ExpireUndelivered(run, i, "the task finished before it was delivered");
}

// ---- scheduling ----

// From pending (a new run) or from where a recovered run stopped before it ran.
void ShardScheduler::StartWorkflow(WorkflowRun& run) {
  if (run.state == WorkflowState::kPending) SetWorkflowState(run, WorkflowState::kScheduled);
  SetWorkflowState(run, WorkflowState::kRunning);
  for (Index i : run.plan.roots()) MakeReady(run, i);
  MaybeFinish(run);
}

void ShardScheduler::MakeReady(WorkflowRun& run, Index i) {
  if (run.state != WorkflowState::kRunning) return;
  if (!ResolveConfig(run, i)) return;
  SetTaskState(run, i, TaskState::kReady);
  Enqueue(run, i);
}

void ShardScheduler::Requeue(WorkflowRun& run, Index i) {
  if (ResolveConfig(run, i)) Enqueue(run, i);
}

bool ShardScheduler::ResolveConfig(WorkflowRun& run, Index i) {
  Result<boost::json::value> resolved = ResolveTaskConfig(run, i, ctx_.options.max_config_bytes);
  if (!resolved) {
    if (run.tasks[i].state == TaskState::kReady || run.tasks[i].state == TaskState::kRetrying) {
      SetTaskState(run, i, TaskState::kQueued);  // (a recovered task: failed is not next)
    }
    TaskFailed(run, i, "resolving config: " + resolved.error().message());
    return false;
  }
  run.tasks[i].config = std::move(*resolved);
  return true;
}

void ShardScheduler::Enqueue(WorkflowRun& run, Index i) {
  TaskRun& t = run.tasks[i];
  const dag::TaskSpec& spec = run.plan.task(i);
  std::vector<lane::LaneClaim> claims;
  auto main_lane = ctx_.lanes.Resolve(spec.lane);
  if (!main_lane) {
    if (t.state != TaskState::kQueued) SetTaskState(run, i, TaskState::kQueued);
    TaskFailed(run, i, main_lane.error().message());
    return;
  }
  claims.push_back({std::move(*main_lane), 1});
  if (!spec.session.empty()) {
    if (auto session = ctx_.lanes.Resolve("session:" + spec.session)) claims.push_back({std::move(*session), 1});
  }
  if (!t.active) {
    t.active = std::make_unique<ActiveTask>();
    // A recovered queued task keeps its state, so no transition stamps its queue time.
    if (t.state == TaskState::kQueued) t.active->since = ctx_.clock().Now();
  }
  if (t.state != TaskState::kQueued) SetTaskState(run, i, TaskState::kQueued);
  const std::uint64_t h = run.handle;
  const int attempt = t.attempts + 1;
  if (claims.size() == 1) {
    // Fast path: one lane with room now (TryAcquire never overtakes anyone waiting).
    if (auto permit = claims[0].lane.TryAcquire({.priority = spec.priority})) {
      OnAdmitted(run, i, attempt, ToPermitSet(std::move(*permit)));
      return;
    }
    // One lane, no room: wait in it directly (no multi-lane acquisition object; a million
    // queued tasks feel the difference).
    t.active->ticket = claims[0].lane.Acquire({.priority = spec.priority}, [this, h, i, attempt](Result<lane::Permit> permit) mutable {
      if (permit) {
        Deliver({h, i, attempt, std::move(*permit)});
        return;
      }
      PostToRun(h, [this, i, attempt, permit = std::move(permit)](WorkflowRun& r) mutable {
        OnAdmitted(r, i, attempt, ToPermitSet(std::move(permit)));
      });
    });
    return;
  }
  t.active->acquisition = lane::AcquireAll(std::move(claims), {.priority = spec.priority},
                                           [this, h, i, attempt](Result<lane::PermitSet> permits) mutable {
                                             PostToRun(h, [this, i, attempt, permits = std::move(permits)](WorkflowRun& r) mutable {
                                               OnAdmitted(r, i, attempt, std::move(permits));
                                             });
                                           });
}

void ShardScheduler::OnAdmitted(WorkflowRun& run, Index i, int attempt, Result<lane::PermitSet> permits) {
  TaskRun& t = run.tasks[i];
  if (t.state != TaskState::kQueued || t.attempts + 1 != attempt) return;  // cancelled
  if (ctx_.draining.load(std::memory_order_relaxed)) return;  // stays queued, for the next start
  t.active->acquisition.reset();
  t.active->ticket = lane::Ticket();
  if (!permits) {
    TaskFailed(run, i, permits.error().message());
    return;
  }
  t.active->permits.emplace(std::move(*permits));
  StartAttempt(run, i, attempt);
}

void ShardScheduler::StartAttempt(WorkflowRun& run, Index i, int attempt) {
  TaskRun& t = run.tasks[i];
  ++t.attempts;
  const dag::TaskSpec& spec = run.plan.task(i);
  const std::uint64_t h = run.handle;
  // What the attempt reports comes back to this shard, fenced by attempt number.
  t.active->channel = std::make_shared<exec::AttemptChannel>(static_cast<exec::AttemptReportSink*>(this), exec::ReportTag{h, i, attempt});
  exec::Attempt a;
  a.workflow_id = run.id;
  a.task_id = spec.id;
  a.number = t.attempts;
  a.idempotency_key = exec::IdempotencyKeyOf(run.idempotency_key_template, run.id, spec.id, t.attempts);
  a.type = spec.type;
  a.config = t.config;
  a.input = run.input;
  a.channel = t.active->channel;
  a.lineage_depth = run.lineage_depth;
  a.timeout = spec.timeout;
  if (spec.on_interrupt == dag::OnInterrupt::kRestart && run.signals) a.interrupt = RestartPayload(run, i);
  if (spec.timeout) {
    ctx_.timers().At(ctx_.clock().SteadyNow() + *spec.timeout, [this, h, i, attempt] {
      PostToRun(h, [this, i, attempt](WorkflowRun& r) {
        TaskRun& task = r.tasks[i];
        if (task.state != TaskState::kRunning || task.attempts != attempt) return;
        task.active->channel->Cancel();
        OnAttemptDone(r, i, attempt,
                      exec::AttemptResult::Fail(ErrorCode::kDeadlineExceeded,
                                                "attempt timed out after " + FormatDuration(*r.plan.task(i).timeout), true));
      });
    });
  }
  // The event goes out once the timeout is armed, so whoever sees "running" may rely on it.
  SetTaskState(run, i, TaskState::kRunning);
  exec::Executor* executor = ctx_.executors.Find(spec.type);
  GOCLAW_CHECK(executor != nullptr);  // Submit and recovery admit only types that run here
  WorkflowRun* run_ptr = &run;
  const bool outermost = !in_start_;
  in_start_ = true;
  executor->Start(std::move(a), [this, h, i, attempt, run_ptr](exec::AttemptResult result) mutable {
    if (shard_.OnShardThread() && in_start_) {
      // Finished while Start ran (noop, echo, inline functions): handled right after it
      // returns, without a trip through the shard's queue. The run cannot go away meanwhile.
      completions_.push_back({run_ptr, i, attempt, std::move(result)});
      return;
    }
    PostToRun(h, [this, i, attempt, result = std::move(result)](WorkflowRun& r) mutable {
      OnAttemptDone(r, i, attempt, std::move(result));
    });
  });
  // Signals waiting for this task (or sent to an earlier attempt and not acknowledged) go to the
  // attempt now that its executor listens.
  if (run.signals && t.state == TaskState::kRunning && t.attempts == attempt) DeliverWaiting(run, i);
  if (!outermost) return;  // the outermost Start's loop below handles what this one queued
  // A trampoline, not recursion: completing a task readies and starts the next ones, whose
  // synchronous completions queue up here (a 1M-task chain would otherwise overflow the stack).
  while (!completions_.empty()) {
    Completion c = std::move(completions_.front());
    completions_.pop_front();
    OnAttemptDone(*c.run, c.task, c.attempt, std::move(c.result));
  }
  in_start_ = false;
}

void ShardScheduler::OnReport(const exec::ReportTag& tag, exec::AttemptReport report) {
  PostToRun(tag.run, [this, tag, report = std::move(report)](WorkflowRun& r) mutable {
    ApplyReport(r, tag.task, tag.attempt, std::move(report));
  });
}

// Log lines are kept (bounded per attempt) even when they arrive after the attempt finished (an
// inline function's lines are posted before its result is handled); older attempts' are dropped.
void ShardScheduler::ApplyReport(WorkflowRun& run, Index i, int attempt, exec::AttemptReport report) {
  TaskRun& t = run.tasks[i];
  if (t.attempts != attempt) return;
  const std::size_t budget = ctx_.options.max_attempt_log_bytes;
  TaskLog& log = run.logs[i];
  const std::size_t before = log.lines.size();
  switch (report.kind) {
    case exec::AttemptReport::Kind::kLog:
      AppendLog(log, attempt, ctx_.clock().Now(), std::move(report.stream), std::move(report.text), budget);
      break;
    case exec::AttemptReport::Kind::kProgress:
      AppendLog(log, attempt, ctx_.clock().Now(), "progress",
                std::to_string(static_cast<int>(report.fraction * 100)) + "%" +
                    (report.text.empty() ? "" : " " + report.text),
                budget);
      break;
    case exec::AttemptReport::Kind::kAck:
      SignalAcknowledged(run, i, attempt, report.seq);
      return;
    case exec::AttemptReport::Kind::kHeartbeat:
      return;  // pull workers act on these
  }
  if (journal_) journal_->TouchTask(run, i);
  if (log.lines.size() > before) {  // kept, not dropped by the bound: observers see it live
    const LogLine& line = log.lines.back();
    LogView view;
    view.workflow_id = run.id;
    view.task_id = run.plan.task(i).id;
    view.attempt = line.attempt;
    view.index = log.lines.size() - 1;
    view.time = line.time;
    view.stream = line.stream;
    view.text = line.text;
    for (const auto& o : observers_) o->OnLog(view);
  }
}

exec::AttemptResult ShardScheduler::AcceptOutput(WorkflowRun& run, exec::AttemptResult result) {
  auto size = AcceptTaskOutput(run, *result.output, ctx_.options);
  if (!size) return exec::AttemptResult::Fail(size.error().code(), size.error().message(), false);
  return result;
}

void ShardScheduler::OnAttemptDone(WorkflowRun& run, Index i, int attempt, exec::AttemptResult result) {
  TaskRun& t = run.tasks[i];
  if (t.state != TaskState::kRunning || t.attempts != attempt) return;  // stale
  if (ctx_.closing.load(std::memory_order_relaxed)) return;  // cut short by the stop, not failed
  // The permits go back now; the rest of the attempt's state (its start time) lives until the
  // task leaves `running`.
  t.active->permits.reset();
  t.active->channel.reset();
  const std::uint64_t interrupt = std::exchange(t.active->interrupted_by, 0);
  if (interrupt != 0) {
    SignalAcknowledged(run, i, attempt, interrupt);  // the attempt ended: the interrupt took effect
    if (!result.output) {
      InterruptedAttemptEnded(run, i, interrupt);
      return;
    }
  }
  if (result.output) {
    try {
      result = AcceptOutput(run, std::move(result));
    } catch (const std::bad_alloc&) {
      result = exec::AttemptResult::Fail(ErrorCode::kResourceExhausted, "out of memory while storing the output", false);
    }
  }
  if (result.output) {
    t.output = std::move(*result.output);
    SetTaskState(run, i, TaskState::kCompleted);
    ReleaseDownstream(run, i);
    MaybeFinish(run);
    return;
  }
  const dag::TaskSpec& spec = run.plan.task(i);
  std::string error = result.output.error().message();
  if (result.lost && run.state == WorkflowState::kRunning) {  // runs again, no retry used
    ++t.interrupted;
    SetTaskState(run, i, TaskState::kRetrying, error + "; running it again");
    t.active.reset();
    Enqueue(run, i);
    return;
  }
  // Attempts an engine stop cut short do not use up the task's retries.
  if (result.retryable && t.attempts - t.interrupted <= spec.retries.max_retries &&
      run.state == WorkflowState::kRunning) {
    Millis delay = RetryDelay(spec.retries, t.attempts, rng_);
    const std::uint64_t h = run.handle;
    ctx_.timers().At(ctx_.clock().SteadyNow() + delay, [this, h, i] {
      PostToRun(h, [this, i](WorkflowRun& r) {
        if (r.tasks[i].state == TaskState::kRetrying) Enqueue(r, i);
      });
    });
    // After arming the timer (it posts to this shard, so it cannot act before this returns).
    SetTaskState(run, i, TaskState::kRetrying, error);
    t.active.reset();
    return;
  }
  TaskFailed(run, i, error);
}

void ShardScheduler::ReleaseDownstream(WorkflowRun& run, Index i) {
  for (Index d : run.plan.downstream(i)) {
    if (--run.tasks[d].waiting_for == 0 && run.tasks[d].state == TaskState::kPending) MakeReady(run, d);
  }
}

// A task failed for good: either its dependents go on without it (on_failure: continue), or
// everything downstream is skipped and the workflow will fail.
void ShardScheduler::TaskFailed(WorkflowRun& run, Index i, std::string error) {
  const dag::TaskSpec& spec = run.plan.task(i);
  SetTaskState(run, i, TaskState::kFailed, error);
  if (spec.on_failure == dag::OnFailure::kContinue) {
    ReleaseDownstream(run, i);
  } else {
    if (run.error.empty()) {
      run.error = "task \"" + spec.id + "\" failed: " + error;
      if (journal_) journal_->TouchRecord(run);
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

void ShardScheduler::CancelWorkflow(WorkflowRun& run) {
  // Every waiting ticket is withdrawn before any permit goes back: otherwise a permit
  // released by one task would be granted to a queued task of this same run, and the lane
  // would count it as running until the shard dropped the grant.
  for (Index i = 0; i < run.plan.task_count(); ++i) {
    TaskRun& t = run.tasks[i];
    if (IsTerminal(t.state) || !t.active) continue;
    if (t.active->acquisition) t.active->acquisition->Cancel();
    if (!t.active->ticket.empty()) t.active->ticket.Cancel();
    if (t.active->channel) t.active->channel->Cancel();
  }
  for (Index i = 0; i < run.plan.task_count(); ++i) {
    if (IsTerminal(run.tasks[i].state)) continue;
    // SetTaskState times the cancelled attempt, then releases what the task held.
    SetTaskState(run, i, TaskState::kCancelled, "workflow cancelled");
  }
  if (run.error.empty()) run.error = "cancelled";
  SetWorkflowState(run, WorkflowState::kCancelled);
}

void ShardScheduler::CancelRunningAttempts() {
  for (auto& [id, run] : runs_) {
    for (TaskRun& t : run->tasks) {
      if (t.state == TaskState::kRunning && t.active && t.active->channel) t.active->channel->Cancel();
    }
  }
}

void ShardScheduler::MaybeFinish(WorkflowRun& run) {
  if (run.unfinished > 0 || run.state != WorkflowState::kRunning) return;
  SetWorkflowState(run, run.error.empty() ? WorkflowState::kCompleted : WorkflowState::kFailed);
}

// ---- eviction ----

// A finished run leaves memory once its last records are durable; the store answers for it
// from then on.
void ShardScheduler::ScheduleEviction(WorkflowRun& run) {
  if (!journal_) return;
  const std::uint64_t h = run.handle;
  ctx_.timers().At(ctx_.clock().SteadyNow() + ctx_.options.evict_after, [this, h] {
    PostToRun(h, [this](WorkflowRun& r) { Evict(r); });
  });
}

void ShardScheduler::Evict(WorkflowRun& run) {
  const std::uint64_t h = run.handle;
  journal_->WhenDurable([this, h](Status written) {
    WorkflowRun* r = FindHandle(h);
    if (r == nullptr) return;
    if (!written || r->in_journal) {  // not all of it is in the store yet: later
      ScheduleEviction(*r);
      return;
    }
    for (const auto& o : observers_) o->OnRunEvicted(r->id, index_);
    by_handle_.erase(h);
    runs_.erase(r->id);  // destroys r
  });
}

// ---- lane admissions from other threads ----

// Admissions are batched through the inbox: opening a lane with a million waiters costs a
// million 32-byte entries and a few posts, not a million queued closures.
void ShardScheduler::Deliver(Admission a) {
  bool post = false;
  {
    MutexLock lock(inbox_mu_);
    inbox_.push_back(std::move(a));
    post = !std::exchange(inbox_posted_, true);
  }
  if (post) shard_.Post([this] { DrainInbox(); });
}

// Handles up to kInboxBatch admissions, then yields the shard to other work (queries,
// completions) and comes back for the rest.
void ShardScheduler::DrainInbox() {
  constexpr std::size_t kInboxBatch = 1024;
  std::vector<Admission> batch;
  bool more = false;
  {
    MutexLock lock(inbox_mu_);
    std::size_t n = std::min(kInboxBatch, inbox_.size());
    batch.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
      batch.push_back(std::move(inbox_.front()));
      inbox_.pop_front();
    }
    more = !inbox_.empty();
    inbox_posted_ = more;
  }
  if (more) shard_.Post([this] { DrainInbox(); });
  for (Admission& a : batch) {
    WorkflowRun* run = FindHandle(a.handle);
    if (run == nullptr) continue;  // the permit goes back with `batch`
    OnAdmitted(*run, a.task, a.attempt, ToPermitSet(std::move(a.permit)));
  }
}

// ---- queries ----

WorkflowStatus ShardScheduler::Snapshot(const WorkflowRun& run) const {
  WorkflowStatus st;
  st.id = run.id;
  st.name = run.plan.spec().name;
  st.state = run.state;
  st.created_at = run.created_at;
  st.started_at = run.started_at;
  st.finished_at = run.finished_at;
  st.error = run.error;
  st.metadata = run.plan.spec().metadata;
  st.plan = run.shared_plan;
  st.tasks.reserve(run.tasks.size());
  for (Index i = 0; i < run.plan.task_count(); ++i) {
    const TaskRun& t = run.tasks[i];
    const dag::TaskSpec& spec = run.plan.task(i);
    st.tasks.push_back(TaskStatus{spec.id, spec.name, spec.type, t.state, t.attempts, OptionalTime(t.started_at),
                                  OptionalTime(t.finished_at), run.messages[t.error], t.output});
  }
  return st;
}

}  // namespace goclaw::engine::internal
