// The DAG compiler: checks a decoded WorkflowSpec as a graph and builds its immutable Plan.
//
// Checks, all reported at once with the path of the offending field: duplicate ids, unknown
// dependencies (with the nearest id as a suggestion), self dependencies, duplicate
// dependencies, and cycles — each reported as the cycle itself ("a -> b -> c -> a"), found
// iteratively so a 1M-task chain cannot overflow the stack. Runs in O(tasks + edges).
//
// Pure: no I/O, no threads, no global state.
#pragma once

#include <memory>

#include "goclaw/core/json_reader.h"
#include "goclaw/core/status.h"
#include "goclaw/dag/plan.h"
#include "goclaw/dag/spec.h"

namespace goclaw::dag {

// Compiles `spec`, or returns kInvalidArgument with one detail per problem.
Result<Plan> Compile(std::shared_ptr<const WorkflowSpec> spec);

// Like Compile, but adds problems to `diag` (which may already hold decoding problems) and
// returns a plan only when the graph has none.
std::optional<Plan> CompileInto(std::shared_ptr<const WorkflowSpec> spec, Diagnostics& diag);

}  // namespace goclaw::dag
