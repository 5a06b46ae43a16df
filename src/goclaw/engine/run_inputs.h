// Internal: what goes into a task and what comes out of it, with their bounds. A task's config
// is resolved ({{input...}}, {{tasks.<id>.output...}}) when it becomes ready, within
// limits.max_config_bytes; an output enters the run only if it can be stored, served and read
// back (core/json_limits.h) and fits the workflow's output budget.
//
// Thread-safety: functions over a run, on its shard thread.
#pragma once

#include <cstddef>

#include <boost/json/value.hpp>

#include "goclaw/core/status.h"
#include "goclaw/engine/engine_options.h"
#include "goclaw/engine/workflow_run.h"

namespace goclaw::engine::internal {

// Task i's config with its references resolved; kResourceExhausted past `max_bytes` (sizes are
// added up before anything is copied) or when memory runs out.
Result<boost::json::value> ResolveTaskConfig(const WorkflowRun& run, dag::Plan::Index i, std::size_t max_bytes);

// Repairs invalid UTF-8 in `output`, refuses non-finite numbers, nesting past the limit, an
// output over max_output_bytes, or one that would take the workflow's outputs past
// max_workflow_output_bytes; counts it into run.output_bytes. Returns its size.
Result<std::size_t> AcceptTaskOutput(WorkflowRun& run, boost::json::value& output, const EngineOptions& options);

}  // namespace goclaw::engine::internal
