#include "goclaw/dag/loader.h"

#include <gtest/gtest.h>

namespace goclaw::dag {
namespace {

TEST(LoaderTest, YamlSpecToPlan) {
  auto plan = LoadWorkflow(R"(
name: research-report
metadata: {team: growth}
defaults: {timeout: 60s, retries: 2, lane: default}
tasks:
  - id: search
    type: http
    lane: web
    config: {method: POST, url: "http://127.0.0.1:9000/search", body: {q: "{{input.topic}}"}}
  - id: summarize
    depends_on: [search]
    type: function
    config: {name: summarize, args: {text: "{{tasks.search.output.body}}"}}
    retries: {max: 3, backoff: exponential, initial: 200ms, max_delay: 10s}
)");
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->spec().name, "research-report");
  EXPECT_EQ(plan->task_count(), 2u);
  EXPECT_EQ(plan->layer_count(), 2u);
  EXPECT_EQ(plan->task(1).retries.max_retries, 3);
  EXPECT_EQ(plan->task(0).retries.max_retries, 2);
}

TEST(LoaderTest, ErrorsCarryYamlLines) {
  auto plan = LoadWorkflow(
      "name: x\n"
      "tasks:\n"
      "  - id: search\n"
      "  - id: sum\n"
      "    depends_on: [serch]\n"
      "    timeout: soon\n");
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message(), "workflow spec is invalid: 2 problems");
  const auto& d = plan.error().details();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].path, "tasks[1].timeout");
  EXPECT_EQ(d[0].line, 6);
  EXPECT_EQ(d[1].path, "tasks[1].depends_on[0]");
  EXPECT_EQ(d[1].line, 5);
  EXPECT_EQ(d[1].message, "unknown task \"serch\"; did you mean \"search\"?");
}

TEST(LoaderTest, FieldAndGraphProblemsTogether) {
  auto plan = LoadWorkflow(
      R"({"tasks": [{"id": "a", "depends_on": ["b"], "priority": "x"}, {"id": "b", "depends_on": ["a"]}]})");
  ASSERT_FALSE(plan);
  ASSERT_EQ(plan.error().details().size(), 2u);
  EXPECT_EQ(plan.error().details()[0].path, "tasks[0].priority");
  EXPECT_NE(plan.error().details()[1].message.find("dependency cycle: a -> b -> a"),
            std::string::npos);
}

TEST(LoaderTest, SpecSizeLimit) {
  LoadOptions options;
  options.limits.max_spec_bytes = 16;
  auto plan = LoadWorkflow(R"({"tasks": [{"id": "a"}]})", options);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code(), ErrorCode::kResourceExhausted);
}

TEST(LoaderTest, NonObjectDocuments) {
  for (const char* text : {"42", "just a string", "- a\n- b\n", "null", "~"}) {
    auto plan = LoadWorkflow(text);
    ASSERT_FALSE(plan) << text;
    EXPECT_NE(plan.error().details()[0].message.find("expected the workflow spec to be an object"),
              std::string::npos)
        << text;
  }
}

}  // namespace
}  // namespace goclaw::dag
