// The event model and run observers (DESIGN.md §3 "Seams").
//
// An event is an immutable record of something that happened to a workflow: a kind, a
// sequence number counted from 1 per workflow, and for state changes the states as enums. The
// kinds beyond the engine's own (signal, saga, memory, custom) carry a JSON payload; modules
// that add kinds add them here and nowhere else in the engine.
//
// Observers see events as they happen, on the workflow's shard thread (OnEvent: quick, no
// blocking, no calls back into the engine that wait), and, when they ask for it, once the
// events are durable (OnDurable: after the store committed them, in order per workflow; with
// no store, right after OnEvent). Metrics, the subscriber list, the workflow index and the
// WebSocket hub are observers of the same list (Engine::AddObserver); sagas and a cluster
// publisher act on OnDurable, so what they do after a crash starts from what was committed.
//
// Thread-safety: Event and EventView are values; an EventView's views are valid only during
// the call. Observers are called from every shard thread at once: they lock what they share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "goclaw/core/clock.h"
#include "goclaw/dag/spec.h"
#include "goclaw/engine/states.h"

namespace goclaw::engine {

enum class EventKind : std::uint8_t {
  kWorkflowState,  // from/to are WorkflowStates
  kTaskState,      // from/to are TaskStates; task_id names the task
  kSignal,         // from/to are SignalStates of one delivery; payload {seq, kind, task, state}
  kSaga,           // payload: saga steps
  kMemory,         // payload: memory hub
  kCustom,         // payload: anything a module records
};
std::string_view EventKindName(EventKind kind);

// An event as queries and subscribers get it: owning, copyable.
struct Event {
  EventKind kind = EventKind::kWorkflowState;
  std::uint64_t seq = 0;
  std::string workflow_id;
  std::string task_id;  // task events
  std::uint8_t from = 0;  // a WorkflowState or TaskState by kind (use the accessors)
  std::uint8_t to = 0;
  int attempt = 0;
  Clock::WallTime time;
  std::string error;
  boost::json::value payload;  // kinds beyond state changes

  bool is_task() const { return kind == EventKind::kTaskState; }
  WorkflowState workflow_from() const { return static_cast<WorkflowState>(from); }
  WorkflowState workflow_to() const { return static_cast<WorkflowState>(to); }
  TaskState task_from() const { return static_cast<TaskState>(from); }
  TaskState task_to() const { return static_cast<TaskState>(to); }
  // The state names ("running"), for people and JSON; empty for kinds without states.
  std::string_view from_name() const;
  std::string_view to_name() const;
};

// An event as observers get it: views into the run (no copies on the hot path).
struct EventView {
  EventKind kind = EventKind::kWorkflowState;
  std::uint64_t seq = 0;
  std::string_view workflow_id;
  std::string_view task_id;
  std::uint8_t from = 0;
  std::uint8_t to = 0;
  int attempt = 0;
  Clock::WallTime time;
  std::string_view error;
  const boost::json::value* payload = nullptr;
  // Context for in-process observers.
  std::uint32_t shard = 0;
  const dag::TaskSpec* task = nullptr;  // task events: the task's spec (type, lane)
  double elapsed_seconds = -1;          // task events: since the task's previous transition
                                        // when it was queued or running; otherwise -1

  Event ToEvent() const;
};

// A line an attempt reported (exec/attempt_channel.h: a function's log line, exec stderr, an
// http status line, progress), as the task's log keeps it (Engine::Logs): `index` is its place
// in that log, so a reader of Logs can tell which live lines it already has. Lines the log's
// bound drops are not seen.
struct LogView {
  std::string_view workflow_id;
  std::string_view task_id;
  int attempt = 0;
  std::size_t index = 0;
  Clock::WallTime time;
  std::string_view stream;  // "log", "stderr", "status", "progress"
  std::string_view text;
};

// A run joining its shard: new (every task pending) or recovered from the store.
struct RunAdmission {
  std::string_view workflow_id;
  std::string_view name;
  std::uint32_t shard = 0;
  WorkflowState state = WorkflowState::kPending;
  Clock::WallTime created_at;
  std::size_t task_count = 0;
  bool recovered = false;
  std::span<const std::int64_t> tasks_by_state;  // recovered runs: how many tasks in each TaskState
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void OnRunAdmitted(const RunAdmission& run) { (void)run; }
  virtual void OnEvent(const EventView& event) { (void)event; }
  // Whether OnDurable is wanted (asked once, when the observer is added).
  virtual bool WantsDurable() const { return false; }
  virtual void OnDurable(const EventView& event) { (void)event; }
  // A task's log line as it is kept (on the shard thread, like OnEvent: quick).
  virtual void OnLog(const LogView& line) { (void)line; }
  // The run left memory (it finished and is durable; the store answers for it from now on).
  virtual void OnRunEvicted(std::string_view workflow_id, std::uint32_t shard) {
    (void)workflow_id, (void)shard;
  }
};

}  // namespace goclaw::engine
