// Internal: the scheduler of one shard (DESIGN.md §4). It owns the runs of its shard and
// everything about them that changes: tasks becoming ready, lane admission, attempts on their
// executors (each with its channel), completions, retries, timeouts, cancellation, the
// events every transition emits to the observers, the shard's journal, and eviction of
// finished runs. All of it runs on the shard's thread; other threads reach it through Post
// and Deliver (lane admissions, batched through an inbox).
//
// The engine (engine.cc) routes each call to the scheduler of the workflow's shard; recovery
// and retention (recovery.h, retention.h) use its public methods. A scheduler knows nothing of
// the engine: what it shares with the other shards is in SchedulerContext.
//
// Thread-safety: Post, Deliver and the constructor's/destructor's caller may be any thread;
// every other method runs on the shard thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "goclaw/core/mutex.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/engine/engine_options.h"
#include "goclaw/engine/event.h"
#include "goclaw/engine/journal.h"
#include "goclaw/engine/shard.h"
#include "goclaw/engine/signal_types.h"
#include "goclaw/engine/types.h"
#include "goclaw/engine/workflow_run.h"
#include "goclaw/exec/registry.h"
#include "goclaw/lane/registry.h"
#include "goclaw/store/store.h"

namespace goclaw::engine::internal {

// What every shard's scheduler shares; owned by the engine, outliving the schedulers.
struct SchedulerContext {
  const EngineOptions& options;  // clock and timers set
  lane::LaneRegistry& lanes;
  exec::ExecutorRegistry& executors;
  store::Store* store = nullptr;       // none: nothing is persisted
  std::atomic<bool>& store_healthy;    // false from a failed write until the next good one
  std::atomic<bool>& draining;         // no new attempts
  std::atomic<bool>& closing;          // completions and timers are ignored
  const Clock& clock() const { return *options.clock; }
  TimerQueue& timers() const { return *options.timers; }
};

class ShardScheduler final : private exec::AttemptReportSink {
 public:
  using Index = dag::Plan::Index;

  ShardScheduler(std::uint32_t index, SchedulerContext& context, std::uint64_t seed);
  ~ShardScheduler();  // Stop() first
  ShardScheduler(const ShardScheduler&) = delete;
  ShardScheduler& operator=(const ShardScheduler&) = delete;

  std::uint32_t index() const { return index_; }
  void Post(UniqueFunction<void()> fn) { shard_.Post(std::move(fn)); }
  bool OnShardThread() const { return shard_.OnShardThread(); }
  // Joins the thread; work posted later is dropped. Then DropRuns releases what runs held.
  void Stop() { shard_.Stop(); }
  void DropRuns();

  // ---- observers (shard thread) ----
  void SetObservers(std::vector<std::shared_ptr<RunObserver>> observers);

  // ---- runs (shard thread) ----
  // A new run starts; a recovered one is resumed from where its records stopped (recovery.h).
  void Admit(std::unique_ptr<WorkflowRun> run, bool recovered);
  WorkflowRun* Find(const std::string& id);
  WorkflowRun* FindHandle(std::uint64_t handle);
  std::size_t run_count() const { return runs_.size(); }
  ShardJournal* journal() { return journal_.get(); }
  // Attempts running on this shard (any thread: Drain polls it).
  std::int64_t running() const { return running_.load(std::memory_order_relaxed); }

  // Runs fn(run) on the shard if the run is still there. Any thread.
  template <typename F>
  void PostToRun(std::uint64_t handle, F&& fn);

