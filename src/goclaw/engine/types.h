// The engine's value types: what queries return (statuses, summaries, list pages, logs) and
// the callbacks of its asynchronous calls. Plain values with no behaviour, so that modules
// above the engine (api, service, sagas) and the engine's own parts include this, not
// engine.h.
//
// Thread-safety: plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/clock.h"
#include "goclaw/core/status.h"
#include "goclaw/core/unique_function.h"
#include "goclaw/engine/states.h"

namespace goclaw::dag {
class Plan;
}  // namespace goclaw::dag

namespace goclaw::engine {

struct TaskStatus {
  std::string id;
  std::string name;
  std::string type;
  TaskState state = TaskState::kPending;
  int attempts = 0;
  std::optional<Clock::WallTime> started_at;
  std::optional<Clock::WallTime> finished_at;
  std::string error;
  boost::json::value output;
};

struct WorkflowStatus {
  std::string id;
  std::string name;
  WorkflowState state = WorkflowState::kPending;
  Clock::WallTime created_at;
  std::optional<Clock::WallTime> started_at;
  std::optional<Clock::WallTime> finished_at;
  std::string error;
  boost::json::object metadata;
  std::vector<TaskStatus> tasks;  // in plan order
  // The compiled spec (shared, not copied): each task's depends_on and lane for drawing the
  // DAG come from here. Null for a status built without one.
  std::shared_ptr<const dag::Plan> plan{};
};

struct WorkflowSummary {
  std::string id;
  std::string name;
  WorkflowState state = WorkflowState::kPending;
  Clock::WallTime created_at;
  std::size_t task_count = 0;
  std::optional<Clock::WallTime> finished_at;
  std::string error{};  // a failed workflow's error (from its terminal event or its record)
};

struct ListFilter {
  std::optional<WorkflowState> state;
  std::string name;  // exact match when not empty
  std::optional<Clock::WallTime> created_after;
  std::optional<Clock::WallTime> created_before;
  std::string after_id;  // a cursor: only workflows listed after this one (ids sort by creation)
  std::size_t limit = 50;
  std::size_t offset = 0;      // skipped after the cursor
  bool newest_first = false;   // the listing order: by creation, oldest first unless this
};

struct ListResult {
  std::vector<WorkflowSummary> workflows;  // in the filter's order
  std::size_t total = 0;                   // matching the filter, before paging
};

// A line of a task's log (exec/attempt_channel.h): what its attempts reported — a function's
// log lines, an exec task's stderr, an http task's status lines, progress messages.
struct TaskLogLine {
  int attempt = 0;
  Clock::WallTime time;
  std::string stream;  // "log", "stderr", "status", "progress"
  std::string text;
};

struct TaskLogs {
  std::vector<TaskLogLine> lines;  // by attempt, then as reported
  std::vector<int> truncated;      // attempts whose lines passed the limit (later lines dropped)
};

// How a workflow is submitted beyond its plan and input.
struct SubmitOptions {
  // The workflow's id, chosen by the caller (from Engine::NewWorkflowId) so that it can record
  // the id durably before the submit and, after a crash, tell whether the submit happened:
  // resubmitting an id that exists is kAlreadyExists. Empty: the engine picks one.
  std::string id;
};

// Run once, on a store or shard thread (or the caller's, when nothing must be written): quick.
using SubmitCallback = UniqueFunction<void(Result<std::string>)>;
using StatusCallback = UniqueFunction<void(Status)>;

}  // namespace goclaw::engine
