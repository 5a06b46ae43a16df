// goclaw::Engine — runs workflows (DESIGN.md §4–6). A library: embed it in a C++ program, or
// use it through `goclaw run` and `goclaw server`.
//
//   auto engine = Engine::Create(options);            // shards, lanes, executors (registry)
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
// the workflow, unless it says `on_failure: continue`.
//
// Durability (docs/design/storage.md): with a store, a submit is acknowledged once the
// workflow is durable, every state change is written behind by its shard's journal (one batch
// per turn of the shard's loop, group-committed), a cancel is acknowledged once durable,
// Create loads the unfinished workflows it finds, and Resume() (after RegisterFunction) runs
// them again from where they stopped (attempts that were running run again as the next
// attempt). Finished workflows leave memory after `evict_after` and are then read
// from the store; `retention` erases them for good. Without a store, nothing is persisted.
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
#include "goclaw/core/status.h"
#include "goclaw/dag/plan.h"
#include "goclaw/engine/engine_metrics.h"
#include "goclaw/engine/engine_options.h"
#include "goclaw/engine/event.h"
#include "goclaw/engine/signal_types.h"
#include "goclaw/engine/states.h"
#include "goclaw/engine/types.h"
#include "goclaw/exec/function_registry.h"
#include "goclaw/exec/registry.h"
#include "goclaw/lane/registry.h"
#include "goclaw/store/store.h"

namespace goclaw::engine {

// In-process functions (exec/function_registry.h), named here for library users.
using exec::TaskContext;
using exec::TaskFunction;

// The tables the engine keeps in a store besides its records (task logs): register them when
// opening the store it will use (StoreOptions::tables), or Create refuses the store.
std::vector<store::TableSpec> StoreTables();

// The options a loaded configuration asks for (lanes, limits, retention); the caller adds the
// logger and the executor factory.
EngineOptions EngineOptionsFromConfig(const config::Config& config);

using EventCallback = std::function<void(const Event&)>;

class Engine {
 public:
  static Result<std::unique_ptr<Engine>> Create(EngineOptions options);
  // Stops at once (Drain first for a graceful stop): nothing new starts, what ran and is not yet
  // durable is written, attempts still running are abandoned (with a store they run again
  // after a restart).
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs the unfinished workflows Create found in the store again; call once, after
  // RegisterFunction (recovered tasks may call the functions at once). Returns how many.
  std::size_t Resume();

  // Register before submitting workflows that call the function.
  Status RegisterFunction(std::string name, TaskFunction fn, bool inline_on_shard = false);
  // Whether a function of this name is registered.
  bool HasFunction(std::string_view name) const;
  // The task types this engine runs; also the catalog specs are validated against
  // (dag::RunEnvironment::task_types).
  const exec::ExecutorRegistry& executors() const;

  // Starts a workflow; returns its id ("wf-<uuidv7>"). `input` overrides the spec's input keys.
  // The first form copies the plan; the second shares it (many runs of one compiled spec).
  Result<std::string> Submit(const dag::Plan& plan, boost::json::object input = {});
  Result<std::string> Submit(std::shared_ptr<const dag::Plan> plan, boost::json::object input = {});
  // The same without blocking: `done` gets the id once the workflow is durable (with a store),
  // or the error (kUnavailable when it could not be stored: nothing of it remains).
  void SubmitAsync(std::shared_ptr<const dag::Plan> plan, boost::json::object input, SubmitCallback done);
  // With options (types.h): a caller-chosen id is kInvalidArgument unless it has the form
  // NewWorkflowId gives, kAlreadyExists when a workflow has it (or is being submitted with it).
  void SubmitAsync(std::shared_ptr<const dag::Plan> plan, boost::json::object input, SubmitOptions options,
                   SubmitCallback done);
  // A fresh workflow id ("wf-<uuidv7>"), for SubmitOptions::id.
  std::string NewWorkflowId();

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
  // The same without blocking; `done` runs once the cancellation is durable.
  void CancelAsync(const std::string& id, StatusCallback done);
  // Blocks until the workflow finished and that is durable (or `timeout` passed:
  // kDeadlineExceeded): what a crash cannot take back.
  Result<WorkflowStatus> Wait(const std::string& id,
                              std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  // Adds an observer of every run (event.h): it sees runs admitted, every event as it happens
  // and, if it asks, once durable. Runs admitted after AddObserver returns are seen whole.
  // Returns a handle for RemoveObserver, after which the observer is not called again (so not
  // from an observer callback or an inline function: it waits for every shard).
  std::uint64_t AddObserver(std::shared_ptr<RunObserver> observer);
  void RemoveObserver(std::uint64_t handle);
  // An observer of events only: `callback` gets every event of every workflow, in order per
  // workflow, on the workflow's shard thread; it must be quick.
  std::uint64_t Subscribe(EventCallback callback);
  void Unsubscribe(std::uint64_t handle) { RemoveObserver(handle); }
  // A task's log lines. kNotFound for an unknown workflow or task.
  Result<TaskLogs> Logs(const std::string& workflow_id, const std::string& task_id);
  // The event history (seq > since), from memory and the store.
  Result<std::vector<Event>> Events(const std::string& id, std::uint64_t since = 0);

  // Sends a durable signal (signal_types.h, docs/design/signals.md): `done` gets it, pending,
  // once it is stored; it is then delivered to its targets' running attempts. kInvalidArgument
  // for a bad request, a payload over signals.max_payload_bytes or an unknown task (field paths
  // in the details), kResourceExhausted for a workflow past signals.max_per_workflow,
  // kNotFound for an unknown workflow, kFailedPrecondition when the workflow or task finished,
  // kUnavailable when it could not be stored.
  void SignalAsync(const std::string& workflow_id, SignalRequest request, SignalCallback done);
  Result<SignalStatus> Signal(const std::string& workflow_id, SignalRequest request);
  // A workflow's signals in seq order with their deliveries; with `task`, those addressed or
  // delivered to it. kNotFound for an unknown workflow or task.
  Result<std::vector<SignalStatus>> Signals(const std::string& workflow_id, const std::string& task = {});

  // Graceful stop, step one: refuses new submits (kUnavailable), starts no new attempts (queued
  // tasks stay queued, for the next start), waits up to `timeout` for running attempts to
  // finish, and writes everything to the store. Returns the number of attempts still running.
  std::size_t Drain(std::chrono::milliseconds timeout);
  bool draining() const;  // Drain was called
  // Waits until every state change so far is durable (no-op without a store).
  Status Flush();
  // False while the store fails writes (e.g. the disk is full); submits then fail.
  bool StoreHealthy() const;

  lane::LaneRegistry& lanes();

 private:
  class Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::engine
