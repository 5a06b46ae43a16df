// goclaw::Engine — runs workflows (DESIGN.md §4–6). A library: embed it in a C++ program, or
// use it through `goclaw run` and (later) the server.
//
//   auto engine = Engine::Create(options);            // shards, lanes, executors
//   engine->RegisterFunction("summarize", fn);        // for `function` tasks
//   auto id = engine->Submit(plan, input);            // a compiled dag::Plan
//   auto status = engine->Wait(*id);                  // or Get / List / Cancel / Subscribe
//
// Each workflow belongs to one shard — a thread with an event loop — chosen by its id; all of
// its state is touched only there, so there are no locks on workflow state. A task becomes
// ready when all its dependencies completed, resolves its {{...}} references, is admitted by
// its lane(s) (its `lane`, plus `session:<session>` when a session template is configured),
// runs on its executor, and its completion is posted back to its shard. Failed attempts are
// retried by the task's policy; a task that finally fails skips its downstream tasks and fails
// the workflow, unless it says `on_failure: continue`. This release keeps workflows in memory.
//
// Thread-safety: every method may be called from any thread, except that Get, Wait and Cancel
// must not be called from an inline function (they wait for the shard the function runs on).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/config/config.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/status.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/dag/plan.h"
#include "goclaw/engine/engine_metrics.h"
#include "goclaw/engine/exec_executor.h"
#include "goclaw/engine/function_registry.h"
#include "goclaw/engine/http_executor.h"
#include "goclaw/engine/states.h"
#include "goclaw/lane/registry.h"
#include "goclaw/log/log.h"

namespace goclaw::engine {

struct EngineOptions {
  std::vector<config::LaneConfig> lanes;  // empty: one "default" lane
  int shards = 0;                         // 0: one per core
  int function_workers = 4;               // threads for non-inline functions
  std::size_t max_output_bytes = 1u << 20;
  ExecOptions exec;                       // subprocess tasks: off unless enabled
  HttpOptions http;                       // max_response_bytes is max_output_bytes
  const Clock* clock = nullptr;           // default: the system clock
  TimerQueue* timers = nullptr;           // default: a timer thread owned by the engine
  log::Logger logger;
  std::uint64_t seed = 0;                 // retry jitter; 0 = random
};

// The options a loaded configuration asks for (lanes, executors); the caller adds the logger.
EngineOptions EngineOptionsFromConfig(const config::Config& config);

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
  std::vector<TaskStatus> tasks;
};

struct WorkflowSummary {
  std::string id;
  std::string name;
  WorkflowState state = WorkflowState::kPending;
  Clock::WallTime created_at;
  std::size_t task_count = 0;
};

struct ListFilter {
  std::optional<WorkflowState> state;
  std::string name;  // exact match when not empty
  std::optional<Clock::WallTime> created_after;
  std::optional<Clock::WallTime> created_before;
  std::string after_id;  // a cursor: only workflows after this id (ids sort by creation)
  std::size_t limit = 50;
  std::size_t offset = 0;  // skipped after the cursor
};

struct ListResult {
  std::vector<WorkflowSummary> workflows;  // oldest first
  std::size_t total = 0;                   // matching the filter, before paging
};

// One state change. `task_id` is empty for workflow events. `seq` counts from 1 per workflow.
struct Event {
  std::uint64_t seq = 0;
  std::string workflow_id;
  std::string task_id;
  std::string from;
  std::string to;
  int attempt = 0;
  Clock::WallTime time;
  std::string error;
};

using EventCallback = std::function<void(const Event&)>;

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Create(EngineOptions options);
  // Cancels nothing: workflows still running are abandoned (a later release drains them).
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Register before submitting workflows that call the function.
  Status RegisterFunction(std::string name, TaskFunction fn, bool inline_on_shard = false);

  // Starts a workflow; returns its id ("wf-<uuidv7>"). `input` overrides the spec's input keys.
  // The first form copies the plan; the second shares it (many runs of one compiled spec).
  Result<std::string> Submit(const dag::Plan& plan, boost::json::object input = {});
  Result<std::string> Submit(std::shared_ptr<const dag::Plan> plan, boost::json::object input = {});

  Result<WorkflowStatus> Get(const std::string& id);
  // Id, name, state and creation time only: cheap (no trip to the workflow's shard).
  Result<WorkflowSummary> Summary(const std::string& id) const;
  ListResult List(const ListFilter& filter) const;
  // How many workflows are in each state (indexed by WorkflowState); one lock, no walk.
  std::array<std::size_t, kWorkflowStateCount> CountByState() const;
  // Counters and timing histograms for /metrics (engine_metrics.h). Visits every shard; must
  // not be called from an inline function.
  EngineMetrics Metrics();
  // Cancels running attempts, removes queued items from lanes, marks the rest cancelled.
  // kNotFound for unknown ids; kFailedPrecondition when already finished.
  Status Cancel(const std::string& id);
  // Blocks until the workflow finished (or `timeout` passed: kDeadlineExceeded).
  Result<WorkflowStatus> Wait(const std::string& id,
                              std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // Every state change of every workflow, in order per workflow, on the workflow's shard
  // thread; callbacks must be quick. Returns a handle for Unsubscribe.
  std::uint64_t Subscribe(EventCallback callback);
  void Unsubscribe(std::uint64_t handle);
  Result<std::vector<Event>> Events(const std::string& id);

  lane::LaneRegistry& lanes();

 private:
  class Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::engine
