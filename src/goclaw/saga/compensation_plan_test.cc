// Compensation planning: reverse dependency order, exactly the completed steps, templating.
#include "goclaw/saga/compensation_plan.h"

#include <random>

#include <gtest/gtest.h>

namespace goclaw::saga {
namespace {

using Deps = std::map<std::string, std::vector<std::string>>;

TEST(PlanCompensations, ReversesASequence) {
  const std::vector<std::string> steps{"a", "b", "c"};
  Deps deps{{"a", {}}, {"b", {"a"}}, {"c", {"b"}}};
  auto plan = PlanCompensations(steps, deps, {"a", "b"}, {"a", "b", "c"}, {});
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0], (PlannedCompensation{"a", {"b"}}));
  EXPECT_EQ(plan[1], (PlannedCompensation{"b", {}}));
}

TEST(PlanCompensations, BranchesCompensateInParallelAndStepsWithoutCompensationAreTransparent) {
  // a -> b -> d, a -> c; b has no compensation: a waits for d and c.
  const std::vector<std::string> steps{"a", "b", "c", "d"};
  Deps deps{{"a", {}}, {"b", {"a"}}, {"c", {"a"}}, {"d", {"b"}}};
  auto plan = PlanCompensations(steps, deps, {"a", "b", "c", "d"}, {"a", "c", "d"}, {});
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0], (PlannedCompensation{"a", {"c", "d"}}));
  EXPECT_EQ(plan[1], (PlannedCompensation{"c", {}}));
  EXPECT_EQ(plan[2], (PlannedCompensation{"d", {}}));
}

TEST(PlanCompensations, ARecoverRoundSkipsWhatWasCompensated) {
  const std::vector<std::string> steps{"a", "b", "c"};
  Deps deps{{"a", {}}, {"b", {"a"}}, {"c", {"b"}}};
  auto plan = PlanCompensations(steps, deps, {"a", "b", "c"}, {"a", "b", "c"}, {"c"});
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0], (PlannedCompensation{"a", {"b"}}));
  EXPECT_EQ(plan[1], (PlannedCompensation{"b", {}}));
}

// Property: random DAGs, a random failing step; the completed steps are those whose every
// upstream completed (and that are not the failed one or downstream of it, as the engine
// runs it). The plan compensates exactly the completed compensable steps, and a step's
// compensation comes after every planned step that depends on it transitively.
TEST(PlanCompensations, RandomDagsCompensateExactlyTheCompletedStepsInReverseOrder) {
  std::mt19937 rng(20261202);
  for (int round = 0; round < 300; ++round) {
    const int n = 2 + static_cast<int>(rng() % 12);
    std::vector<std::string> steps;
    Deps deps;
    for (int i = 0; i < n; ++i) {
      steps.push_back("s" + std::to_string(i));
      auto& d = deps[steps.back()];
      for (int j = 0; j < i; ++j) {
        if (rng() % 3 == 0) d.push_back(steps[j]);
      }
    }
    const std::string failed = steps[rng() % n];
    // Forward as the engine runs it: a step runs when its dependencies completed; the failed
    // step fails, and a random cut stops the rest (the workflow failed while they waited).
    std::set<std::string> completed;
    for (const auto& s : steps) {
      if (s == failed) continue;
      bool ready = true;
      for (const auto& d : deps[s]) ready &= completed.contains(d);
      if (ready && rng() % 5 != 0) completed.insert(s);
    }
    std::set<std::string> compensable;
    for (const auto& s : steps) {
      if (rng() % 4 != 0) compensable.insert(s);
    }
    auto plan = PlanCompensations(steps, deps, completed, compensable, {});
    std::set<std::string> planned;
    std::map<std::string, std::vector<std::string>> after;
    for (const auto& p : plan) {
      planned.insert(p.step);
      after[p.step] = p.after;
    }
    std::set<std::string> expected;
    for (const auto& s : completed) {
      if (compensable.contains(s)) expected.insert(s);
    }
    ASSERT_EQ(planned, expected) << "round " << round;
    EXPECT_FALSE(planned.contains(failed));
    // Simulate: a compensation runs once everything it waits for ran; every planned step runs,
    // and runs after every planned transitive dependent.
    std::vector<std::string> order;
    std::set<std::string> ran;
    while (ran.size() < planned.size()) {
      bool progressed = false;
      for (const auto& p : plan) {
        if (ran.contains(p.step)) continue;
        bool ok = true;
        for (const auto& a : p.after) ok &= ran.contains(a);
        if (ok) {
          ran.insert(p.step);
          order.push_back(p.step);
          progressed = true;
        }
      }
      ASSERT_TRUE(progressed) << "a cycle in the plan, round " << round;
    }
    std::map<std::string, std::size_t> position;
    for (std::size_t i = 0; i < order.size(); ++i) position[order[i]] = i;
    for (const auto& s : planned) {
      // Every planned step downstream of s (through completed steps) was compensated before s.
      std::vector<std::string> stack{s};
      std::set<std::string> seen;
      while (!stack.empty()) {
        std::string cur = stack.back();
        stack.pop_back();
        for (const auto& [t, ds] : deps) {
          if (!completed.contains(t) || std::find(ds.begin(), ds.end(), cur) == ds.end() || !seen.insert(t).second) continue;
          if (planned.contains(t)) {
            EXPECT_LT(position[t], position[s]) << t << " before " << s << ", round " << round;
          }
          stack.push_back(t);
        }
      }
    }
  }
}

