// The shard scheduler's signals (scheduler.h, docs/design/signals.md): accepting a signal,
// handing it to running attempts in seq order, acknowledgements, expiry, and interrupts.
//
// A delivery moves pending -> delivered (handed to the attempt's channel) -> acknowledged (the
// attempt confirmed it, or the interrupt it carried ended the attempt), or pending -> expired.
// A delivery handed to an attempt that ended without acknowledging it is handed again to the
// task's next attempt (after a retry, an interrupt restart or a restart of the engine), with
// the same seq: at least once, and receivers drop a seq they have seen.
#include <algorithm>

#include "goclaw/core/check.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/engine/scheduler.h"

namespace goclaw::engine::internal {
namespace {

std::string QuoteTask(const std::string& id) { return "\"" + id + "\""; }

}  // namespace

Result<std::uint64_t> ShardScheduler::AcceptSignal(WorkflowRun& run, SignalRequest request) {
  if (IsTerminal(run.state)) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "workflow \"" + run.id + "\" already " + std::string(WorkflowStateName(run.state)));
  }
  std::uint32_t addressed = RunSignal::kWorkflow;
  if (!request.task.empty()) {
    auto i = run.plan.Find(request.task);
    if (!i) {
      Diagnostics diag;
      diag.Add("task", "workflow " + run.id + " has no task " + QuoteTask(request.task));
      return MakeError(diag.ToError("signal"));
    }
    if (IsTerminal(run.tasks[*i].state)) {
      return MakeError(ErrorCode::kFailedPrecondition, "task " + QuoteTask(request.task) + " of " + run.id +
                                                           " already " +
                                                           std::string(TaskStateName(run.tasks[*i].state)));
    }
    addressed = *i;
  }
  if (!run.signals) run.signals = std::make_unique<RunSignals>();
  RunSignals& signals = *run.signals;
  if (signals.list.size() >= ctx_.options.signals.max_per_workflow) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "workflow " + run.id + " already received " + std::to_string(signals.list.size()) +
                         " signals, the limit (signals.max_per_workflow)");
  }
  RunSignal s;
  s.seq = signals.list.size() + 1;
  s.kind = std::move(request.kind);
  s.task = addressed;
  s.payload = request.payload.is_null() ? boost::json::value(boost::json::object()) : std::move(request.payload);
  s.created_at = ctx_.clock().Now();
  s.stored = journal_ == nullptr;
  if (addressed != RunSignal::kWorkflow) {
    s.deliveries.push_back({addressed});
  } else {
    // The whole workflow: the tasks running now, and those that wait for this kind.
    for (Index i = 0; i < run.plan.task_count(); ++i) {
      const TaskState state = run.tasks[i].state;
      bool target = state == TaskState::kRunning;
      if (!target && !IsTerminal(state)) {
        const dag::TaskSpec& spec = run.plan.task(i);
        const exec::Executor* executor = ctx_.executors.Find(spec.type);
        auto awaited = executor != nullptr ? executor->AwaitedSignal(spec.config) : std::nullopt;
        target = awaited && *awaited == s.kind;
      }
      if (target) s.deliveries.push_back({static_cast<std::uint32_t>(i)});
    }
    s.waiting = s.deliveries.empty();
  }
  const std::uint64_t seq = s.seq;
  signals.list.push_back(std::move(s));
  EmitSignal(run, seq, addressed, SignalState::kPending, SignalState::kPending, 0);
  const std::uint64_t h = run.handle;
  ctx_.timers().At(ctx_.clock().SteadyNow() + ctx_.options.signals.pending_ttl, [this, h, seq] {
    PostToRun(h, [this, seq](WorkflowRun& r) { ExpireAfterTtl(r, seq); });
  });
  if (journal_ == nullptr) SignalStored(run, seq);
  return seq;
}

void ShardScheduler::SignalStored(WorkflowRun& run, std::uint64_t seq) {
  RunSignal* s = run.signals ? run.signals->Find(seq) : nullptr;
  if (s == nullptr) return;
  s->stored = true;
  for (std::size_t k = 0; k < s->deliveries.size(); ++k) {
    const SignalDelivery& d = run.signals->at_seq(seq).deliveries[k];
    const TaskRun& t = run.tasks[d.task];
    if (d.state == SignalState::kPending && t.state == TaskState::kRunning && t.active && t.active->channel) {
      Handoff(run, seq, d.task);
    }
  }
}

