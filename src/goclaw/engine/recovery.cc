// Crash recovery (recovery.h).
#include "goclaw/engine/recovery.h"

#include <algorithm>
#include <chrono>

#include "goclaw/core/json_text.h"
#include "goclaw/engine/run_records.h"
#include "goclaw/engine/run_signals.h"
#include "goclaw/engine/stored_runs.h"

namespace goclaw::engine::internal {

Result<std::vector<std::unique_ptr<WorkflowRun>>> Recovery::Load(const std::function<void(WorkflowRun&)>& place) {
  const auto start = std::chrono::steady_clock::now();
  store::WorkflowQuery unfinished;
  for (std::size_t s = 0; s < kWorkflowStateCount; ++s) {
    if (!IsTerminal(static_cast<WorkflowState>(s))) unfinished.states.push_back(static_cast<std::uint8_t>(s));
  }
  GOCLAW_ASSIGN_OR_RETURN(auto records, store_.Workflows(unfinished));
  std::unordered_map<std::string, std::shared_ptr<const dag::Plan>> plans;  // by spec text
  std::vector<std::unique_ptr<WorkflowRun>> runs;
  std::size_t tasks = 0;
  for (store::WorkflowRecord& w : records) {
    if (w.state >= kWorkflowStateCount) {
      return MakeError(ErrorCode::kInternal,
                       "corrupt workflow record " + w.id + " in the store: state " + std::to_string(w.state));
    }
    auto run = Rebuild(w, plans);
    if (!run) {
      FailUnresumable(w, run.error());
      continue;
    }
    place(**run);
    tasks += (*run)->tasks.size();
    index_.Add(WorkflowSummary{w.id, w.name, static_cast<WorkflowState>(w.state),
                                        FromMicros(w.created_at_us), w.task_count, std::nullopt});
    runs.push_back(std::move(*run));
  }
  if (!runs.empty()) {
    options_.logger.Info("loaded {} unfinished workflows ({} tasks), in {:.1f} ms", runs.size(), tasks,
                         std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return runs;
}

// It fails, visibly, instead of blocking the start or vanishing.
void Recovery::FailUnresumable(store::WorkflowRecord& w, const Error& why) {
  options_.logger.Error("cannot resume workflow {}: {}", w.id, why.message());
  w.state = static_cast<std::uint8_t>(WorkflowState::kFailed);
  w.error = "could not be resumed after a restart: " + why.message();
  w.finished_at_us = ToMicros(options_.clock->Now());
  store::StoreBatch batch;
  batch.workflows.push_back(w);
  if (Status written = store_.CommitAndWait(std::move(batch)); !written) {
    // A full disk at start: the store serves reads; the failure is recorded at the next start
    // that can write. Starting anyway keeps every stored workflow readable.
    options_.logger.Warn("could not store the failure of {} now: {}", w.id, written.error().message());
  }
}

Result<std::unique_ptr<WorkflowRun>> Recovery::Rebuild(
    const store::WorkflowRecord& w, std::unordered_map<std::string, std::shared_ptr<const dag::Plan>>& plans) {
  GOCLAW_ASSIGN_OR_RETURN(auto spec, store_.Spec(w.id));
  if (!spec) return MakeError(ErrorCode::kInternal, "its spec is missing from the store");
  auto& plan = plans[spec->spec_json];
  if (!plan) {
    auto compiled = CompileStored(spec->spec_json, w.id, &executors_);
    if (!compiled) {
      plans.erase(spec->spec_json);
      return MakeError(compiled.error());
    }
    plan = std::move(*compiled);
  }
  GOCLAW_RETURN_IF_ERROR(CheckRunnable(*plan, executors_));
  auto input = ParseJsonText(spec->input_json);
  if (!input || !input->is_object()) return MakeError(ErrorCode::kInternal, "its stored input is corrupt");
  auto run = std::make_unique<WorkflowRun>(plan);
  run->id = w.id;
  run->input = std::make_shared<const boost::json::value>(std::move(*input));
  run->state = static_cast<WorkflowState>(w.state);
  run->created_at = FromMicros(w.created_at_us);
  if (w.started_at_us != 0) run->started_at = FromMicros(w.started_at_us);
  run->error = w.error;
  run->tasks.resize(plan->task_count());
  for (dag::Plan::Index i = 0; i < plan->task_count(); ++i) {  // (ResumeRun recounts for a running workflow)
    run->tasks[i].waiting_for = static_cast<std::uint32_t>(plan->upstream(i).size());
  }
  GOCLAW_ASSIGN_OR_RETURN(auto task_records, store_.Tasks(w.id));
  GOCLAW_RETURN_IF_ERROR(RestoreTasks(*run, task_records));
  GOCLAW_ASSIGN_OR_RETURN(run->event_base, store_.LastEventSeq(w.id));
  GOCLAW_ASSIGN_OR_RETURN(auto signals, LoadSignals(store_, w.id));
  if (!signals.empty()) {
    run->signals = std::make_unique<RunSignals>();
    run->signals->list = std::move(signals);
  }
  run->unfinished = 0;
  for (const TaskRun& t : run->tasks) run->unfinished += IsTerminal(t.state) ? 0 : 1;
  return run;
}

void Recovery::ResumeRun(ShardScheduler& scheduler, WorkflowRun& run) {
  std::vector<Recovering>& pending = pending_[scheduler.index()];
  if (run.signals) scheduler.ResumeSignals(run);
  if (run.state != WorkflowState::kRunning) {
    scheduler.StartWorkflow(run);
    return;
  }
  // A journal flush may have split a task's failure from the workflow record that names it.
  for (dag::Plan::Index i = 0; i < run.plan.task_count() && run.error.empty(); ++i) {
    if (run.tasks[i].state == TaskState::kFailed && run.plan.task(i).on_failure == dag::OnFailure::kFail) {
      run.error = "task \"" + run.plan.task(i).id + "\" failed: " + run.messages[run.tasks[i].error];
      scheduler.journal()->TouchRecord(run);
    }
  }
  for (dag::Plan::Index i : run.plan.topo_order()) {
    TaskRun& t = run.tasks[i];
    const dag::TaskSpec& spec = run.plan.task(i);
    switch (t.state) {
      case TaskState::kRunning:
        scheduler.CountRecoveredAttempt();  // SetTaskState counts it out
        ++t.interrupted;
        scheduler.SetTaskState(run, i, TaskState::kRetrying,
                               "interrupted: the engine stopped while attempt " + std::to_string(t.attempts) + " ran");
        pending.push_back({run.handle, i, spec.priority, false});
        break;
      case TaskState::kReady:
      case TaskState::kQueued:
      case TaskState::kRetrying:
        pending.push_back({run.handle, i, spec.priority, false});
        break;
      case TaskState::kPending: {
        std::uint32_t waiting = 0;
        const std::string* failed_upstream = nullptr;
        for (dag::Plan::Index u : run.plan.upstream(i)) {
          const TaskState us = run.tasks[u].state;
          const bool passes = us == TaskState::kCompleted ||
                              (us == TaskState::kFailed && run.plan.task(u).on_failure == dag::OnFailure::kContinue);
          if (passes) continue;
          if (IsTerminal(us)) failed_upstream = &run.plan.task(u).id;
          ++waiting;
        }
        t.waiting_for = waiting;
        if (failed_upstream != nullptr) {
          scheduler.SetTaskState(run, i, TaskState::kSkipped, "upstream task \"" + *failed_upstream + "\" failed");
        } else if (waiting == 0) {
          pending.push_back({run.handle, i, spec.priority, true});
        }
        break;
      }
      default:
        break;  // finished
    }
  }
  scheduler.MaybeFinish(run);
}

void Recovery::Finish(ShardScheduler& scheduler) {
  std::vector<Recovering> items = std::move(pending_[scheduler.index()]);
  pending_[scheduler.index()].clear();
  std::stable_sort(items.begin(), items.end(),
                   [](const Recovering& a, const Recovering& b) { return a.priority > b.priority; });
  for (const Recovering& item : items) {
    WorkflowRun* run = scheduler.FindHandle(item.handle);
    if (run == nullptr || run->state != WorkflowState::kRunning) continue;  // cancelled meanwhile
    const TaskState state = run->tasks[item.task].state;
    if (item.make_ready) {
      if (state == TaskState::kPending) scheduler.MakeReady(*run, item.task);
    } else if (state == TaskState::kReady || state == TaskState::kQueued || state == TaskState::kRetrying) {
      scheduler.Requeue(*run, item.task);
    }
  }
}

}  // namespace goclaw::engine::internal
