// Stored workflows (stored_runs.h).
#include "goclaw/engine/stored_runs.h"

#include <limits>

#include "goclaw/core/json_text.h"
#include "goclaw/dag/loader.h"

namespace goclaw::engine::internal {

Result<StoredRun> LoadStored(store::Store* store, const std::string& id) {
  auto missing = [&] { return MakeError(ErrorCode::kNotFound, "no workflow \"" + id + "\""); };
  if (store == nullptr) return missing();
  GOCLAW_ASSIGN_OR_RETURN(auto record, store->Workflow(id));
  if (!record) return missing();
  GOCLAW_ASSIGN_OR_RETURN(auto spec, store->Spec(id));
  if (!spec) return MakeError(ErrorCode::kInternal, "the store has workflow " + id + " without its spec");
  GOCLAW_ASSIGN_OR_RETURN(auto plan, CompileStored(spec->spec_json, id));
  StoredRun out{std::move(*record), std::move(plan), {}};
  auto input = ParseJsonText(spec->input_json);
  if (!input || !input->is_object()) return MakeError(ErrorCode::kInternal, "corrupt input of " + id + " in the store");
  out.input = std::move(input->get_object());
  return out;
}

Result<std::shared_ptr<const dag::Plan>> CompileStored(const std::string& spec_json, const std::string& id,
                                                      const dag::TaskTypeCatalog* types) {
  dag::LoadOptions load;
  load.format = DocumentFormat::kJson;
  load.limits.max_tasks = std::numeric_limits<std::uint32_t>::max();
  load.limits.max_spec_bytes = std::numeric_limits<std::size_t>::max();
  load.limits.max_deps_per_task = std::numeric_limits<std::size_t>::max();
  load.admission_checks = false;  // nor do rules added since (dag/spec_checks.h)
  load.environment.task_types = types;
  auto plan = dag::LoadWorkflow(spec_json, load);
  if (!plan) {
    return MakeError(ErrorCode::kInternal, "the stored spec of " + id + " no longer compiles: " + plan.error().message());
  }
  return std::make_shared<const dag::Plan>(std::move(*plan));
}

Status CheckRunnable(const dag::Plan& plan, const exec::ExecutorRegistry& executors) {
  std::vector<ErrorDetail> details;
  for (dag::Plan::Index i = 0; i < plan.task_count(); ++i) {
    const std::string& type = plan.task(i).type;
    std::optional<std::string> why = executors.Unavailable(type);
    if (!why) continue;
    details.push_back({"tasks[" + std::to_string(i) + "].type",
                       "task \"" + plan.task(i).id + "\" has type " + type + ", which cannot run here: " + *why, 0, ""});
  }
  if (details.empty()) return OkStatus();
  return MakeError(Error(ErrorCode::kInvalidArgument, "workflow has tasks without an executor", std::move(details)));
}

}  // namespace goclaw::engine::internal
