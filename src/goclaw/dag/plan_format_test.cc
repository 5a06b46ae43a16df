#include "goclaw/dag/plan_format.h"

#include <gtest/gtest.h>

#include "goclaw/dag/loader.h"

namespace goclaw::dag {
namespace {

Plan Diamond() {
  auto plan = LoadWorkflow(R"(
name: diamond
tasks:
  - {id: a}
  - {id: b, depends_on: [a], estimate: 3}
  - {id: c, depends_on: [a]}
  - {id: d, depends_on: [b, c]}
)");
  EXPECT_TRUE(plan) << plan.error().ToString();
  return std::move(*plan);
}

TEST(PlanFormatTest, Text) {
  EXPECT_EQ(FormatPlanText(Diamond()),
            "workflow: diamond\n"
            "tasks: 4  dependencies: 4  layers: 3  widest layer: 2\n"
            "critical path: length 5, 3 tasks: a -> b -> d\n"
            "layers:\n"
            "  0: a\n"
            "  1: b, c\n"
            "  2: d\n");
}

TEST(PlanFormatTest, TextAbbreviatesLargePlans) {
  TextFormatOptions options;
  options.max_layers = 1;
  options.max_tasks_per_layer = 1;
  std::string text = FormatPlanText(Diamond(), options);
  EXPECT_NE(text.find("  0: a\n  ... 2 more layers\n"), std::string::npos) << text;
  EXPECT_NE(text.find("a -> ... (2 more)"), std::string::npos) << text;
}

TEST(PlanFormatTest, Json) {
  boost::json::object json = PlanToJson(Diamond());
  EXPECT_EQ(json.at("task_count"), 4);
  EXPECT_EQ(json.at("layer_count"), 3);
  EXPECT_EQ(json.at("critical_path").at("length"), 5.0);
  EXPECT_EQ(json.at("critical_path").at("tasks"), (boost::json::array{"a", "b", "d"}));
  EXPECT_EQ(json.at("layers").as_array()[1], (boost::json::array{"b", "c"}));
  EXPECT_EQ(json.at("tasks").as_array()[3].at("depends_on"), (boost::json::array{"b", "c"}));
}

TEST(PlanFormatTest, Dot) {
  std::string dot = FormatPlanDot(Diamond());
  EXPECT_EQ(dot.rfind("digraph \"diamond\" {", 0), 0u);
  EXPECT_NE(dot.find("\"a\" -> \"b\" [color=red, penwidth=2];"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"a\" -> \"c\";"), std::string::npos);
  EXPECT_NE(dot.find("\"c\" -> \"d\";"), std::string::npos);
  EXPECT_NE(dot.find("\"b\" -> \"d\" [color=red, penwidth=2];"), std::string::npos);
}

}  // namespace
}  // namespace goclaw::dag
