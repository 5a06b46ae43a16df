#include "goclaw/lane/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/config/loader.h"
#include "goclaw/lane/lane_test_util.h"

namespace goclaw::lane {
namespace {

using testing::Options;

TEST(LaneRegistryTest, ResolvesLanesAndTemplateKeys) {
  FakeClock clock;
  ManualTimerQueue timers(clock);
  auto overflow = Options("overflow", 4, 100);
  auto web = Options("web", 2, 0, config::OnFull::kRedirect);
  web.redirect_to = "overflow";
  auto registry = LaneRegistry::Create(
      {Options("default", 16, 100), web, overflow, Options("session:*", 1, 10),
       Options("session:vip:*", 2, 10)},
      clock, timers);
  ASSERT_TRUE(registry) << registry.error().ToString();
  auto r = (*registry)->Resolve("web");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name(), "web");
  EXPECT_EQ(r->key, "");
  auto s = (*registry)->Resolve("session:alice");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->group->name(), "session:*");
  EXPECT_EQ(s->key, "alice");
  auto vip = (*registry)->Resolve("session:vip:bob");  // longest prefix wins
  ASSERT_TRUE(vip);
  EXPECT_EQ(vip->group->name(), "session:vip:*");
  EXPECT_EQ(vip->key, "bob");

  auto unknown = (*registry)->Resolve("wbe");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message(), "unknown lane \"wbe\"; did you mean \"web\"?");
  EXPECT_FALSE((*registry)->Resolve("session:"));  // template without a key

  // Redirect wiring: web has capacity 0, so its second item goes to overflow.
  std::vector<Permit> held;
  for (int i = 0; i < 3; ++i) {
    r->Acquire({}, [&](Result<Permit> p) { held.push_back(std::move(*p)); });
  }
  EXPECT_EQ(held.size(), 3u);
  EXPECT_EQ((*registry)->Find("overflow")->Stats().running, 1);

  auto snapshot = (*registry)->Snapshot();
  ASSERT_EQ(snapshot.size(), 5u);
  EXPECT_EQ(snapshot[0].name, "default");
  held.clear();
  (*registry)->CloseAll(CloseMode::kDrain);
  EXPECT_TRUE((*registry)->Find("web")->Stats().closed);
}

TEST(LaneRegistryTest, RejectsInconsistentLanes) {
  FakeClock clock;
  ManualTimerQueue timers(clock);
  auto bad = Options("a", 1, 1, config::OnFull::kRedirect);
  bad.redirect_to = "session:*";
  auto r = LaneRegistry::Create({bad, Options("session:*", 1, 1)}, clock, timers);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message(), ::testing::HasSubstr("which is not a single lane"));
  EXPECT_FALSE(LaneRegistry::Create({Options("x", 1, 1), Options("x", 1, 1)}, clock, timers));
  EXPECT_FALSE(LaneRegistry::Create({Options("bad name", 1, 1)}, clock, timers));
}

TEST(LaneRegistryTest, BuildsFromTheConfigFile) {
  config::ConfigSources sources;
  sources.flags = {
      "lanes=[{name: llm, max_concurrency: 4, rate: {per_second: 50, burst: 100}}, "
      "{name: 'session:*'}]"};
  auto config = config::LoadConfig(sources);
  ASSERT_TRUE(config) << config.error().ToString();
  FakeClock clock;
  ManualTimerQueue timers(clock);
  auto registry = LaneRegistry::Create(config->lanes, clock, timers);
  ASSERT_TRUE(registry) << registry.error().ToString();
  LaneStats llm = (*registry)->Find("llm")->Stats();
  EXPECT_EQ(llm.max_concurrency, 4);
  ASSERT_TRUE(llm.rate);
  EXPECT_EQ(llm.rate->burst, 100);
  EXPECT_EQ((*registry)->Find("session:*")->Stats().max_concurrency, 1);
  EXPECT_TRUE((*registry)->Resolve("default"));
}

}  // namespace
}  // namespace goclaw::lane
