#include "goclaw/service/health_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "goclaw/core/json_format.h"
#include "goclaw/service/test_fixture.h"

namespace goclaw::service {
namespace {

using ::testing::HasSubstr;

class HealthServiceTest : public testing::ServiceTest {
 protected:
  HealthServiceTest()
      : admin_(store_.get(), *engine_, ""),
        health_(*engine_, admin_,
                {.version = "9.9.9",
                 .started_at = clock_.Now(),
                 .accepting = [this] { return accepting_.load(); },
                 .clock = &clock_}) {}
  std::atomic<bool> accepting_{true};
  AdminService admin_;
  HealthService health_;
};

TEST_F(HealthServiceTest, HealthAndReadiness) {
  EXPECT_EQ(CompactJson(health_.Health()), R"({"status":"ok"})");
  auto ready = health_.Ready();
  ASSERT_TRUE(ready) << ready.error().ToString();
  EXPECT_EQ(CompactJson(*ready), R"({"status":"ready"})");
  accepting_ = false;
  auto not_ready = health_.Ready();
  ASSERT_FALSE(not_ready);
  EXPECT_EQ(not_ready.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(not_ready.error().message(), "not ready: starting or shutting down");
}

TEST_F(HealthServiceTest, TheReportCountsWorkflowsAndPrintsPlainSeconds) {
  clock_.Advance(std::chrono::microseconds(2500034));
  boost::json::object report = health_.Report();
  EXPECT_EQ(report.at("version"), "9.9.9");
  EXPECT_EQ(report.at("started_at"), "2026-01-01T00:00:00.000Z");
  const std::string text = CompactJson(report);
  EXPECT_THAT(text, HasSubstr(R"("uptime_seconds":2.500034,)"));
  EXPECT_THAT(text, HasSubstr(R"("workflows":{"pending":0,"scheduled":0,"running":0,"completed":0,"failed":0,"cancelled":0,"total":0})"));
  EXPECT_THAT(text, HasSubstr(R"("lanes":[{"name":"default","running":0,"waiting":0,"max_concurrency":)"));
  EXPECT_THAT(text, HasSubstr(R"(,"dropped":0,"rejected":0})"));
  EXPECT_THAT(text, HasSubstr(R"("store":{"kind":"memory","durable":false,"healthy":true,)"));
}

}  // namespace
}  // namespace goclaw::service
