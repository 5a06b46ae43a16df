#include "goclaw/service/engine_collector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/service/test_fixture.h"

namespace goclaw::service {
namespace {

using ::testing::HasSubstr;

class EngineCollectorTest : public testing::ServiceTest {};

TEST_F(EngineCollectorTest, WorkflowsAndTasksByStateAndTimingsByTypeAndLane) {
  WorkflowService workflows(*engine_, WorkflowPolicy{});
  SubmitRequest r;
  r.spec = R"({"tasks": [{"id": "a", "lane": "narrow"}, {"id": "b", "depends_on": ["a"]}]})";
  auto id = SubmitSpec(workflows, r);
  ASSERT_TRUE(id) << id.error().ToString();
  ASSERT_TRUE(engine_->Wait(*id, std::chrono::seconds(10)));
  metrics::CollectorRegistry collectors;
  collectors.Add("engine", EngineCollector(*engine_));
  const std::string text = collectors.Text();
  EXPECT_THAT(text, HasSubstr("# TYPE goclaw_workflows gauge\ngoclaw_workflows{state=\"pending\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_workflows{state=\"completed\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_workflows_entered_total{state=\"running\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_tasks{state=\"completed\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE goclaw_workflows_in_memory gauge\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_task_duration_seconds_count{type=\"builtin\",lane=\"narrow\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_task_queue_wait_seconds_count{type=\"builtin\",lane=\"default\"} 1\n"));
}

}  // namespace
}  // namespace goclaw::service