void ShardScheduler::ResumeSignals(WorkflowRun& run) {
  const Clock::WallTime now = ctx_.clock().Now();
  const std::uint64_t h = run.handle;
  for (const RunSignal& s : run.signals->list) {
    const bool undelivered = s.waiting || std::any_of(s.deliveries.begin(), s.deliveries.end(), [](const auto& d) {
                               return d.state == SignalState::kPending;
                             });
    if (!undelivered) continue;
    const auto left = std::max(Millis(0), std::chrono::duration_cast<Millis>(
                                              s.created_at + ctx_.options.signals.pending_ttl - now));
    const std::uint64_t seq = s.seq;
    ctx_.timers().At(ctx_.clock().SteadyNow() + left, [this, h, seq] {
      PostToRun(h, [this, seq](WorkflowRun& r) { ExpireAfterTtl(r, seq); });
    });
  }
}

SignalStatus ShardScheduler::SignalStatusOf(const WorkflowRun& run, std::uint64_t seq) const {
  return StatusOf(run.signals->list[seq - 1], run.id, run.plan);
}

std::vector<SignalStatus> ShardScheduler::SignalsOf(const WorkflowRun& run, const std::string& task) const {
  if (!run.signals) return {};
  return StatusesOf(run.signals->list, run.id, run.plan, task);
}

void ShardScheduler::EmitSignal(WorkflowRun& run, std::uint64_t seq, std::uint32_t task, SignalState from,
                                SignalState to, int attempt) {
  const Clock::WallTime now = ctx_.clock().Now();
  const RunSignal& s = run.signals->at_seq(seq);
  run.events.push_back({now, task, attempt, static_cast<std::uint32_t>(seq), static_cast<std::uint8_t>(from),
                        static_cast<std::uint8_t>(to), EventKind::kSignal});
  if (journal_) {
    journal_->TouchSignal(run, seq);
    journal_->Counted();
  }
  // Delivered: how long the signal waited since it was accepted (metrics time it).
  const double waited = to == SignalState::kDelivered && from == SignalState::kPending
                            ? std::max(0.0, std::chrono::duration<double>(now - s.created_at).count())
                            : -1;
  boost::json::value payload;
  const EventView view = ViewOf(run, run.events.size() - 1, waited, payload);
  for (const auto& o : observers_) o->OnEvent(view);
  if (!journal_) {
    for (RunObserver* o : durable_observers_) o->OnDurable(view);
  }
}

// The attempt of task i started: it gets, in seq order, what is pending for it, what an earlier
// attempt did not acknowledge, and the signals sent to the whole workflow while nothing ran.
void ShardScheduler::DeliverWaiting(WorkflowRun& run, Index i) {
  const int attempt = run.tasks[i].attempts;
  for (std::size_t k = 0; k < run.signals->list.size(); ++k) {
    RunSignal& s = run.signals->list[k];
    if (!s.stored) continue;
    if (s.waiting) {
      s.waiting = false;
      s.deliveries.push_back({static_cast<std::uint32_t>(i)});
    }
    SignalDelivery* d = s.DeliveryTo(i);
    if (d == nullptr) continue;
    const bool again = d->state == SignalState::kDelivered && d->attempt < attempt;
    if (d->state == SignalState::kPending || again) Handoff(run, s.seq, i);
    const TaskRun& t = run.tasks[i];
    if (t.state != TaskState::kRunning || t.attempts != attempt) return;  // an interrupt ended it
  }
}

// Hands signal `seq` to task i's running attempt. An interrupt ends the attempt: at once, or
// after telling it and waiting its grace period.
void ShardScheduler::Handoff(WorkflowRun& run, std::uint64_t seq, Index i) {
  TaskRun& t = run.tasks[i];
  RunSignal& s = run.signals->at_seq(seq);
  SignalDelivery* d = s.DeliveryTo(i);
  GOCLAW_CHECK(d != nullptr && t.active && t.active->channel);
  const SignalState from = d->state;
  const int attempt = t.attempts;
  d->state = SignalState::kDelivered;
  d->attempt = attempt;
  d->delivered_at = ctx_.clock().Now();
  if (s.kind != kInterruptSignal || t.active->interrupted_by != 0) {  // (a second interrupt: a message)
    t.active->channel->Send(s.kind, s.payload, seq);
    EmitSignal(run, seq, i, from, SignalState::kDelivered, attempt);
    return;
  }
  t.active->interrupted_by = seq;
  const InterruptRequest interrupt = ReadInterrupt(s.payload);
  if (!interrupt.graceful) {
    EmitSignal(run, seq, i, from, SignalState::kDelivered, attempt);
    EndInterruptedAttempt(run, i, attempt, seq);
    return;
  }
  // The grace period is armed before anyone hears the interrupt was delivered.
  const Millis grace = interrupt.timeout.value_or(ctx_.options.signals.interrupt_grace);
  const std::uint64_t h = run.handle;
  ctx_.timers().At(ctx_.clock().SteadyNow() + grace, [this, h, i, attempt, seq] {
    PostToRun(h, [this, i, attempt, seq](WorkflowRun& r) { EndInterruptedAttempt(r, i, attempt, seq); });
  });
  t.active->channel->Send(s.kind, s.payload, seq);
  EmitSignal(run, seq, i, from, SignalState::kDelivered, attempt);
}

