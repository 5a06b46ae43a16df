#include "goclaw/service/lane_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/core/json_format.h"
#include "goclaw/service/test_fixture.h"

namespace goclaw::service {
namespace {

using ::testing::HasSubstr;

class LaneServiceTest : public testing::ServiceTest {
 protected:
  LaneServiceTest() : lanes_(engine_->lanes()) {}
  LaneService lanes_;
};

TEST_F(LaneServiceTest, ListAndGet) {
  boost::json::object all = lanes_.List();
  ASSERT_EQ(all.at("lanes").as_array().size(), 2u);
  EXPECT_EQ(all.at("lanes").at(0).at("name"), "default");
  auto narrow = lanes_.Get("narrow");
  ASSERT_TRUE(narrow) << narrow.error().ToString();
  EXPECT_EQ(narrow->at("max_concurrency"), 1);
  EXPECT_TRUE(narrow->at("rate").is_null());
  EXPECT_EQ(CompactJson(narrow->at("wait_seconds")), R"({"count":0,"sum":0.0,"p50":0.0,"p99":0.0})");

  auto unknown = lanes_.Get("wide");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message(), "no lane \"wide\"");
  auto invalid = lanes_.Get("a/b");
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(invalid.error().message(), "invalid lane name \"a/b\"");
}

TEST_F(LaneServiceTest, ReconfigureAppliesEverythingOrNothing) {
  auto changed = lanes_.Reconfigure("narrow", {.max_concurrency = 4, .capacity = 50,
                                               .rate = std::optional<config::RateConfig>(config::RateConfig{5, 0})});
  ASSERT_TRUE(changed) << changed.error().ToString();
  EXPECT_EQ(changed->at("max_concurrency"), 4);
  EXPECT_EQ(changed->at("capacity"), 50);
  EXPECT_EQ(CompactJson(changed->at("rate")), R"({"per_second":5.0,"burst":5.0})");  // burst: max(1, rate)

  auto bad = lanes_.Reconfigure("narrow", {.max_concurrency = -1, .capacity = 7,
                                           .rate = std::optional<config::RateConfig>(config::RateConfig{0, 0.5})});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message(), "lane change is invalid: 3 problems");
  EXPECT_EQ(bad.error().details().at(0).path, "max_concurrency");
  EXPECT_EQ(bad.error().details().at(1).path, "rate.per_second");
  EXPECT_EQ(bad.error().details().at(2).path, "rate.burst");
  EXPECT_EQ(lanes_.Get("narrow")->at("capacity"), 50) << "nothing changed";

  auto nothing = lanes_.Reconfigure("narrow", {});
  ASSERT_FALSE(nothing);
  EXPECT_EQ(nothing.error().message(), "nothing to change; send max_concurrency, capacity and/or rate");

  auto unlimited = lanes_.Reconfigure("narrow", {.rate = std::optional<config::RateConfig>()});
  ASSERT_TRUE(unlimited);
  EXPECT_TRUE(unlimited->at("rate").is_null());
  EXPECT_EQ(lanes_.Reconfigure("wide", {.capacity = 1}).error().code(), ErrorCode::kNotFound);
}

TEST(LaneServiceTemplateTest, ARateCannotChangeOnATemplate) {
  FakeClock clock;
  ManualTimerQueue timers(clock);
  config::LaneConfig session;
  session.name = "session:*";
  session.max_concurrency = 1;
  auto registry = lane::LaneRegistry::Create({session}, clock, timers);
  ASSERT_TRUE(registry) << registry.error().ToString();
  LaneService lanes(**registry);
  auto refused = lanes.Reconfigure("session:*", {.rate = std::optional<config::RateConfig>(config::RateConfig{1, 1})});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(), "rate cannot be changed on a template lane at runtime");
  auto ok = lanes.Reconfigure("session:*", {.max_concurrency = 2});
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(ok->at("keyed"), true);
  EXPECT_EQ(ok->at("keys"), 0);
}

TEST(LaneStatsJsonTest, WaitSecondsArePlainMicroseconds) {
  lane::LaneStats s;
  s.name = "x";
  s.wait.Record(3.4526123e-05);
  const std::string text = CompactJson(LaneService::StatsToJson(s));
  EXPECT_THAT(text, HasSubstr(R"("sum":0.000035)"));
  EXPECT_EQ(text.find('E'), std::string::npos) << text;
}

}  // namespace
}  // namespace goclaw::service
