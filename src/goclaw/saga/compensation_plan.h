// Planning a saga's compensation (docs/design/saga.md), pure:
//
// - Which steps: the completed ones with a compensate block, not yet compensated.
// - In what order: a step's compensation runs after the compensations of every completed step
//   that depended on it, directly or through completed steps without a compensation; so
//   independent branches compensate in parallel. The failed step is not compensated.
// - As what: one workflow per round (the first compensation, then each `recover`), whose task
//   per step is the compensate block (id = the step's id) with its references rewritten to
//   the workflow's input {"saga": <saga input>, "steps": {<id>: {"input", "output"}}}:
//     {{step.output.x}}      -> {{input.steps.<this step>.output.x}}   (also step.input)
//     {{tasks.<id>.output.x}} -> {{input.steps.<id>.output.x}}
//     {{input.x}}            -> {{input.saga.x}}
//   Its metadata names the saga and sets the idempotency key template
//   "<saga id>/{task}/compensate" (exec/executor.h), so every attempt of a step's compensation,
//   in every round and after every restart, carries the same key.
//
// Thread-safety: pure.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/status.h"
#include "goclaw/saga/saga_definition.h"

namespace goclaw::saga {

inline constexpr std::string_view kSagaMetadataKey = "saga";        // the saga id, in both workflows
inline constexpr std::string_view kSagaRoleMetadataKey = "saga_role";  // "forward" or "compensation"
// Retries of a compensation with on_compensation_failure: retry (until the saga's
// compensation deadline, or this many).
inline constexpr std::int64_t kRetryForever = 1000;

struct PlannedCompensation {
  std::string step;
  std::vector<std::string> after;  // steps whose compensation must complete first
  friend bool operator==(const PlannedCompensation&, const PlannedCompensation&) = default;
};

// `steps` in spec order; `deps` step -> its dependencies. Steps in `done` are compensated
// already: skipped, and transparent for ordering like steps without a compensation.
std::vector<PlannedCompensation> PlanCompensations(const std::vector<std::string>& steps,
                                                   const std::map<std::string, std::vector<std::string>>& deps,
                                                   const std::set<std::string>& completed,
                                                   const std::set<std::string>& compensable,
                                                   const std::set<std::string>& done);

// A compensate block's config with its references rewritten (above). kInvalidArgument naming
// the placeholder for a reference a compensation cannot have.
Result<boost::json::value> RewriteCompensationConfig(const boost::json::value& config, const std::string& step,
                                                     const std::set<std::string>& steps);

// The compensation task of `step` (as a workflow spec's task), depending on `after`.
Result<boost::json::object> CompensationTask(const SagaDefinition& d, const std::string& step,
                                             const std::vector<std::string>& after);

struct StepData {
  boost::json::value input;   // the step's resolved config
  boost::json::value output;  // its output
};

// The round's compensation workflow spec.
Result<boost::json::object> CompensationWorkflowSpec(const SagaDefinition& d, const std::string& saga_id, int round,
                                                     const boost::json::object& saga_input,
                                                     const std::map<std::string, StepData>& data,
                                                     const std::vector<PlannedCompensation>& plan);

}  // namespace goclaw::saga
