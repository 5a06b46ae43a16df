// Which task types exist where a spec will run, and whether each task's config suits its type.
// The spec language fixes only the form of a type name (spec.h); an installation's executor
// registry (exec/registry.h) implements this interface, so adding an executor type needs no
// edit here. `goclaw validate` offline uses a registry of the standard types' config checks.
//
// Thread-safety: implementations are read-only once built; calls from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "goclaw/core/json_reader.h"
#include "goclaw/dag/spec.h"

namespace goclaw::dag {

class TaskTypeCatalog {
 public:
  virtual ~TaskTypeCatalog() = default;
  // The type's own name for `name` (aliases resolved: "script" -> "exec"); nullopt if unknown.
  virtual std::optional<std::string> Canonical(std::string_view name) const = 0;
  // Every accepted name, aliases included, for messages.
  virtual std::vector<std::string> Names() const = 0;
  // Adds a problem per bad field of a task's `config` under `path` ("tasks[2].config").
  virtual void CheckConfig(std::string_view type, const boost::json::object& config,
                           const std::string& path, Diagnostics& diag) const = 0;
};

// Resolves every task's type to its canonical name (in place) and reports unknown types at
// tasks[i].type (or defaults.type when the type came from there). With `check_configs`, also
// each config against its type. `root` is the decoded document (for where a type came from).
void CheckTaskTypes(WorkflowSpec& spec, const boost::json::value& root,
                    const TaskTypeCatalog& catalog, bool check_configs, Diagnostics& diag);

}  // namespace goclaw::dag
