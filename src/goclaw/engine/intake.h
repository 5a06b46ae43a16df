// Internal: intake, how a submission becomes a run. It checks that the plan can run here
// (every task type has an executor), claims a caller-chosen id (well formed, not known, not
// being submitted by someone else), builds the run (merged input, its tasks, room for its
// events) and, with a store, writes the workflow and spec records before anyone hears of the
// id: the run is handed to the engine (`admit`) only once that write is durable, so every later
// write of the run queues behind it. After a failed submit write it probes the store once a
// second until a write succeeds, so the engine's health (and /ready) follows the store even
// when nothing else writes.
//
// Thread-safety: every method may be called from any thread; the store's callbacks (on its
// writer thread) hand runs to `admit`.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include <boost/json/object.hpp>

#include "goclaw/core/uuid.h"
#include "goclaw/dag/plan.h"
#include "goclaw/engine/engine_options.h"
#include "goclaw/engine/types.h"
#include "goclaw/engine/workflow_index.h"
#include "goclaw/engine/workflow_run.h"
#include "goclaw/exec/registry.h"
#include "goclaw/store/store.h"

namespace goclaw::engine::internal {

class Intake {
 public:
  // What intake uses of the engine; all of it outlives the intake.
  struct Parts {
    const EngineOptions& options;  // clock and timers set
    const exec::ExecutorRegistry& executors;
    store::Store* store = nullptr;  // none: a run starts at once
    const WorkflowIndex& index;     // which ids are taken
    std::atomic<bool>& store_healthy;
    std::atomic<bool>& draining;  // submits are refused
    std::atomic<bool>& closing;   // the probe stops
  };
  // `place` gives a new run its handle and shard; `admit` hands it to its shard.
  Intake(Parts parts, std::function<void(WorkflowRun&)> place,
         std::function<void(std::unique_ptr<WorkflowRun>)> admit);
  Intake(const Intake&) = delete;
  Intake& operator=(const Intake&) = delete;

  // A fresh workflow id: "wf-<uuidv7>".
  std::string NewWorkflowId();
  // `done` gets the workflow's id once it is accepted (durable, with a store), or why not.
  void Submit(std::shared_ptr<const dag::Plan> plan, boost::json::object input,
              SubmitOptions options, SubmitCallback done);
  // Arms the store probe (nothing when it is armed already).
  void ProbeStoreLater();

 private:
  Status ClaimId(const std::string& id);
  void ReleaseId(const std::string& id);
  // Builds the run under `chosen_id` (empty: a new id) and starts it.
  void Start(std::shared_ptr<const dag::Plan> plan, boost::json::object input,
             std::string chosen_id, SubmitCallback done);
  std::string SpecJson(const dag::Plan& plan);

  Parts parts_;
  std::function<void(WorkflowRun&)> place_;
  std::function<void(std::unique_ptr<WorkflowRun>)> admit_;
  UuidGenerator ids_;
  std::mutex claimed_mu_;
  std::unordered_set<std::string> claimed_;  // caller-chosen ids being submitted (ClaimId)
  std::atomic<bool> probe_armed_{false};     // a ProbeStoreLater commit is pending
  std::mutex spec_cache_mu_;
  std::weak_ptr<const dag::WorkflowSpec> spec_cache_key_;
  std::string spec_cache_text_;
};

}  // namespace goclaw::engine::internal
