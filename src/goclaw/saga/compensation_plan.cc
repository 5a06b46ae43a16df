// Planning a saga's compensation (compensation_plan.h).
#include "goclaw/saga/compensation_plan.h"

#include <functional>

#include "goclaw/engine/templating.h"

namespace goclaw::saga {

std::vector<PlannedCompensation> PlanCompensations(const std::vector<std::string>& steps,
                                                   const std::map<std::string, std::vector<std::string>>& deps,
                                                   const std::set<std::string>& completed,
                                                   const std::set<std::string>& compensable,
                                                   const std::set<std::string>& done) {
  std::map<std::string, std::vector<std::string>> dependents;  // within the completed steps
  for (const auto& [step, ds] : deps) {
    if (!completed.contains(step)) continue;
    for (const auto& d : ds) dependents[d].push_back(step);
  }
  auto planned = [&](const std::string& s) {
    return completed.contains(s) && compensable.contains(s) && !done.contains(s);
  };
  std::vector<PlannedCompensation> out;
  for (const auto& step : steps) {
    if (!planned(step)) continue;
    PlannedCompensation p{step, {}};
    // The nearest planned dependents: walk through completed steps that are not planned.
    std::set<std::string> seen, after;
    std::vector<std::string> stack{step};
    while (!stack.empty()) {
      std::string s = std::move(stack.back());
      stack.pop_back();
      auto it = dependents.find(s);
      if (it == dependents.end()) continue;
      for (const auto& next : it->second) {
        if (!seen.insert(next).second) continue;
        if (planned(next)) {
          after.insert(next);
        } else {
          stack.push_back(next);
        }
      }
    }
    for (const auto& s : steps) {
      if (after.contains(s)) p.after.push_back(s);
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<boost::json::value> RewriteCompensationConfig(const boost::json::value& config, const std::string& step,
                                                     const std::set<std::string>& steps) {
  auto rest_of = [](std::string_view expr, std::size_t at) { return expr.size() > at ? expr.substr(at) : ""; };
  return engine::RewritePlaceholders(config, [&](std::string_view expr) -> Result<std::string> {
    auto refused = [&](std::string why) {
      return MakeError(ErrorCode::kInvalidArgument, "{{" + std::string(expr) + "}}: " + why +
                                                        "; a compensation may use {{step.output...}}, "
                                                        "{{step.input...}}, {{input...}} and {{tasks.<id>.output...}}");
    };
    if (expr == "input" || expr.rfind("input.", 0) == 0) return "input.saga" + std::string(rest_of(expr, 5));
    if (expr.rfind("step.", 0) == 0) {
      std::string_view what = expr.substr(5);
      if (what == "input" || what == "output" || what.rfind("input.", 0) == 0 || what.rfind("output.", 0) == 0) {
        return "input.steps." + step + "." + std::string(what);
      }
      return refused("expected step.input or step.output");
    }
    if (expr.rfind("tasks.", 0) == 0) {
      std::string_view rest = expr.substr(6);
      const std::size_t dot = rest.find('.');
      const std::string id(rest.substr(0, dot));
      std::string_view after = dot == std::string_view::npos ? "" : rest.substr(dot + 1);
      if (!steps.contains(id)) return refused("no step \"" + id + "\" in this saga");
      if (after != "output" && after.rfind("output.", 0) != 0) return refused("expected tasks.<id>.output[.path]");
      return "input.steps." + id + "." + std::string(after);
    }
    return refused("unknown reference");
  });
}

Result<boost::json::object> CompensationTask(const SagaDefinition& d, const std::string& step,
                                             const std::vector<std::string>& after) {
  const Compensation& c = d.compensations.at(step);
  const auto all = d.Steps();
  const std::set<std::string> steps(all.begin(), all.end());
  boost::json::object task = c.task;
  task["id"] = step;
  if (const auto* config = c.task.if_contains("config")) {
    GOCLAW_ASSIGN_OR_RETURN(task["config"], RewriteCompensationConfig(*config, step, steps));
  }
  if (c.on_failure == OnCompensationFailure::kRetry) {
    // Until the deadline: the block's backoff, with retries enough to reach it.
    boost::json::object retries{{"backoff", "exponential"}, {"initial", "1s"}, {"max_delay", "30s"}};
    if (const auto* r = c.task.if_contains("retries"); r && r->is_object()) retries = r->get_object();
    retries["max"] = kRetryForever;
    task["retries"] = std::move(retries);
  }
  boost::json::array deps;
  for (const auto& a : after) deps.emplace_back(a);
  if (!deps.empty()) task["depends_on"] = std::move(deps);
  return task;
}

Result<boost::json::object> CompensationWorkflowSpec(const SagaDefinition& d, const std::string& saga_id, int round,
                                                     const boost::json::object& saga_input,
                                                     const std::map<std::string, StepData>& data,
                                                     const std::vector<PlannedCompensation>& plan) {
  boost::json::object steps;
  for (const auto& [id, s] : data) steps[id] = boost::json::object{{"input", s.input}, {"output", s.output}};
  boost::json::array tasks;
  for (const auto& p : plan) {
    GOCLAW_ASSIGN_OR_RETURN(boost::json::object task, CompensationTask(d, p.step, p.after));
    tasks.emplace_back(std::move(task));
  }
  return boost::json::object{
      {"name", (d.name.empty() ? std::string("saga") : d.name) + ".compensate"},
      {"description", "compensation of saga " + saga_id + " (round " + std::to_string(round) + ")"},
      {"metadata", {{kSagaMetadataKey, saga_id},
                    {kSagaRoleMetadataKey, "compensation"},
                    {"saga_round", round},
                    {"idempotency_key", saga_id + "/{task}/compensate"}}},
      {"input", {{"saga", saga_input}, {"steps", std::move(steps)}}},
      {"tasks", std::move(tasks)}};
}

}  // namespace goclaw::saga
