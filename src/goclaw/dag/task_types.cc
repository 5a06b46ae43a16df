// Task types against a catalog (task_types.h).
#include "goclaw/dag/task_types.h"

#include "goclaw/core/suggest.h"
#include "goclaw/core/text.h"

namespace goclaw::dag {
namespace {

// Whether tasks[i] of the document sets `type` itself (else it came from `defaults`).
bool SetsType(const boost::json::value& root, std::size_t i) {
  const auto* obj = root.if_object();
  const auto* tasks = obj ? obj->if_contains("tasks") : nullptr;
  const auto* arr = tasks ? tasks->if_array() : nullptr;
  if (arr == nullptr || i >= arr->size() || !(*arr)[i].is_object()) return true;
  return (*arr)[i].get_object().contains("type");
}

}  // namespace

void CheckTaskTypes(WorkflowSpec& spec, const boost::json::value& root,
                    const TaskTypeCatalog& catalog, bool check_configs, Diagnostics& diag) {
  bool defaults_reported = false;
  for (std::size_t i = 0; i < spec.tasks.size(); ++i) {
    TaskSpec& task = spec.tasks[i];
    const std::string path = IndexPath("tasks", i);
    std::optional<std::string> canonical = catalog.Canonical(task.type);
    if (!canonical) {
      const bool own = SetsType(root, i);
      if (!own && defaults_reported) continue;  // one problem for a bad defaults.type
      defaults_reported |= !own;
      const std::vector<std::string> names = catalog.Names();
      std::string list;
      for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
      std::string message = "unknown task type " + QuoteForMessage(task.type) + "; accepted: " + list;
      if (auto near = NearestName(task.type, names)) message += "; did you mean \"" + std::string(*near) + "\"?";
      diag.Add(own ? JoinPath(path, "type") : "defaults.type", message);
      continue;
    }
    task.type = std::move(*canonical);
    if (check_configs) catalog.CheckConfig(task.type, task.config, JoinPath(path, "config"), diag);
  }
}

}  // namespace goclaw::dag
