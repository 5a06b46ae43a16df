// Internal: workflows as the store has them — a record, the spec compiled again, the input —
// for queries about runs no longer in memory and for recovery.
//
// Thread-safety: functions over a store (thread-safe) and values.
#pragma once

#include <memory>
#include <string>

#include <boost/json/object.hpp>

#include "goclaw/core/status.h"
#include "goclaw/dag/plan.h"
#include "goclaw/exec/registry.h"
#include "goclaw/store/store.h"

namespace goclaw::engine::internal {

struct StoredRun {
  store::WorkflowRecord record;
  std::shared_ptr<const dag::Plan> plan;
  boost::json::object input;
};

// kNotFound when the store has no such workflow (or there is no store).
Result<StoredRun> LoadStored(store::Store* store, const std::string& id);

// kNotFound for a task id the workflow does not have.
inline auto NoTask(const std::string& workflow_id, const std::string& task) {
  return MakeError(ErrorCode::kNotFound, "workflow " + workflow_id + " has no task \"" + task + "\"");
}

// Specs were valid when submitted: neither today's limits nor rules added since apply to them.
// Task types are resolved against `types` when given.
Result<std::shared_ptr<const dag::Plan>> CompileStored(const std::string& spec_json, const std::string& id,
                                                      const dag::TaskTypeCatalog* types = nullptr);

// Refuses, before anything runs, plans with tasks this engine has no executor for (or whose
// executor is disabled): kInvalidArgument with one detail per task, at tasks[i].type.
Status CheckRunnable(const dag::Plan& plan, const exec::ExecutorRegistry& executors);

}  // namespace goclaw::engine::internal
