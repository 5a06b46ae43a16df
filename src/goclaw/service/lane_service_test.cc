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
  const auto& wait = narrow->at("wait_seconds").as_object();
  EXPECT_EQ(CompactJson(wait.at("count")) + CompactJson(wait.at("sum")) + CompactJson(wait.at("p99")), "00.00.0");
  ASSERT_EQ(wait.at("buckets").as_array().size(), metrics::Histogram::kBounds.size() + 1);
  EXPECT_EQ(CompactJson(wait.at("buckets").as_array().front()), R"({"le":0.000001,"count":0})");
  EXPECT_EQ(CompactJson(wait.at("buckets").as_array().back()), R"({"le":null,"count":0})");

  auto unknown = lanes_.Get("wide");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message(), "no lane \"wide\"");
  auto invalid = lanes_.Get("a/b");
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(invalid.error().message(), "invalid lane name \"a/b\"");
}

// The wait histogram of /metrics, for the UI: cumulative counts per upper bound, +Inf as null.
TEST(LaneStatsJsonTest, WaitBucketsAreCumulativeUpToInfinity) {
  lane::LaneStats stats;
  stats.name = "llm";
  stats.dropped = 3;
  stats.wait.Record(0.0007);  // <= 0.001
  stats.wait.Record(0.0007);
  stats.wait.Record(2);       // <= 5
  stats.wait.Record(1000);    // > 300: only in +Inf
  boost::json::object o = LaneService::StatsToJson(stats);
  EXPECT_EQ(o.at("dropped"), 3);
  const auto& buckets = o.at("wait_seconds").at("buckets").as_array();
  ASSERT_EQ(buckets.size(), 21u);
  auto count_at = [&](double le) -> std::int64_t {
    for (const auto& b : buckets) {
      if (!b.at("le").is_null() && b.at("le").to_number<double>() == le) return b.at("count").to_number<std::int64_t>();
    }
    return -1;
  };
  EXPECT_EQ(count_at(0.0005), 0);
  EXPECT_EQ(count_at(0.001), 2);
  EXPECT_EQ(count_at(1), 2);
  EXPECT_EQ(count_at(5), 3);
  EXPECT_EQ(count_at(300), 3);
  EXPECT_TRUE(buckets.back().at("le").is_null());
  EXPECT_EQ(buckets.back().at("count"), 4);
  EXPECT_EQ(o.at("wait_seconds").at("count"), 4);
  for (std::size_t i = 1; i < buckets.size(); ++i) {
    EXPECT_GE(buckets[i].at("count").to_number<std::int64_t>(), buckets[i - 1].at("count").to_number<std::int64_t>());
  }
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
