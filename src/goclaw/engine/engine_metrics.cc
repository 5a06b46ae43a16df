// Per-shard recording and the merge of shard snapshots.
#include "goclaw/core/text.h"
#include "goclaw/engine/engine_metrics.h"

#include <algorithm>
#include <tuple>

namespace goclaw::engine {

namespace {
constexpr std::size_t Idx(auto e) { return static_cast<std::size_t>(e); }
}  // namespace

void EngineMetrics::Merge(const EngineMetrics& other) {
  in_memory += other.in_memory;
  for (std::size_t i = 0; i < kWorkflowStateCount; ++i) {
    workflows[i] += other.workflows[i];
    workflows_entered[i] += other.workflows_entered[i];
  }
  for (std::size_t i = 0; i < kTaskStateCount; ++i) {
    tasks[i] += other.tasks[i];
    tasks_entered[i] += other.tasks_entered[i];
  }
  signals_sent += other.signals_sent;
  for (std::size_t i = 0; i < kSignalStateCount; ++i) signal_deliveries[i] += other.signal_deliveries[i];
  signal_delivery_latency.Merge(other.signal_delivery_latency);
  for (const TaskTimings& t : other.timings) {
    auto it = std::lower_bound(timings.begin(), timings.end(), t, [](const TaskTimings& a, const TaskTimings& b) {
      return std::tie(a.lane, a.type) < std::tie(b.lane, b.type);
    });
    if (it == timings.end() || it->lane != t.lane || it->type != t.type) {
      timings.insert(it, t);
    } else {
      it->duration.Merge(t.duration);
      it->queue_wait.Merge(t.queue_wait);
    }
  }
}

namespace internal {

void MetricsRecorder::WorkflowArrived(std::size_t tasks) {
  ++counts_.workflows[Idx(WorkflowState::kPending)];
  ++counts_.workflows_entered[Idx(WorkflowState::kPending)];
  counts_.tasks[Idx(TaskState::kPending)] += static_cast<std::int64_t>(tasks);
  counts_.tasks_entered[Idx(TaskState::kPending)] += tasks;
}

void MetricsRecorder::Restored(WorkflowState state, const std::array<std::int64_t, kTaskStateCount>& tasks) {
  ++counts_.workflows[Idx(state)];
  for (std::size_t i = 0; i < kTaskStateCount; ++i) counts_.tasks[i] += tasks[i];
}

void MetricsRecorder::WorkflowMoved(WorkflowState from, WorkflowState to) {
  --counts_.workflows[Idx(from)];
  ++counts_.workflows[Idx(to)];
  ++counts_.workflows_entered[Idx(to)];
}

void MetricsRecorder::TaskMoved(TaskState from, TaskState to) {
  --counts_.tasks[Idx(from)];
  ++counts_.tasks[Idx(to)];
  ++counts_.tasks_entered[Idx(to)];
}

MetricsRecorder::Pair& MetricsRecorder::For(std::string_view type, const std::string& lane) {
  auto it = by_lane_.find(lane);
  if (it == by_lane_.end()) it = by_lane_.emplace(lane, std::vector<Pair>{}).first;
  for (Pair& p : it->second) {
    if (SameShortName(p.type, type)) return p;
  }
  it->second.push_back(Pair{std::string(type), {}, {}});
  return it->second.back();
}

void MetricsRecorder::QueueWait(std::string_view type, const std::string& lane, double seconds) {
  For(type, lane).queue_wait.Record(seconds);
}

void MetricsRecorder::AttemptDuration(std::string_view type, const std::string& lane, double seconds) {
  For(type, lane).duration.Record(seconds);
}

EngineMetrics MetricsRecorder::Snapshot() const {
  EngineMetrics out = counts_;
  for (const auto& [lane, pairs] : by_lane_) {
    for (const Pair& p : pairs) {
      if (p.duration.count() == 0 && p.queue_wait.count() == 0) continue;
      out.timings.push_back({p.type, lane, p.duration, p.queue_wait});
    }
  }
  std::sort(out.timings.begin(), out.timings.end(), [](const TaskTimings& a, const TaskTimings& b) {
    return std::tie(a.lane, a.type) < std::tie(b.lane, b.type);
  });
  return out;
}

void MetricsObserver::OnRunAdmitted(const RunAdmission& run) {
  MetricsRecorder& m = recorders_[run.shard];
  if (!run.recovered) {
    m.WorkflowArrived(run.task_count);
    return;
  }
  std::array<std::int64_t, kTaskStateCount> by_state{};
  for (std::size_t i = 0; i < by_state.size() && i < run.tasks_by_state.size(); ++i) by_state[i] = run.tasks_by_state[i];
  m.Restored(run.state, by_state);
}

void MetricsRecorder::Signal(SignalState from, SignalState to, double latency_seconds) {
  if (from == SignalState::kPending && to == SignalState::kPending) {
    ++counts_.signals_sent;
    return;
  }
  ++counts_.signal_deliveries[static_cast<std::size_t>(to)];
  if (latency_seconds >= 0) counts_.signal_delivery_latency.Record(latency_seconds);
}

void MetricsObserver::OnEvent(const EventView& e) {
  MetricsRecorder& m = recorders_[e.shard];
  if (e.kind == EventKind::kSignal) {
    m.Signal(static_cast<SignalState>(e.from), static_cast<SignalState>(e.to), e.elapsed_seconds);
    return;
  }
  if (e.kind == EventKind::kWorkflowState) {
    m.WorkflowMoved(static_cast<WorkflowState>(e.from), static_cast<WorkflowState>(e.to));
    return;
  }
  if (e.kind != EventKind::kTaskState) return;
  const auto from = static_cast<TaskState>(e.from);
  const auto to = static_cast<TaskState>(e.to);
  m.TaskMoved(from, to);
  if (e.elapsed_seconds < 0 || e.task == nullptr) return;
  // Queue wait (queued -> running) and attempt duration (running -> anything), by type and lane.
  if (from == TaskState::kQueued && to == TaskState::kRunning) {
    m.QueueWait(e.task->type, e.task->lane, e.elapsed_seconds);
  } else if (from == TaskState::kRunning) {
    m.AttemptDuration(e.task->type, e.task->lane, e.elapsed_seconds);
  }
}

}  // namespace internal
}  // namespace goclaw::engine
