// Task configs in, outputs out (run_inputs.h).
#include "goclaw/engine/run_inputs.h"

#include <new>

#include "goclaw/core/json_limits.h"
#include "goclaw/engine/templating.h"

namespace goclaw::engine::internal {

Result<boost::json::value> ResolveTaskConfig(const WorkflowRun& run, dag::Plan::Index i, std::size_t max_bytes) {
  const dag::TaskSpec& spec = run.plan.task(i);
  try {
    return ResolveTemplates(
        boost::json::value(spec.config),
        [&run](std::string_view kind, std::string_view id) -> const boost::json::value* {
          if (kind == "input") return run.input.get();
          auto j = run.plan.Find(id);
          if (!j || run.tasks[*j].state != TaskState::kCompleted) return nullptr;
          return &run.tasks[*j].output;
        },
        max_bytes);
  } catch (const std::bad_alloc&) {
    return MakeError(ErrorCode::kResourceExhausted, "out of memory");
  }
}

Result<std::size_t> AcceptTaskOutput(WorkflowRun& run, boost::json::value& output, const EngineOptions& options) {
  auto size = SanitizeAgentJson(output, options.max_output_bytes);
  if (!size) {
    std::string message = size.error().message();
    if (size.error().code() == ErrorCode::kResourceExhausted) message += " (limits.max_output_bytes)";
    return MakeError(size.error().code(), message);
  }
  if (run.output_bytes + *size > options.max_workflow_output_bytes) {
    return MakeError(ErrorCode::kResourceExhausted,
                     "output of " + std::to_string(*size) + " bytes would take the workflow's outputs to " +
                         std::to_string(run.output_bytes + *size) + " bytes; the limit is " +
                         std::to_string(options.max_workflow_output_bytes) + " (limits.max_workflow_output_bytes)");
  }
  run.output_bytes += *size;
  return *size;
}

}  // namespace goclaw::engine::internal
