// Checks of a compiled plan that the graph alone does not make: what a spec refers to must
// exist where it will run. Run by CompileDocument (loader.h) once the graph compiled, so that
// `goclaw validate`, `goclaw run` and the REST submit refuse what could never run:
//
//   - {{tasks.<id>.output...}} in a task's config must name a task that is upstream of it (a
//     transitive dependency): otherwise its output may not exist yet when the task starts;
//     other placeholders must be {{input...}} (engine/templating.h resolves only these two).
//   - `timeout` must be more than 0;
//   - a task's lane must be configured (RunEnvironment::lane_problem, when known);
//   - a task's type must exist and its config suit it (RunEnvironment::task_types, when known:
//     each executor checks its own config, e.g. a function task must name a registered
//     function, builtin `fail` needs `times` a whole number; task_types.h).
//
// These are admission checks: they apply to new specs. Specs an engine stored earlier are
// recompiled without them (LoadOptions::admission_checks), since they were valid when submitted.
//
// Pure: no I/O, no threads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "goclaw/core/json_reader.h"
#include "goclaw/dag/plan.h"
#include "goclaw/dag/task_types.h"

namespace goclaw::dag {

// What the installation that will run a spec offers. An empty function means "unknown": that
// check is skipped.
struct RunEnvironment {
  // nullopt when tasks may use `lane` here; otherwise why not (e.g. `unknown lane "x"`).
  std::function<std::optional<std::string>(std::string_view lane)> lane_problem;
  // The task types that can run there, each checking its own config (the executor registry).
  // Types are resolved (aliases) whenever it is set; configs are checked as admission checks.
  const TaskTypeCatalog* task_types = nullptr;
};

// Adds one problem per bad reference, lane or function to `diag`, with the field's path
// ("tasks[2].config.args.text").
void CheckPlan(const Plan& plan, const RunEnvironment& env, Diagnostics& diag);

}  // namespace goclaw::dag
