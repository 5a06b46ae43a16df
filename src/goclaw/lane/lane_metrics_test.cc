#include "goclaw/lane/lane_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/lane/lane_test_util.h"

namespace goclaw::lane {
namespace {

using ::testing::HasSubstr;
using testing::Options;

TEST(LaneMetricsTest, OneSeriesPerLaneWithTheLaneLabel) {
  FakeClock clock;
  ManualTimerQueue timers(clock);
  auto registry = LaneRegistry::Create({Options("default", 16, 100), Options("narrow", 1, 10)}, clock, timers);
  ASSERT_TRUE(registry) << registry.error().ToString();
  std::vector<Permit> held;
  std::vector<Ticket> tickets;
  auto narrow = (*registry)->Resolve("narrow");
  ASSERT_TRUE(narrow);
  for (int i = 0; i < 2; ++i) {  // one runs, one waits
    tickets.push_back(narrow->Acquire({}, [&](Result<Permit> p) { held.push_back(std::move(*p)); }));
  }
  metrics::CollectorRegistry collectors;
  collectors.Add("lanes", LaneCollector(**registry));
  const std::string text = collectors.Text();
  EXPECT_THAT(text, HasSubstr("# TYPE goclaw_lane_running gauge\ngoclaw_lane_running{lane=\"default\"} 0\n"
                              "goclaw_lane_running{lane=\"narrow\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_lane_waiting{lane=\"narrow\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_lane_max_concurrency{lane=\"narrow\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_lane_admitted_total{lane=\"narrow\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE goclaw_lane_wait_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_lane_wait_seconds_count{lane=\"narrow\"} 1\n"));
  std::vector<Permit> done = std::move(held);
  held.clear();
  done.clear();  // admits the waiting one, into `held`
  EXPECT_EQ(held.size(), 1u);
}

}  // namespace
}  // namespace goclaw::lane