TEST(RewriteCompensationConfig, PointsReferencesAtTheCompensationInput) {
  boost::json::value config = {{"url", "http://x/{{step.output.body.id}}"},
                               {"body", {{"who", "{{input.user}}"}, {"flight", "{{tasks.flight.output.body}}"},
                                         {"sent", "{{ step.input }}"}}}};
  auto out = RewriteCompensationConfig(config, "hotel", {"flight", "hotel"});
  ASSERT_TRUE(out) << out.error().message();
  EXPECT_EQ(out->at("url"), "http://x/{{input.steps.hotel.output.body.id}}");
  EXPECT_EQ(out->at("body").at("who"), "{{input.saga.user}}");
  EXPECT_EQ(out->at("body").at("flight"), "{{input.steps.flight.output.body}}");
  EXPECT_EQ(out->at("body").at("sent"), "{{input.steps.hotel.input}}");
}

TEST(RewriteCompensationConfig, RefusesReferencesItCannotServe) {
  for (const char* bad : {"{{step.error}}", "{{tasks.nope.output}}", "{{tasks.flight.input}}", "{{workflow.id}}"}) {
    auto out = RewriteCompensationConfig(boost::json::value(bad), "hotel", {"flight", "hotel"});
    ASSERT_FALSE(out) << bad;
    EXPECT_EQ(out.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(out.error().message().find("a compensation may use"), std::string::npos);
  }
}

TEST(CompensationWorkflowSpec, CarriesTheSagaTheKeysAndTheRetryPolicy) {
  SagaDefinition d;
  d.name = "trip";
  d.workflow = {{"tasks", {{{"id", "flight"}}, {{"id", "hotel"}, {"depends_on", {"flight"}}}}}};
  d.compensations["flight"] = Compensation{{{"type", "builtin"}, {"config", {{"op", "noop"}}}}, OnCompensationFailure::kRetry};
  d.compensations["hotel"] = Compensation{{{"type", "builtin"}, {"config", {{"op", "echo"}, {"b", "{{step.output.id}}"}}},
                                           {"retries", 2}},
                                          OnCompensationFailure::kFail};
  std::map<std::string, StepData> data{{"flight", {{{"to", "NRT"}}, {{"id", "F1"}}}}, {"hotel", {nullptr, {{"id", "H1"}}}}};
  auto plan = PlanCompensations(d.Steps(), d.Dependencies(), {"flight", "hotel"}, {"flight", "hotel"}, {});
  auto spec = CompensationWorkflowSpec(d, "saga-1", 1, {{"user", "ann"}}, data, plan);
  ASSERT_TRUE(spec) << spec.error().message();
  EXPECT_EQ(spec->at("name"), "trip.compensate");
  EXPECT_EQ(spec->at("metadata").at("saga"), "saga-1");
  EXPECT_EQ(spec->at("metadata").at("idempotency_key"), "saga-1/{task}/compensate");
  EXPECT_EQ(spec->at("input").at("steps").at("flight").at("output").at("id"), "F1");
  const auto& tasks = spec->at("tasks").as_array();
  ASSERT_EQ(tasks.size(), 2u);
  EXPECT_EQ(tasks[0].at("id"), "flight");
  EXPECT_EQ(tasks[0].at("depends_on"), boost::json::array({"hotel"}));
  EXPECT_EQ(tasks[0].at("retries").at("max"), kRetryForever);
  EXPECT_EQ(tasks[1].at("retries"), 2);  // on_compensation_failure: fail keeps the block's own
  EXPECT_EQ(tasks[1].at("config").at("b"), "{{input.steps.hotel.output.id}}");
}

}  // namespace
}  // namespace goclaw::saga
