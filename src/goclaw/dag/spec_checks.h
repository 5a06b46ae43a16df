// Checks of a compiled plan that the graph alone does not make: what a spec refers to must
// exist where it will run. Run by CompileDocument (loader.h) once the graph compiled, so that
// `goclaw validate`, `goclaw run` and the REST submit refuse what could never run:
//
//   - {{tasks.<id>.output...}} in a task's config must name a task that is upstream of it (a
//     transitive dependency): otherwise its output may not exist yet when the task starts;
//     other placeholders must be {{input...}} (engine/templating.h resolves only these two).
//   - `timeout` must be more than 0; builtin `fail` needs `times` a whole number from 0 and
//     `message` a string (what the executor reads; it would silently ignore anything else);
//   - a task's lane must be configured (RunEnvironment::lane_problem, when known);
//   - a function task must name a registered function (RunEnvironment::function_problem, when
//     known: a server knows its functions, `goclaw validate` offline does not).
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

namespace goclaw::dag {

// What the installation that will run a spec offers. An empty function means "unknown": that
// check is skipped.
struct RunEnvironment {
  // nullopt when tasks may use `lane` here; otherwise why not (e.g. `unknown lane "x"`).
  std::function<std::optional<std::string>(std::string_view lane)> lane_problem;
  // nullopt when `name` is a registered function; otherwise why not.
  std::function<std::optional<std::string>(std::string_view name)> function_problem;
};

// Adds one problem per bad reference, lane or function to `diag`, with the field's path
// ("tasks[2].config.args.text").
void CheckPlan(const Plan& plan, const RunEnvironment& env, Diagnostics& diag);

}  // namespace goclaw::dag
