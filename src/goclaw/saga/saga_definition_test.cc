// Reading saga documents: goclaw's form, the reference's body, and every problem with its path.
#include "goclaw/saga/saga_definition.h"

#include <gtest/gtest.h>

namespace goclaw::saga {
namespace {

Document Parse(std::string_view text) {
  auto doc = ParseDocument(text, DocumentFormat::kAuto);
  EXPECT_TRUE(doc) << doc.error().message();
  return std::move(*doc);
}

std::vector<std::string> Paths(const Diagnostics& diag) {
  std::vector<std::string> out;
  for (const auto& d : diag.details()) out.push_back(d.path);
  return out;
}

TEST(TakeSagaKeys, TakesCompensationsAndSagaKeysOutOfTheWorkflow) {
  Document doc = Parse(R"(
name: trip
policy: manual
timeout: 5m
compensation_timeout: 10m
tasks:
  - id: flight
    type: http
    config: {url: "http://127.0.0.1:1/book"}
    compensate:
      type: http
      config: {url: "http://127.0.0.1:1/cancel", body: {id: "{{step.output.body.id}}"}}
    on_compensation_failure: fail
  - id: hotel
    depends_on: [flight]
)");
  Diagnostics diag(&doc);
  SagaDefinition d = TakeSagaKeys(doc, diag);
  EXPECT_TRUE(diag.empty()) << diag.ToError("saga").message();
  EXPECT_EQ(d.name, "trip");
  EXPECT_EQ(d.policy, Policy::kManual);
  EXPECT_EQ(d.timeout, Millis(300000));
  EXPECT_EQ(d.compensation_timeout, Millis(600000));
  ASSERT_TRUE(d.compensations.contains("flight"));
  EXPECT_EQ(d.compensations["flight"].on_failure, OnCompensationFailure::kFail);
  EXPECT_EQ(d.compensations["flight"].task.at("type"), "http");
  const auto& root = doc.root.as_object();
  EXPECT_FALSE(root.contains("policy"));
  EXPECT_FALSE(root.contains("timeout"));
  EXPECT_FALSE(root.at("tasks").at(0).as_object().contains("compensate"));
  EXPECT_FALSE(root.at("tasks").at(0).as_object().contains("on_compensation_failure"));
}

TEST(TakeSagaKeys, MapsTheReferenceBody) {
  Document doc = Parse(R"({"name": "ref", "policy": " Auto ", "timeout_ms": 5000, "step_timeout_ms": 700,
    "steps": [{"id": "a", "delay_ms": 20, "enable_compensation": true},
              {"id": "b", "depends_on": ["a"], "should_fail": true, "enable_compensation": true},
              {"id": "c", "skip_compensation": true, "enable_compensation": true, "timeout_ms": 90}]})");
  Diagnostics diag(&doc);
  SagaDefinition d = TakeSagaKeys(doc, diag);
  EXPECT_TRUE(diag.empty()) << diag.ToError("saga").message();
  EXPECT_EQ(d.policy, Policy::kAuto);
  EXPECT_EQ(d.timeout, Millis(5000));
  const auto& root = doc.root.as_object();
  ASSERT_TRUE(root.contains("tasks"));
  EXPECT_FALSE(root.contains("steps"));
  EXPECT_EQ(root.at("defaults").at("timeout"), "700ms");
  const auto& tasks = root.at("tasks").as_array();
  EXPECT_EQ(tasks[0].at("config").at("op"), "sleep");
  EXPECT_EQ(tasks[0].at("config").at("duration"), "20ms");
  EXPECT_EQ(tasks[1].at("config").at("op"), "fail");
  EXPECT_EQ(tasks[2].at("config").at("op"), "echo");
  EXPECT_EQ(tasks[2].at("timeout"), "90ms");
  EXPECT_FALSE(tasks[0].as_object().contains("delay_ms"));
  EXPECT_TRUE(d.compensations.contains("a"));
  EXPECT_TRUE(d.compensations.contains("b"));
  EXPECT_FALSE(d.compensations.contains("c"));
}

TEST(TakeSagaKeys, ReportsEveryProblemWithItsPath) {
  Document doc = Parse(R"({"name": "bad", "policy": "sometimes", "timeout_ms": -1,
    "tasks": [{"id": "a", "compensate": "undo it"},
              {"id": "b", "compensate": {"type": "builtin", "cmd": "x"}},
              {"id": "c", "on_compensation_failure": "maybe"},
              {"id": "d", "on_failure": "continue"},
              {"id": "e", "type": "http", "should_fail": true}]})");
  Diagnostics diag(&doc);
  TakeSagaKeys(doc, diag);
  auto paths = Paths(diag);
  for (const char* want : {"policy", "timeout_ms", "tasks[0].compensate", "tasks[1].compensate.cmd",
                           "tasks[2].on_compensation_failure", "tasks[3].on_failure", "tasks[4].should_fail"}) {
    EXPECT_NE(std::find(paths.begin(), paths.end(), want), paths.end()) << want;
  }
}

TEST(SagaDefinition, RoundTripsThroughItsStoredForm) {
  SagaDefinition d;
  d.name = "n";
  d.policy = Policy::kSkip;
  d.timeout = Millis(42);
  d.workflow = {{"name", "n"}, {"tasks", {{{"id", "a"}}, {{"id", "b"}, {"depends_on", {"a"}}}}}};
  d.compensations["a"] = Compensation{{{"type", "builtin"}}, OnCompensationFailure::kFail};
  auto back = DefinitionFromJson(DefinitionToJson(d));
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, d);
  EXPECT_EQ(back->Steps(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(back->Dependencies().at("b"), (std::vector<std::string>{"a"}));
  EXPECT_FALSE(DefinitionFromJson(boost::json::value(3)));
  EXPECT_FALSE(DefinitionFromJson(boost::json::object{{"name", 1}}));
}

}  // namespace
}  // namespace goclaw::saga
