#include "goclaw/dag/spec_decoder.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace goclaw::dag {
namespace {

WorkflowSpec Decode(std::string_view json, Diagnostics& diag, SpecLimits limits = {}) {
  return DecodeSpec(boost::json::parse(json), limits, diag);
}

TEST(SpecDecoderTest, AcceptsReferenceJsonShape) {
  Diagnostics diag;
  WorkflowSpec spec = Decode(R"({
    "name": "data-processing-workflow",
    "description": "Process customer data",
    "tasks": [
      {"id": "task-1", "name": "Fetch", "type": "http", "timeout": 300, "retries": 3},
      {"id": "task-2", "name": "Process", "type": "script", "depends_on": ["task-1"], "timeout": 600},
      {"id": "task-3", "name": "Report", "type": "function", "depends_on": ["task-2"]}
    ],
    "metadata": {"environment": "production"}
  })", diag);
  ASSERT_TRUE(diag.empty()) << diag.ToError("spec").ToString();
  ASSERT_EQ(spec.tasks.size(), 3u);
  EXPECT_EQ(spec.tasks[0].type, "http");
  EXPECT_EQ(spec.tasks[0].timeout, Millis(300000));
  EXPECT_EQ(spec.tasks[0].retries.max_retries, 3);
  EXPECT_EQ(spec.tasks[1].type, "script");
  EXPECT_EQ(spec.tasks[2].depends_on, std::vector<std::string>{"task-2"});
  EXPECT_EQ(spec.metadata.at("environment"), "production");
}

TEST(SpecDecoderTest, AppliesDefaultsAndRichForms) {
  Diagnostics diag;
  WorkflowSpec spec = Decode(R"({
    "name": "r",
    "defaults": {"timeout": "60s", "retries": 2, "lane": "default", "priority": 5, "type": "function"},
    "tasks": [
      {"id": "a"},
      {"id": "b", "type": "builtin", "config": {"op": "sleep", "duration": "1s"},
       "timeout": "1m30s", "lane": "web", "priority": -1, "session": "user-1", "estimate": 2.5,
       "retries": {"max": 3, "backoff": "fixed", "initial": "200ms", "max_delay": "10s"},
       "on_failure": "continue", "depends_on": "a"}
    ]
  })", diag);
  ASSERT_TRUE(diag.empty()) << diag.ToError("spec").ToString();
  const TaskSpec& a = spec.tasks[0];
  EXPECT_EQ(a.type, "function");
  EXPECT_EQ(a.timeout, Millis(60000));
  EXPECT_EQ(a.retries.max_retries, 2);
  EXPECT_EQ(a.priority, 5);
  EXPECT_EQ(a.name, "a");
  const TaskSpec& b = spec.tasks[1];
  EXPECT_EQ(b.type, "builtin");
  EXPECT_EQ(b.timeout, Millis(90000));
  EXPECT_EQ(b.lane, "web");
  EXPECT_EQ(b.priority, -1);
  EXPECT_EQ(b.session, "user-1");
  EXPECT_EQ(b.estimate, 2.5);
  EXPECT_EQ(b.retries.backoff, Backoff::kFixed);
  EXPECT_EQ(b.retries.initial, Millis(200));
  EXPECT_EQ(b.retries.max_delay, Millis(10000));
  EXPECT_EQ(b.on_failure, OnFailure::kContinue);
  EXPECT_EQ(b.depends_on, std::vector<std::string>{"a"});
}

