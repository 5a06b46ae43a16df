// What the engine measures for /metrics: workflows and tasks by state (how many are in each
// state now, and how many ever entered it), and per (task type, lane) how long attempts ran
// and how long tasks waited in their lane before running.
//
// Each shard records into its own MetricsRecorder on its own thread (plain increments, no
// atomics or locks on the hot path); Engine::Metrics visits the shards and sums their
// snapshots. The MetricsObserver is the run observer (event.h) that feeds the recorders.
//
// Thread-safety: a MetricsRecorder is used only by its shard's thread; EngineMetrics is a value.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <string_view>

#include "goclaw/engine/event.h"
#include "goclaw/engine/signal_types.h"
#include "goclaw/engine/states.h"
#include "goclaw/metrics/histogram.h"

namespace goclaw::engine {

struct TaskTimings {
  std::string type;  // the task type (executor registry name)
  std::string lane;
  metrics::Histogram duration;    // one observation per finished attempt (running -> next state)
  metrics::Histogram queue_wait;  // queued -> running, per attempt
};

struct EngineMetrics {
  std::array<std::int64_t, kWorkflowStateCount> workflows{};          // now, by WorkflowState
  std::array<std::uint64_t, kWorkflowStateCount> workflows_entered{};  // since start
  std::array<std::int64_t, kTaskStateCount> tasks{};                  // now, by TaskState
  std::array<std::uint64_t, kTaskStateCount> tasks_entered{};
  std::vector<TaskTimings> timings;  // sorted by lane, then type
  // Signals: sent (accepted), and deliveries that reached each state since start.
  std::uint64_t signals_sent = 0;
  std::array<std::uint64_t, kSignalStateCount> signal_deliveries{};  // by SignalState
  metrics::Histogram signal_delivery_latency;  // accepted -> handed to the attempt
  std::size_t in_memory = 0;         // workflows held in memory (the rest are in the store)

  // Adds `other` (another shard's numbers) into this.
  void Merge(const EngineMetrics& other);
};

namespace internal {

class MetricsRecorder {
 public:
  // A workflow of `tasks` pending tasks arrived on the shard.
  void WorkflowArrived(std::size_t tasks);
  // A workflow came back from the store (recovery) in `state`, its tasks in these states.
  void Restored(WorkflowState state, const std::array<std::int64_t, kTaskStateCount>& tasks);
  void WorkflowMoved(WorkflowState from, WorkflowState to);
  void TaskMoved(TaskState from, TaskState to);
  void QueueWait(std::string_view type, const std::string& lane, double seconds);
  void AttemptDuration(std::string_view type, const std::string& lane, double seconds);
  void Signal(SignalState from, SignalState to, double latency_seconds);

  EngineMetrics Snapshot() const;

 private:
  struct Pair {
    std::string type;
    metrics::Histogram duration;
    metrics::Histogram queue_wait;
  };
  Pair& For(std::string_view type, const std::string& lane);

  EngineMetrics counts_;  // everything but timings
  // Per lane, per type: a lane sees a handful of types, so a scan of a short vector.
  std::unordered_map<std::string, std::vector<Pair>> by_lane_;
};

// Feeds one MetricsRecorder per shard from the events of that shard's runs.
class MetricsObserver final : public RunObserver {
 public:
  explicit MetricsObserver(std::size_t shards) : recorders_(shards) {}
  void OnRunAdmitted(const RunAdmission& run) override;
  void OnEvent(const EventView& event) override;
  // On shard `shard`'s thread.
  EngineMetrics Snapshot(std::size_t shard) const { return recorders_[shard].Snapshot(); }

 private:
  std::vector<MetricsRecorder> recorders_;  // [shard]: touched only on that shard's thread
};

}  // namespace internal
}  // namespace goclaw::engine
