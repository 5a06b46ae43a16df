// Internal: the runtime state of one workflow, owned by its shard. Plain data; the scheduling
// logic that changes it lives in scheduler.cc and runs only on the shard thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/json_limits.h"
#include "goclaw/core/text.h"
#include "goclaw/dag/plan.h"
#include "goclaw/engine/event.h"
#include "goclaw/engine/run_signals.h"
#include "goclaw/engine/types.h"
#include "goclaw/exec/attempt_channel.h"
#include "goclaw/exec/executor.h"
#include "goclaw/engine/states.h"
#include "goclaw/lane/multi_acquire.h"

namespace goclaw::engine::internal {

// What a task holds only while it is queued or running (most tasks are neither, most of the
// time: a million pending or finished tasks should not pay for it).
struct ActiveTask {
  lane::Ticket ticket;                                   // while queued in one lane
  std::shared_ptr<lane::MultiAcquisition> acquisition;  // while queued in several
  std::optional<lane::PermitSet> permits;               // while running
  std::shared_ptr<exec::AttemptChannel> channel;        // of the running attempt
  Clock::WallTime since{};  // when it was queued, then when the attempt started (for metrics)
  std::uint64_t interrupted_by = 0;  // the seq of the interrupt signal ending this attempt; 0: none
};

// A task's log (exec/attempt_channel.h): lines of every attempt, bounded per attempt.
struct LogLine {
  std::int32_t attempt = 0;
  Clock::WallTime time;
  std::string stream;  // "log", "stderr", "status", "progress"
  std::string text;
};
struct TaskLog {
  std::vector<LogLine> lines;
  std::int32_t attempt = 0;          // the attempt `bytes` counts
  std::size_t bytes = 0;             // of that attempt's lines
  std::vector<std::int32_t> truncated;  // attempts that reached the limit (lines were dropped)
};

// Times are Clock::WallTime{} until set.
struct TaskRun {
  TaskState state = TaskState::kPending;
  bool dirty = false;             // changed since the journal last wrote its record
  std::uint16_t interrupted = 0;  // attempts cut short by an engine stop (not failures)
  std::int32_t attempts = 0;
  std::uint32_t waiting_for = 0;  // dependencies not yet completed
  std::uint32_t error = 0;        // WorkflowRun::messages index of the final error; 0 = none
  Clock::WallTime started_at{};
  Clock::WallTime finished_at{};
  boost::json::value config;  // resolved when the task became ready
  boost::json::value output;
  std::unique_ptr<ActiveTask> active;
};

// Adds a line to `log` unless the attempt's lines would pass `max_bytes` (then the attempt is
// marked truncated). Lines are made valid UTF-8 and cut at 4 KiB.
void AppendLog(TaskLog& log, std::int32_t attempt, Clock::WallTime time, std::string stream,
               std::string text, std::size_t max_bytes);
TaskLogs LogsOf(const TaskLog* log);

// An event as the shard keeps it: 24 bytes, no copies of ids, state names or error texts (a
// run of n tasks records about 4n of these). Turned into an `Event` for subscribers and Events().
// Signal events (kind kSignal) keep the signal's seq in `error` and its delivery states in
// from/to; their payload is built from the run's signals when asked for.
struct StoredEvent {
  static constexpr std::uint32_t kWorkflow = ~std::uint32_t{0};
  Clock::WallTime time;
  std::uint32_t task = kWorkflow;  // plan index, or kWorkflow
  std::int32_t attempt = 0;
  std::uint32_t error = 0;         // WorkflowRun::messages index; 0 = none (signals: the seq)
  std::uint8_t from = 0;           // TaskState or WorkflowState, by `task` (signals: SignalState)
  std::uint8_t to = 0;
  EventKind kind = EventKind::kWorkflowState;  // kWorkflowState / kTaskState by `task`, or kSignal
};
static_assert(sizeof(StoredEvent) == 24);

struct WorkflowRun {
  std::string id;
  std::uint64_t handle = 0;  // engine-unique; what callbacks hold instead of the id
  std::uint32_t shard = 0;   // the shard that owns it
  std::shared_ptr<const dag::Plan> shared_plan;  // shared by every run of the same compiled spec
  const dag::Plan& plan;
  const int lineage_depth;  // of the spec's metadata (executor.h), read once, not per attempt
  const std::string idempotency_key_template;  // of the spec's metadata (executor.h); usually empty
  std::shared_ptr<const boost::json::value> input;  // shared with every attempt
  WorkflowState state = WorkflowState::kPending;
  Clock::WallTime created_at;
  std::optional<Clock::WallTime> started_at;
  std::optional<Clock::WallTime> finished_at;
  std::string error;  // the first task failure
  std::vector<TaskRun> tasks;
  std::size_t unfinished = 0;  // tasks not in a terminal state
  std::vector<StoredEvent> events;  // seq event_base + 1, event_base + 2, ...
  std::vector<std::string> messages{std::string()};  // error texts; [0] is "no error"
  std::size_t output_bytes = 0;  // JSON text of every completed task's output, together
  // Task logs by plan index: most tasks never log, so they are kept here, not in every TaskRun.
  std::map<std::uint32_t, TaskLog> logs;
  // Signals (run_signals.h): made by the first one.
  std::unique_ptr<RunSignals> signals;
  const TaskLog* LogOf(std::uint32_t task) const {
    auto it = logs.find(task);
    return it == logs.end() ? nullptr : &it->second;
  }

  // Persistence (engine/journal.h). Events before event_base are in the store only (the run was
  // recovered); events from events_written on, dirty tasks and a dirty workflow record are
  // what the next journal flush writes.
  std::uint64_t event_base = 0;
  std::size_t events_written = 0;
  std::vector<std::uint32_t> dirty_tasks;
  bool record_dirty = false;  // the workflow record (state, times, error)
  bool in_journal = false;    // listed in the shard journal's dirty runs

  std::uint32_t AddMessage(std::string text) {
    if (text.empty()) return 0;
    // Errors quote agents (bodies, stderr): whatever they held, what is kept is valid UTF-8.
    if (FindInvalidUtf8(text)) text = ToValidUtf8(text);
    messages.push_back(std::move(text));
    return static_cast<std::uint32_t>(messages.size() - 1);
  }

  explicit WorkflowRun(std::shared_ptr<const dag::Plan> p)
      : shared_plan(std::move(p)), plan(*shared_plan), lineage_depth(exec::LineageDepth(plan.spec().metadata)),
        idempotency_key_template(exec::IdempotencyKeyTemplate(plan.spec().metadata)) {}
};

}  // namespace goclaw::engine::internal
