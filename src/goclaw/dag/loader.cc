// Parse + decode + compile.
#include "goclaw/dag/loader.h"

#include <memory>

#include "goclaw/core/json_reader.h"
#include "goclaw/dag/compiler.h"
#include "goclaw/dag/spec_decoder.h"

namespace goclaw::dag {

Result<Plan> LoadWorkflow(std::string_view text, const LoadOptions& options) {
  DocumentLimits doc_limits;
  doc_limits.max_bytes = options.limits.max_spec_bytes;
  GOCLAW_ASSIGN_OR_RETURN(Document doc, ParseDocument(text, options.format, doc_limits));
  return CompileDocument(doc, options.limits, options.environment, options.admission_checks);
}

Result<Plan> CompileDocument(const Document& doc, const SpecLimits& limits,
                             const RunEnvironment& environment, bool admission_checks) {
  Diagnostics diag(&doc);
  auto spec = std::make_shared<WorkflowSpec>(DecodeSpec(doc.root, limits, diag));
  if (environment.task_types != nullptr) {
    CheckTaskTypes(*spec, doc.root, *environment.task_types, admission_checks, diag);
  }
  std::optional<Plan> plan;
  if (!spec->tasks.empty()) plan = CompileInto(std::move(spec), diag);
  if (plan && admission_checks) CheckPlan(*plan, environment, diag);
  if (!diag.empty()) return MakeError(diag.ToError("workflow spec"));
  return std::move(*plan);
}

}  // namespace goclaw::dag