// Cancels an interrupted attempt that is still running; it ends as interrupted.
void ShardScheduler::EndInterruptedAttempt(WorkflowRun& run, Index i, int attempt, std::uint64_t seq) {
  TaskRun& t = run.tasks[i];
  if (t.state != TaskState::kRunning || t.attempts != attempt || !t.active || t.active->interrupted_by != seq) return;
  t.active->channel->Cancel();
  OnAttemptDone(run, i, attempt, exec::AttemptResult::Fail(ErrorCode::kCancelled, "interrupted", false));
}

// An interrupted attempt failed (or was cancelled): the task restarts with the interrupt as
// extra input (on_interrupt: restart, not counted as a retry), or fails as interrupted.
void ShardScheduler::InterruptedAttemptEnded(WorkflowRun& run, Index i, std::uint64_t seq) {
  const InterruptRequest interrupt = ReadInterrupt(run.signals->at_seq(seq).payload);
  const std::string why = "interrupted by signal " + std::to_string(seq) +
                          (interrupt.reason.empty() ? std::string() : ": " + interrupt.reason);
  TaskRun& t = run.tasks[i];
  if (run.plan.task(i).on_interrupt == dag::OnInterrupt::kRestart && run.state == WorkflowState::kRunning) {
    ++t.interrupted;  // does not use up a retry
    SetTaskState(run, i, TaskState::kRetrying, why + "; restarting");
    t.active.reset();
    Enqueue(run, i);
    return;
  }
  TaskFailed(run, i, why);
}

void ShardScheduler::SignalAcknowledged(WorkflowRun& run, Index i, int attempt, std::uint64_t seq) {
  RunSignal* s = run.signals ? run.signals->Find(seq) : nullptr;
  if (s == nullptr) return;  // not a signal (a message of another kind): nothing to record
  SignalDelivery* d = s->DeliveryTo(i);
  if (d == nullptr || d->state != SignalState::kDelivered || d->attempt != attempt) return;
  d->state = SignalState::kAcknowledged;
  d->acknowledged_at = ctx_.clock().Now();
  EmitSignal(run, seq, i, SignalState::kDelivered, SignalState::kAcknowledged, attempt);
}

// Task `task` (or, for kWorkflow, the workflow) finished: what never reached it expires.
void ShardScheduler::ExpireUndelivered(WorkflowRun& run, std::uint32_t task, const std::string& reason) {
  for (RunSignal& s : run.signals->list) {
    if (task == StoredEvent::kWorkflow) {
      if (!s.waiting) continue;
      s.waiting = false;
      EmitSignal(run, s.seq, StoredEvent::kWorkflow, SignalState::kPending, SignalState::kExpired, 0);
      continue;
    }
    SignalDelivery* d = s.DeliveryTo(task);
    if (d == nullptr || d->state != SignalState::kPending) continue;
    d->state = SignalState::kExpired;
    d->reason = reason;
    EmitSignal(run, s.seq, task, SignalState::kPending, SignalState::kExpired, 0);
  }
}

void ShardScheduler::ExpireAfterTtl(WorkflowRun& run, std::uint64_t seq) {
  RunSignal* s = run.signals ? run.signals->Find(seq) : nullptr;
  if (s == nullptr) return;
  const std::string reason = "not delivered within signals.pending_ttl (" +
                             FormatDuration(ctx_.options.signals.pending_ttl) + ")";
  if (s->waiting) {
    s->waiting = false;
    EmitSignal(run, seq, StoredEvent::kWorkflow, SignalState::kPending, SignalState::kExpired, 0);
  }
  for (std::size_t k = 0; k < s->deliveries.size(); ++k) {
    SignalDelivery& d = run.signals->at_seq(seq).deliveries[k];
    if (d.state != SignalState::kPending) continue;
    d.state = SignalState::kExpired;
    d.reason = reason;
    EmitSignal(run, seq, d.task, SignalState::kPending, SignalState::kExpired, 0);
  }
}

// The payload of the latest interrupt that reached task i: a restarted attempt's extra input.
boost::json::value ShardScheduler::RestartPayload(const WorkflowRun& run, Index i) const {
  for (auto it = run.signals->list.rbegin(); it != run.signals->list.rend(); ++it) {
    if (it->kind != kInterruptSignal) continue;
    for (const SignalDelivery& d : it->deliveries) {
      if (d.task == i && d.state != SignalState::kPending && d.state != SignalState::kExpired) return it->payload;
    }
  }
  return nullptr;
}

}  // namespace goclaw::engine::internal