  // ---- what the engine and recovery ask for (shard thread) ----
  void StartWorkflow(WorkflowRun& run);
  void MakeReady(WorkflowRun& run, Index i);
  // Resolves the task's {{...}} (a failure fails the task) and puts it in its lanes.
  void Requeue(WorkflowRun& run, Index i);
  void SetTaskState(WorkflowRun& run, Index i, TaskState to, std::string error = {});
  void CancelWorkflow(WorkflowRun& run);
  // The engine stops: cancels the channel of every running attempt (their outcomes are ignored).
  void CancelRunningAttempts();
  void MaybeFinish(WorkflowRun& run);
  // Counts an attempt that was running when the engine stopped (recovery moves it on).
  void CountRecoveredAttempt() { running_.store(running_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }
  // The run leaves memory once everything of it is durable.
  void Evict(WorkflowRun& run);
  WorkflowStatus Snapshot(const WorkflowRun& run) const;
  Event ToEvent(const WorkflowRun& run, std::size_t k) const;

  // ---- signals (scheduler_signals.cc; shard thread) ----
  // Checks a signal against the run (its task exists and has not finished; the run's limit)
  // and records it, pending, to be written by the journal; returns its seq. It is delivered
  // only once SignalStored says it is durable, so a crash cannot deliver a signal it forgets.
  Result<std::uint64_t> AcceptSignal(WorkflowRun& run, SignalRequest request);
  void SignalStored(WorkflowRun& run, std::uint64_t seq);
  SignalStatus SignalStatusOf(const WorkflowRun& run, std::uint64_t seq) const;
  std::vector<SignalStatus> SignalsOf(const WorkflowRun& run, const std::string& task) const;
  // A recovered run's undelivered signals expire on their original schedule.
  void ResumeSignals(WorkflowRun& run);

  // A lane admission for a queued task (any thread): batched through the inbox.
  struct Admission {
    std::uint64_t handle;
    Index task;
    int attempt;
    lane::Permit permit;
  };
  void Deliver(Admission a);

 private:
  void SetWorkflowState(WorkflowRun& run, WorkflowState to);
  void Emit(WorkflowRun& run, std::uint32_t task, std::uint8_t from, std::uint8_t to, int attempt,
            Clock::WallTime now, std::uint32_t error, double elapsed);
  void Durable(WorkflowRun& run, std::size_t from, std::size_t to);
  // `payload` holds what the view's payload points to (signal events).
  EventView ViewOf(const WorkflowRun& run, std::size_t k, double elapsed, boost::json::value& payload) const;
  // Signals (scheduler_signals.cc).
  void EmitSignal(WorkflowRun& run, std::uint64_t seq, std::uint32_t task, SignalState from, SignalState to,
                  int attempt);
  void DeliverWaiting(WorkflowRun& run, Index i);
  void Handoff(WorkflowRun& run, std::uint64_t seq, Index i);
  void SignalAcknowledged(WorkflowRun& run, Index i, int attempt, std::uint64_t seq);
  void ExpireUndelivered(WorkflowRun& run, std::uint32_t task, const std::string& reason);
  void ExpireAfterTtl(WorkflowRun& run, std::uint64_t seq);
  void EndInterruptedAttempt(WorkflowRun& run, Index i, int attempt, std::uint64_t seq);
  void InterruptedAttemptEnded(WorkflowRun& run, Index i, std::uint64_t seq);
  boost::json::value RestartPayload(const WorkflowRun& run, Index i) const;
  bool ResolveConfig(WorkflowRun& run, Index i);
  void Enqueue(WorkflowRun& run, Index i);
  void OnAdmitted(WorkflowRun& run, Index i, int attempt, Result<lane::PermitSet> permits);
  void StartAttempt(WorkflowRun& run, Index i, int attempt);
  // exec::AttemptReportSink: a report of one of this shard's attempts (any thread).
  void OnReport(const exec::ReportTag& tag, exec::AttemptReport report) override;
  void ApplyReport(WorkflowRun& run, Index i, int attempt, exec::AttemptReport report);
  void OnAttemptDone(WorkflowRun& run, Index i, int attempt, exec::AttemptResult result);
  exec::AttemptResult AcceptOutput(WorkflowRun& run, exec::AttemptResult result);
  void ReleaseDownstream(WorkflowRun& run, Index i);
  void TaskFailed(WorkflowRun& run, Index i, std::string error);
  void ScheduleEviction(WorkflowRun& run);
  void DrainInbox();

  struct Completion {
    WorkflowRun* run;
    Index task;
    int attempt;
    exec::AttemptResult result;
  };

  const std::uint32_t index_;
  SchedulerContext& ctx_;
  Shard shard_;
  std::unordered_map<std::string, std::unique_ptr<WorkflowRun>> runs_;
  std::unordered_map<std::uint64_t, WorkflowRun*> by_handle_;
  std::mt19937_64 rng_;                // retry jitter
  bool in_start_ = false;              // inside an executor's Start (or the loop after it)
  std::deque<Completion> completions_;  // finished synchronously, not yet handled
  std::unique_ptr<ShardJournal> journal_;  // with a store
  std::atomic<std::int64_t> running_{0};   // attempts running (read by Drain)
  std::vector<std::shared_ptr<RunObserver>> observers_;
  std::vector<RunObserver*> durable_observers_;
  // The one part other threads touch: lane admissions waiting for the shard.
  Mutex inbox_mu_;
  std::deque<Admission> inbox_ GOCLAW_GUARDED_BY(inbox_mu_);
  bool inbox_posted_ GOCLAW_GUARDED_BY(inbox_mu_) = false;  // a DrainInbox will see new entries
};

template <typename F>
void ShardScheduler::PostToRun(std::uint64_t handle, F&& fn) {
  shard_.Post([this, handle, fn = std::forward<F>(fn)]() mutable {
    if (ctx_.closing.load(std::memory_order_relaxed)) return;
    if (WorkflowRun* run = FindHandle(handle)) fn(*run);
  });
}

}  // namespace goclaw::engine::internal
