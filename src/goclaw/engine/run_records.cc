// Runs to records and back.
#include "goclaw/engine/run_records.h"

#include "goclaw/core/json_text.h"

namespace goclaw::engine::internal {

std::int64_t ToMicros(Clock::WallTime t) {
  if (t == Clock::WallTime{}) return 0;
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

Clock::WallTime FromMicros(std::int64_t us) {
  if (us == 0) return Clock::WallTime{};
  return Clock::WallTime(std::chrono::duration_cast<Clock::WallTime::duration>(std::chrono::microseconds(us)));
}

std::optional<Clock::WallTime> OptionalTime(Clock::WallTime t) {
  if (t == Clock::WallTime{}) return std::nullopt;
  return t;
}


store::WorkflowRecord WorkflowRecordOf(const WorkflowRun& run) {
  store::WorkflowRecord w;
  w.id = run.id;
  w.name = run.plan.spec().name;
  w.state = static_cast<std::uint8_t>(run.state);
  w.created_at_us = ToMicros(run.created_at);
  w.started_at_us = run.started_at ? ToMicros(*run.started_at) : 0;
  w.finished_at_us = run.finished_at ? ToMicros(*run.finished_at) : 0;
  w.error = run.error;
  w.task_count = static_cast<std::uint32_t>(run.plan.task_count());
  return w;
}

store::TaskRecord TaskRecordOf(const WorkflowRun& run, dag::Plan::Index i) {
  const TaskRun& t = run.tasks[i];
  store::TaskRecord r;
  r.workflow_id = run.id;
  r.index = i;
  r.state = static_cast<std::uint8_t>(t.state);
  r.attempts = t.attempts;
  r.started_at_us = ToMicros(t.started_at);
  r.finished_at_us = ToMicros(t.finished_at);
  r.error = run.messages[t.error];
  if (t.state == TaskState::kCompleted) r.output_json = JsonText(t.output);
  r.interrupted = t.interrupted;
  return r;
}

store::EventRecord EventRecordOf(const WorkflowRun& run, std::size_t k) {
  const StoredEvent& e = run.events[k];
  store::EventRecord r;
  r.workflow_id = run.id;
  r.seq = run.event_base + k + 1;
  r.task = e.task;
  r.from = e.from;
  r.to = e.to;
  r.attempt = e.attempt;
  r.time_us = ToMicros(e.time);
  if (e.kind == EventKind::kSignal) {
    r.kind = static_cast<std::uint8_t>(EventKind::kSignal);
    if (run.signals && e.error >= 1 && e.error <= run.signals->list.size()) {
      r.payload_json = JsonText(SignalEventPayload(run.signals->list[e.error - 1], run.plan, e.task,
                                                   static_cast<SignalState>(e.to)));
    }
    return r;
  }
  r.error = run.messages[e.error];
  return r;
}

Status RestoreTasks(WorkflowRun& run, const std::vector<store::TaskRecord>& tasks) {
  for (const store::TaskRecord& r : tasks) {
    if (r.index >= run.tasks.size() || r.state >= kTaskStateCount) {
      return MakeError(ErrorCode::kInternal, "corrupt task record " + std::to_string(r.index) + " of " +
                                                 run.id + ": the workflow has " +
                                                 std::to_string(run.tasks.size()) + " tasks");
    }
    TaskRun& t = run.tasks[r.index];
    t.state = static_cast<TaskState>(r.state);
    t.attempts = r.attempts;
    t.interrupted = static_cast<std::uint16_t>(std::clamp(r.interrupted, 0, 65535));
    t.started_at = FromMicros(r.started_at_us);
    t.finished_at = FromMicros(r.finished_at_us);
    t.error = run.AddMessage(r.error);
    if (!r.output_json.empty()) {
      auto output = ParseJsonText(r.output_json);
      if (!output) {
        return MakeError(ErrorCode::kInternal, "corrupt output of task " + std::to_string(r.index) +
                                                   " of " + run.id + ": " + output.error().message());
      }
      t.output = std::move(*output);
      run.output_bytes += r.output_json.size();
    }
  }
  return OkStatus();
}

WorkflowStatus StatusFromRecords(const store::WorkflowRecord& w, const dag::Plan& plan,
                                 const boost::json::object& metadata,
                                 const std::vector<store::TaskRecord>& tasks) {
  WorkflowStatus st;
  st.id = w.id;
  st.name = w.name;
  st.state = static_cast<WorkflowState>(w.state);
  st.created_at = FromMicros(w.created_at_us);
  st.started_at = OptionalTime(FromMicros(w.started_at_us));
  st.finished_at = OptionalTime(FromMicros(w.finished_at_us));
  st.error = w.error;
  st.metadata = metadata;
  st.tasks.reserve(plan.task_count());
  for (dag::Plan::Index i = 0; i < plan.task_count(); ++i) {
    const dag::TaskSpec& spec = plan.task(i);
    st.tasks.push_back(TaskStatus{spec.id, spec.name, spec.type,
                                  TaskState::kPending, 0, std::nullopt, std::nullopt, "", nullptr});
  }
  for (const store::TaskRecord& r : tasks) {
    if (r.index >= st.tasks.size() || r.state >= kTaskStateCount) continue;
    TaskStatus& t = st.tasks[r.index];
    t.state = static_cast<TaskState>(r.state);
    t.attempts = r.attempts;
    t.started_at = OptionalTime(FromMicros(r.started_at_us));
    t.finished_at = OptionalTime(FromMicros(r.finished_at_us));
    t.error = r.error;
    if (!r.output_json.empty()) {
      // Everything the engine stores reads back (json_text.h); should a record be damaged,
      // say so instead of showing a null result.
      auto output = ParseJsonText(r.output_json);
      if (output) {
        t.output = std::move(*output);
      } else if (t.error.empty()) {
        t.error = "the stored output cannot be read: " + output.error().message();
      }
    }
  }
  return st;
}

Event ToEvent(const store::EventRecord& e, const std::string& workflow_id, const dag::Plan* plan) {
  const bool wf = e.task == store::EventRecord::kWorkflow;
  Event out;
  out.kind = wf ? EventKind::kWorkflowState : EventKind::kTaskState;
  if (e.kind != 0) {
    out.kind = static_cast<EventKind>(e.kind);
    if (auto payload = ParseJsonText(e.payload_json); payload) out.payload = std::move(*payload);
  }
  out.seq = e.seq;
  out.workflow_id = workflow_id;
  if (!wf && plan != nullptr && e.task < plan->task_count()) out.task_id = plan->task(e.task).id;
  out.from = e.from;
  out.to = e.to;
  out.attempt = e.attempt;
  out.time = FromMicros(e.time_us);
  out.error = e.error;
  return out;
}

}  // namespace goclaw::engine::internal
