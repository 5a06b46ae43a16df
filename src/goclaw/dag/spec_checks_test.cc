// Template references, lanes and functions refused at load time (issue 12, finding 17).
#include "goclaw/dag/spec_checks.h"

#include <gtest/gtest.h>

#include "goclaw/dag/loader.h"

namespace goclaw::dag {
namespace {

// Every "path: message" of a load that must fail, or {} when it loads.
std::vector<std::string> Problems(std::string_view yaml, const RunEnvironment& env = {}) {
  LoadOptions options;
  options.format = DocumentFormat::kYaml;
  options.environment = env;
  auto plan = LoadWorkflow(yaml, options);
  std::vector<std::string> out;
  if (plan) return out;
  for (const ErrorDetail& d : plan.error().details()) out.push_back(d.path + ": " + d.message);
  return out;
}

TEST(SpecChecksTest, UpstreamReferencesAreAccepted) {
  EXPECT_EQ(
      Problems("tasks:\n"
               "  - {id: a, config: {op: echo}}\n"
               "  - {id: b, depends_on: [a]}\n"
               "  - id: c\n"
               "    depends_on: [b]\n"  // a is upstream through b
               "    config: {op: echo, x: '{{ tasks.a.output }}', y: 'n={{tasks.b.output.n.0}}',\n"
               "             z: '{{input.q}}', w: ['{{input}}']}\n"),
      std::vector<std::string>{});
}

TEST(SpecChecksTest, ReferenceToATaskThatIsNotUpstreamIsRefused) {
  auto p = Problems(
      "tasks:\n"
      "  - {id: x}\n"
      "  - {id: other}\n"
      "  - id: y\n"
      "    depends_on: [other]\n"
      "    type: function\n"
      "    config: {name: f, args: {text: '{{tasks.x.output}}'}}\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(
      p[0],
      "tasks[2].config.args.text: {{tasks.x.output}} refers to \"x\", which is not upstream of "
      "\"y\"; add it to depends_on of \"y\" (directly or through another dependency)");
}

TEST(SpecChecksTest, DownstreamSelfAndUnknownReferencesAreRefused) {
  auto p = Problems(
      "tasks:\n"
      "  - {id: a, config: {v: '{{tasks.b.output}}'}}\n"  // b is downstream of a
      "  - {id: b, depends_on: [a], config: {v: '{{tasks.b.output}}'}}\n"
      "  - {id: c, depends_on: [a], config: {v: '{{tasks.aa.output}}'}}\n");
  ASSERT_EQ(p.size(), 3u) << ::testing::PrintToString(p);
  EXPECT_NE(
      p[0].find(
          "tasks[2].config.v: {{tasks.aa.output}} refers to \"aa\", which is not a task of this "
          "workflow; did you mean \"a\"?"),
      std::string::npos)
      << p[0];
  EXPECT_NE(
      p[1].find(
          "tasks[0].config.v: {{tasks.b.output}} refers to \"b\", which is not upstream of \"a\""),
      std::string::npos)
      << p[1];
  EXPECT_NE(p[2].find("tasks[1].config.v: {{tasks.b.output}} refers to \"b\", the task itself"),
            std::string::npos)
      << p[2];
}

TEST(SpecChecksTest, MalformedPlaceholdersAreRefused) {
  auto p = Problems(
      "tasks:\n"
      "  - {id: a}\n"
      "  - {id: b, depends_on: [a], config: {u: '{{tasks.a.result}}', v: '{{secrets.key}}'}}\n");
  ASSERT_EQ(p.size(), 2u) << ::testing::PrintToString(p);
  EXPECT_EQ(p[0],
            "tasks[1].config.u: {{tasks.a.result}}: expected {{tasks.<id>.output}} or "
            "{{tasks.<id>.output.<path>}}");
  EXPECT_EQ(
      p[1],
      "tasks[1].config.v: {{secrets.key}} is not a reference goclaw knows; use {{input.<path>}} or "
      "{{tasks.<id>.output.<path>}}");
}

// A catalog as an executor registry would be: builtin and function (which knows one function),
// with "fn" as an alias.
class TestCatalog final : public TaskTypeCatalog {
 public:
  std::optional<std::string> Canonical(std::string_view name) const override {
    if (name == "builtin" || name == "function") return std::string(name);
    if (name == "fn") return "function";
    return std::nullopt;
  }
  std::vector<std::string> Names() const override { return {"builtin", "function", "fn"}; }
  void CheckConfig(std::string_view type, const boost::json::object& config, const std::string& path,
                   Diagnostics& diag) const override {
    if (type != "function") return;
    const auto* name = config.if_contains("name");
    if (name == nullptr || !name->is_string()) {
      diag.Add(JoinPath(path, "name"), "a function task must name a registered function");
    } else if (name->get_string() != "summarize") {
      diag.Add(JoinPath(path, "name"), "no function named \"" + std::string(name->get_string()) + "\"");
    }
  }
};

TEST(SpecChecksTest, LanesAndTaskTypesAreCheckedWhenTheEnvironmentKnowsThem) {
  const std::string spec =
      "tasks:\n"
      "  - {id: a, lane: web}\n"
      "  - {id: b, lane: gpu}\n"
      "  - {id: c, type: function, config: {name: summarize}}\n"
      "  - {id: d, type: function, config: {name: nope}}\n"
      "  - {id: e, type: function}\n";
  EXPECT_EQ(Problems(spec), std::vector<std::string>{}) << "nothing known: nothing checked";
  RunEnvironment env;
  env.lane_problem = [](std::string_view lane) -> std::optional<std::string> {
    if (lane == "web" || lane == "default") return std::nullopt;
    return "unknown lane \"" + std::string(lane) + "\"";
  };
  TestCatalog catalog;
  env.task_types = &catalog;
  // Types and configs are checked right after decoding, lanes once the graph compiled.
  EXPECT_EQ(Problems(spec, env),
            (std::vector<std::string>{
                "tasks[3].config.name: no function named \"nope\"",
                "tasks[4].config.name: a function task must name a registered function",
                "tasks[1].lane: unknown lane \"gpu\"",
            }));
  EXPECT_EQ(Problems("tasks: [{id: a, type: fm}]", env),
            (std::vector<std::string>{
                "tasks[0].type: unknown task type \"fm\"; accepted: builtin, function, fn; did you mean \"fn\"?"}));
  auto plan = LoadWorkflow("tasks: [{id: a, type: fn, config: {name: summarize}}]", {.environment = env});
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->task(0).type, "function");  // aliases resolve to the type's own name
  // Stored specs (admission checks off) still resolve types, but configs are not judged again.
  LoadOptions stored;
  stored.environment = env;
  stored.admission_checks = false;
  EXPECT_TRUE(LoadWorkflow("tasks: [{id: a, type: fn, config: {name: gone}}]", stored));
}

// Regression (issue 12): `timeout: 0` was accepted and could never run as meant. (`fail.times`
// garbage is the builtin executor's to refuse: exec/registry_test.cc.)
TEST(SpecChecksTest, RefusesZeroTimeouts) {
  const std::string spec =
      "defaults: {timeout: 0s}\n"
      "tasks:\n"
      "  - {id: a, timeout: 0}\n"
      "  - {id: b, config: {op: fail, times: twice}}\n"
      "  - {id: c, timeout: 1s, config: {op: fail, times: -1}}\n"
      "  - {id: d, timeout: 1s, config: {op: fail, times: 1.5, message: 7}}\n"
      "  - {id: e, timeout: 1s, config: {op: fail, times: 2, message: boom}}\n"
      "  - {id: f, timeout: 1s, config: {op: fail, times: '{{input.n}}'}}\n"
      "  - {id: g, timeout: 250ms}\n";
  const std::string timeout =
      "must be more than 0 (e.g. 30s); leave timeout out (here and in defaults) for no timeout";
  EXPECT_EQ(Problems(spec), (std::vector<std::string>{
                                "tasks[0].timeout: " + timeout,
                                "tasks[1].timeout: " + timeout,  // from defaults
                            }));
  // A spec an engine stored before these rules existed still compiles when it is recovered.
  LoadOptions stored;
  stored.admission_checks = false;
  EXPECT_TRUE(LoadWorkflow(spec, stored));
  EXPECT_TRUE(LoadWorkflow("tasks: [{id: a, config: {v: '{{tasks.b.output}}'}}, {id: b}]", stored));
}

TEST(SpecChecksTest, ProblemsCarryTheSourceLine) {
  LoadOptions options;
  auto plan = LoadWorkflow(
      "tasks:\n  - id: x\n  - id: y\n    config:\n      args: {text: '{{tasks.x.output}}'}\n",
      options);
  ASSERT_FALSE(plan);
  ASSERT_EQ(plan.error().details().size(), 1u);
  EXPECT_EQ(plan.error().details()[0].line, 5);
}

}  // namespace
}  // namespace goclaw::dag