TEST(SpecDecoderTest, ReportsAllFieldProblems) {
  Diagnostics diag;
  Decode(R"({
    "nmae": "x",
    "tasks": [
      {"name": "no id"},
      {"id": ""},
      {"id": "bad id!"},
      {"id": "t", "type": "Htp!", "timeout": -5, "retries": -1, "priority": "high",
       "estimate": -1, "config": [1], "depends_on": [1], "dependson": [], "lane": "a b"},
      {"id": "u", "type": "builtin", "config": {"op": "slep"}, "retries": {"max": 2, "backof": "fixed"}},
      "string task"
    ]
  })", diag);
  std::vector<std::string> got;
  for (const auto& d : diag.details()) got.push_back(d.path + ": " + d.message);
  std::vector<std::string> want = {
      "tasks[0].id: is required",
      "tasks[1].id: must not be empty",
      "tasks[2].id: invalid task id \"bad id!\"; use letters, digits, '_', '-' and '.', starting "
      "with a letter, digit or '_'",
      "tasks[3].type: invalid task type \"Htp!\"; a type name is lower-case letters, digits, '_' "
      "and '-', starting with a letter (e.g. builtin, http, exec)",
      "tasks[3].depends_on[0]: expected a task id (string), got number 1",
      "tasks[3].config: expected an object (a mapping of keys to values), got array",
      "tasks[3].timeout: duration must not be negative (got -5.000000s)",
      "tasks[3].retries: expected a retry count from 0 to 1000 or a policy {max, backoff, "
      "initial, max_delay}, got number -1",
      "tasks[3].lane: invalid lane name \"a b\"; use 1 to 128 letters, digits, '_', '-', '.' or "
      "':'",
      "tasks[3].priority: expected an integer from -1000000 to 1000000, got string \"high\"",
      "tasks[3].estimate: expected a number from 0 to 1e+12, got number -1",
      "tasks[3].dependson: unknown key; did you mean tasks[3].depends_on?",
      "tasks[4].retries.backof: unknown key; did you mean tasks[4].retries.backoff?",
      "tasks[5]: expected a task to be an object (a mapping of keys to values), got string "
      "\"string task\"",
      "nmae: unknown key; did you mean name?",
  };
  EXPECT_EQ(got, want);
}

TEST(SpecDecoderTest, StructuralErrors) {
  for (auto [json, message] : std::vector<std::pair<const char*, const char*>>{
           {"[]", "expected the workflow spec to be an object (a mapping of keys to values), got "
                  "array"},
           {R"({"name": "x"})", "is required: list the workflow's tasks"},
           {R"({"tasks": {}})", "expected a list of tasks, got object"},
           {R"({"tasks": []})", "must contain at least one task"},
           {R"({"name": 5, "tasks": [{"id": "a"}]})", "expected a string, got number 5"},
       }) {
    Diagnostics diag;
    Decode(json, diag);
    ASSERT_FALSE(diag.empty()) << json;
    EXPECT_EQ(diag.details()[0].message, message) << json;
  }
}

TEST(SpecDecoderTest, EnforcesLimits) {
  SpecLimits limits;
  limits.max_tasks = 2;
  limits.max_id_length = 4;
  Diagnostics diag;
  Decode(R"({"tasks": [{"id": "a"}, {"id": "b"}, {"id": "c"}]})", diag, limits);
  ASSERT_EQ(diag.count(), 1u);
  EXPECT_EQ(diag.details()[0].message, "has 3 tasks; the limit is 2 (dag.max_tasks)");
  Diagnostics diag2;
  Decode(R"({"tasks": [{"id": "abcdef"}]})", diag2, limits);
  ASSERT_EQ(diag2.count(), 1u);
  EXPECT_EQ(diag2.details()[0].message, "is 6 characters long; the limit is 4");
}

TEST(SpecDecoderTest, TaskIdRules) {
  EXPECT_TRUE(IsValidTaskId("a"));
  EXPECT_TRUE(IsValidTaskId("task-1.v2_x"));
  EXPECT_TRUE(IsValidTaskId("_hidden"));
  EXPECT_FALSE(IsValidTaskId(""));
  EXPECT_FALSE(IsValidTaskId("-x"));
  EXPECT_FALSE(IsValidTaskId(".x"));
  EXPECT_FALSE(IsValidTaskId("a/b"));
  EXPECT_FALSE(IsValidTaskId("../etc"));
  EXPECT_FALSE(IsValidTaskId("任务"));
}

}  // namespace
}  // namespace goclaw::dag
