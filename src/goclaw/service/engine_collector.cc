// The engine's metric families.
#include "goclaw/service/engine_collector.h"

namespace goclaw::service {
namespace {

using metrics::TextWriter;

constexpr engine::WorkflowState kWorkflowStates[] = {
    engine::WorkflowState::kPending,   engine::WorkflowState::kScheduled, engine::WorkflowState::kRunning,
    engine::WorkflowState::kCompleted, engine::WorkflowState::kFailed,    engine::WorkflowState::kCancelled};
constexpr engine::TaskState kTaskStates[] = {
    engine::TaskState::kPending,   engine::TaskState::kReady,  engine::TaskState::kQueued,
    engine::TaskState::kRunning,   engine::TaskState::kRetrying, engine::TaskState::kCompleted,
    engine::TaskState::kFailed,    engine::TaskState::kSkipped, engine::TaskState::kCancelled};

template <typename States, typename Values, typename Name>
void ByState(TextWriter& w, std::string_view name, std::string_view type, std::string_view help,
             const States& states, const Values& values, Name state_name) {
  w.Family(name, type, help);
  for (auto s : states) {
    w.Sample(name, {{"state", state_name(s)}}, static_cast<double>(values[static_cast<std::size_t>(s)]));
  }
}

}  // namespace

void WriteEngineMetrics(TextWriter& w, const engine::EngineMetrics& m) {
  ByState(w, "goclaw_workflows", "gauge", "Workflows in each state now.", kWorkflowStates, m.workflows,
          engine::WorkflowStateName);
  ByState(w, "goclaw_workflows_entered_total", "counter", "Workflows that entered each state.",
          kWorkflowStates, m.workflows_entered, engine::WorkflowStateName);
  w.Family("goclaw_workflows_in_memory", "gauge", "Workflows held in the engine's memory (finished ones leave after storage.evict_after).");
  w.Sample("goclaw_workflows_in_memory", {}, static_cast<double>(m.in_memory));
  ByState(w, "goclaw_tasks", "gauge", "Tasks in each state now.", kTaskStates, m.tasks, engine::TaskStateName);
  ByState(w, "goclaw_tasks_entered_total", "counter", "Tasks that entered each state.", kTaskStates,
          m.tasks_entered, engine::TaskStateName);
  w.Family("goclaw_task_duration_seconds", "histogram", "Duration of task attempts, by task type and lane.");
  for (const auto& t : m.timings) {
    w.Histogram("goclaw_task_duration_seconds", {{"type", t.type}, {"lane", t.lane}}, t.duration);
  }
  w.Family("goclaw_signals_sent_total", "counter", "Signals accepted (stored) for workflows.");
  w.Sample("goclaw_signals_sent_total", {}, static_cast<double>(m.signals_sent));
  w.Family("goclaw_signal_deliveries_total", "counter",
           "Signal deliveries that reached each state: delivered (handed to the attempt), acknowledged, expired.");
  for (auto s : {engine::SignalState::kDelivered, engine::SignalState::kAcknowledged, engine::SignalState::kExpired}) {
    w.Sample("goclaw_signal_deliveries_total", {{"state", engine::SignalStateName(s)}},
             static_cast<double>(m.signal_deliveries[static_cast<std::size_t>(s)]));
  }
  w.Family("goclaw_signal_delivery_latency_seconds", "histogram",
           "Time from a signal's acceptance to its delivery to the target's running attempt.");
  w.Histogram("goclaw_signal_delivery_latency_seconds", {}, m.signal_delivery_latency);
  w.Family("goclaw_task_queue_wait_seconds", "histogram",
           "Time tasks waited in their lane before running, by task type and lane.");
  for (const auto& t : m.timings) {
    w.Histogram("goclaw_task_queue_wait_seconds", {{"type", t.type}, {"lane", t.lane}}, t.queue_wait);
  }
}

metrics::Collector EngineCollector(engine::Engine& engine) {
  return [&engine](TextWriter& w) { WriteEngineMetrics(w, engine.Metrics()); };
}

}  // namespace goclaw::service
