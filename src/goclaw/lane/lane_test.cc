#include "goclaw/lane/lane.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "goclaw/lane/lane_test_util.h"

namespace goclaw::lane {
namespace {

using std::chrono::milliseconds;
using testing::Env;
using testing::Options;
using testing::Recorder;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(LaneTest, AdmitsUpToConcurrencyThenQueues) {
  Env env;
  auto lane = env.Make(Options("web", 2, 10));
  Recorder rec;
  lane->Acquire("", {}, rec.For("a"));
  lane->Acquire("", {}, rec.For("b"));
  lane->Acquire("", {}, rec.For("c"));
  EXPECT_THAT(rec.admitted, ElementsAre("a", "b"));
  LaneStats s = lane->Stats();
  EXPECT_EQ(s.running, 2);
  EXPECT_EQ(s.waiting, 1);
  EXPECT_EQ(s.accepted, 3u);
  rec.ReleaseOldest();
  EXPECT_THAT(rec.admitted, ElementsAre("a", "b", "c"));
  rec.ReleaseAll();
  s = lane->Stats();
  EXPECT_EQ(s.running, 0);
  EXPECT_EQ(s.waiting, 0);
  EXPECT_EQ(s.admitted, 3u);
}

TEST(LaneTest, PriorityFirstFifoAmongEquals) {
  Env env;
  auto lane = env.Make(Options("cpu", 1, 100));
  Recorder rec;
  lane->Acquire("", {}, rec.For("holder"));
  int priorities[] = {0, 5, 5, 1, 5, -3, 1};
  for (int i = 0; i < 7; ++i) {
    lane->Acquire("", {.priority = priorities[i]}, rec.For("p" + std::to_string(priorities[i]) + "#" + std::to_string(i)));
  }
  while (!rec.permits.empty()) rec.ReleaseOldest();
  EXPECT_THAT(rec.admitted, ElementsAre("holder", "p5#1", "p5#2", "p5#4", "p1#3", "p1#6", "p0#0",
                                        "p-3#5"));
}

TEST(LaneTest, DropRejectsAtOnceNamingLaneCapacityAndDepth) {
  Env env;
  auto lane = env.Make(Options("llm", 1, 2, config::OnFull::kDrop));
  Recorder rec;
  for (const char* l : {"a", "b", "c", "d"}) lane->Acquire("", {}, rec.For(l));
  EXPECT_THAT(rec.admitted, ElementsAre("a"));
  ASSERT_EQ(rec.failed.size(), 1u);
  EXPECT_EQ(rec.failed[0],
            "d: RESOURCE_EXHAUSTED: lane \"llm\" is full: 2 waiting (capacity 2), 1 of 1 running; "
            "on_full is drop");
  EXPECT_EQ(lane->Stats().dropped, 1u);
  EXPECT_EQ(lane->Stats().accepted, 3u);
}

TEST(LaneTest, BlockWaitsForRoomInPriorityOrder) {
  Env env;
  auto lane = env.Make(Options("db", 1, 1, config::OnFull::kBlock));
  Recorder rec;
  lane->Acquire("", {}, rec.For("run"));
  lane->Acquire("", {}, rec.For("queued"));
  lane->Acquire("", {.priority = 0}, rec.For("blocked-low"));
  lane->Acquire("", {.priority = 9}, rec.For("blocked-high"));
  EXPECT_EQ(lane->Stats().blocked, 2);
  EXPECT_EQ(lane->Stats().waiting, 1);
  rec.ReleaseOldest();  // queued runs; blocked-high moves into the queue
  EXPECT_EQ(lane->Stats().blocked, 1);
  rec.ReleaseOldest();
  rec.ReleaseOldest();
  rec.ReleaseOldest();
  EXPECT_THAT(rec.admitted, ElementsAre("run", "queued", "blocked-high", "blocked-low"));
  EXPECT_TRUE(rec.failed.empty());
}

TEST(LaneTest, BlockedSubmitterGivesUpAtItsDeadline) {
  Env env;
  auto lane = env.Make(Options("db", 1, 0, config::OnFull::kBlock));
  Recorder rec;
  lane->Acquire("", {}, rec.For("run"));
  lane->Acquire("", {.deadline = env.clock.SteadyNow() + milliseconds(500)}, rec.For("late"));
  env.Advance(milliseconds(499));
  EXPECT_TRUE(rec.failed.empty());
  env.Advance(milliseconds(1));
  ASSERT_EQ(rec.failed.size(), 1u);
  EXPECT_THAT(rec.failed[0], HasSubstr("late: RESOURCE_EXHAUSTED: lane \"db\" is full"));
  EXPECT_THAT(rec.failed[0], HasSubstr("no room before the deadline (waited 0.5s)"));
  EXPECT_EQ(lane->Stats().blocked, 0);
  EXPECT_EQ(lane->Stats().rejected, 1u);
}

TEST(LaneTest, QueuedItemMissesDeadline) {
  Env env;
  auto lane = env.Make(Options("db", 1, 5));
  Recorder rec;
  lane->Acquire("", {}, rec.For("run"));
  lane->Acquire("", {.deadline = env.clock.SteadyNow() + milliseconds(100)}, rec.For("q"));
  lane->Acquire("", {}, rec.For("patient"));
  env.Advance(milliseconds(100));
  ASSERT_EQ(rec.failed.size(), 1u);
  EXPECT_THAT(rec.failed[0], HasSubstr("q: DEADLINE_EXCEEDED: not admitted to lane \"db\""));
  rec.ReleaseOldest();
  EXPECT_THAT(rec.admitted, ElementsAre("run", "patient"));
}

TEST(LaneTest, RedirectWhenFull) {
  Env env;
  auto overflow = env.Make(Options("overflow", 1, 10));
  auto primary = env.Make(Options("primary", 1, 0, config::OnFull::kRedirect));
  primary->set_redirect_target(overflow);
  Recorder rec;
  primary->Acquire("", {}, rec.For("a"));
  primary->Acquire("", {}, rec.For("b"));  // primary full -> overflow (free) -> admitted there
  primary->Acquire("", {}, rec.For("c"));  // -> overflow queue
  EXPECT_THAT(rec.admitted, ElementsAre("a", "b"));
  EXPECT_EQ(primary->Stats().redirected, 2u);
  EXPECT_EQ(overflow->Stats().waiting, 1);
  rec.ReleaseOldest();  // frees primary: c is in overflow and stays there
  EXPECT_EQ(primary->Stats().running, 0);
  rec.ReleaseOldest();
  EXPECT_THAT(rec.admitted, ElementsAre("a", "b", "c"));
}

TEST(LaneTest, RedirectWithoutTargetDrops) {
  Env env;
  auto lane = env.Make(Options("x", 1, 0, config::OnFull::kRedirect));
  Recorder rec;
  lane->Acquire("", {}, rec.For("a"));
  lane->Acquire("", {}, rec.For("b"));
  ASSERT_EQ(rec.failed.size(), 1u);
  EXPECT_THAT(rec.failed[0], HasSubstr("redirect chain too long or without a target"));
}

TEST(LaneTest, TokenBucketRateLimitsWithFakeClock) {
  Env env;
  auto options = Options("api", 100, 100);
  options.rate = RateConfig{10, 2};  // 10 per second, burst 2
  auto lane = env.Make(options);
  Recorder rec;
  for (int i = 0; i < 5; ++i) lane->Acquire("", {}, rec.For(std::to_string(i)));
  EXPECT_THAT(rec.admitted, ElementsAre("0", "1"));
  EXPECT_EQ(env.timers.pending(), 1u);
  env.Advance(milliseconds(99));
  EXPECT_EQ(rec.admitted.size(), 2u);
  env.Advance(milliseconds(1));
  EXPECT_THAT(rec.admitted, ElementsAre("0", "1", "2"));
  env.Advance(milliseconds(200));
  EXPECT_THAT(rec.admitted, ElementsAre("0", "1", "2", "3", "4"));
  EXPECT_NEAR(lane->Stats().tokens, 0.0, 1e-9);
}

TEST(LaneTest, CostIsTakenFromTheBucketAndTheHeadIsNeverOvertaken) {
  Env env;
  auto options = Options("llm-tokens", 100, 100);
  options.rate = RateConfig{1000, 5000};  // 1000 tokens/s, bucket of 5000
  auto lane = env.Make(options);
  Recorder rec;
  lane->Acquire("", {.cost = 2000}, rec.For("a"));  // 3000 left
  lane->Acquire("", {.cost = 2000}, rec.For("b"));  // 1000 left
  lane->Acquire("", {.priority = 5, .cost = 2000}, rec.For("big"));   // waits for 1000 more
  lane->Acquire("", {.priority = 1, .cost = 10}, rec.For("small"));  // would fit, must not pass
  EXPECT_THAT(rec.admitted, ElementsAre("a", "b"));
  EXPECT_NEAR(lane->Stats().tokens, 1000, 1e-6);
  env.Advance(milliseconds(1000));  // 2000 tokens: exactly what "big" needs
  EXPECT_THAT(rec.admitted, ElementsAre("a", "b", "big"));
  env.Advance(milliseconds(10));  // 10 more for "small"
  EXPECT_THAT(rec.admitted, ElementsAre("a", "b", "big", "small"));
  EXPECT_NEAR(lane->Stats().tokens, 0, 1e-6);
}

TEST(LaneTest, CostAboveBurstAndBadCostAreRejected) {
  Env env;
  auto options = Options("llm", 1, 1);
  options.rate = RateConfig{10, 100};
  auto lane = env.Make(options);
  Recorder rec;
  lane->Acquire("", {.cost = 101}, rec.For("huge"));
  lane->Acquire("", {.cost = 0}, rec.For("zero"));
  lane->Acquire("", {.cost = -1}, rec.For("negative"));
  ASSERT_EQ(rec.failed.size(), 3u);
  EXPECT_EQ(rec.failed[0],
            "huge: INVALID_ARGUMENT: cost 101 is more than the burst (100) of lane \"llm\", so it "
            "could never be admitted");
  EXPECT_EQ(rec.failed[1], "zero: INVALID_ARGUMENT: cost must be a positive number, got 0");
  EXPECT_EQ(lane->Stats().rejected, 3u);
}

TEST(LaneTest, CancelWaitingItem) {
  Env env;
  auto lane = env.Make(Options("db", 1, 5));
  Recorder rec;
  lane->Acquire("", {}, rec.For("run"));
  Ticket t = lane->Acquire("", {}, rec.For("victim"));
  lane->Acquire("", {}, rec.For("next"));
  EXPECT_FALSE(t.empty());
  EXPECT_TRUE(t.Cancel());
  EXPECT_FALSE(t.Cancel());  // once
  ASSERT_EQ(rec.failed.size(), 1u);
  EXPECT_EQ(rec.failed[0], "victim: CANCELLED: cancelled while waiting in lane \"db\"");
  rec.ReleaseOldest();
  EXPECT_THAT(rec.admitted, ElementsAre("run", "next"));
  EXPECT_EQ(lane->Stats().cancelled, 1u);
  rec.ReleaseAll();
  Ticket admitted_at_once = lane->Acquire("", {}, rec.For("fast"));
  EXPECT_FALSE(admitted_at_once.Cancel());
}

TEST(LaneTest, CloseDrainKeepsWaitingItemsAndRefusesNewOnes) {
  Env env;
  auto lane = env.Make(Options("db", 1, 5));
  Recorder rec;
  lane->Acquire("", {}, rec.For("run"));
  lane->Acquire("", {}, rec.For("waiting"));
  lane->Close(CloseMode::kDrain);
  lane->Close(CloseMode::kDrain);  // idempotent
  lane->Acquire("", {}, rec.For("late"));
  ASSERT_EQ(rec.failed.size(), 1u);
  EXPECT_EQ(rec.failed[0], "late: UNAVAILABLE: lane \"db\" is closed");
  rec.ReleaseOldest();
  EXPECT_THAT(rec.admitted, ElementsAre("run", "waiting"));
  EXPECT_TRUE(lane->Stats().closed);
}

TEST(LaneTest, CloseCancelTellsEveryWaitingItem) {
  Env env;
  auto lane = env.Make(Options("db", 1, 1, config::OnFull::kBlock));
  Recorder rec;
  lane->Acquire("", {}, rec.For("run"));
  lane->Acquire("", {}, rec.For("queued"));
  lane->Acquire("", {}, rec.For("blocked"));
  lane->Close(CloseMode::kCancel);
  lane->Close(CloseMode::kCancel);
  EXPECT_EQ(rec.failed.size(), 2u);
  EXPECT_THAT(rec.failed[0], HasSubstr("CANCELLED: lane \"db\" was closed"));
  LaneStats s = lane->Stats();
  EXPECT_EQ(s.waiting, 0);
  EXPECT_EQ(s.blocked, 0);
  EXPECT_EQ(s.running, 1);  // running items finish normally
  rec.ReleaseAll();
  EXPECT_EQ(lane->Stats().running, 0);
}

TEST(LaneTest, ReconfigureWhileLoadedLosesAndDuplicatesNothing) {
  Env env;
  auto lane = env.Make(Options("pool", 2, 1000));
  Recorder rec;
  for (int i = 0; i < 100; ++i) lane->Acquire("", {}, rec.For(std::to_string(i)));
  EXPECT_EQ(rec.admitted.size(), 2u);
  lane->SetMaxConcurrency(10);  // scale up: 8 more start now
  EXPECT_EQ(rec.admitted.size(), 10u);
  lane->SetMaxConcurrency(3);   // scale down: running ones finish, no new starts
  for (int i = 0; i < 8; ++i) rec.ReleaseOldest();
  EXPECT_EQ(rec.permits.size(), 3u);
  EXPECT_EQ(rec.admitted.size(), 11u);
  lane->SetCapacity(5);  // below the queue length: queued items stay
  EXPECT_EQ(lane->Stats().waiting, 89);
  lane->SetMaxConcurrency(0);  // paused
  while (!rec.permits.empty()) rec.ReleaseOldest();
  EXPECT_EQ(lane->Stats().running, 0);
  lane->SetMaxConcurrency(1000);
  EXPECT_EQ(rec.admitted.size(), 100u);
  std::set<std::string> unique(rec.admitted.begin(), rec.admitted.end());
  EXPECT_EQ(unique.size(), 100u);
  EXPECT_TRUE(rec.failed.empty());
}

TEST(LaneTest, SetRateAppliesToWaitingItems) {
  Env env;
  auto options = Options("api", 10, 10);
  options.rate = RateConfig{1, 1};
  auto lane = env.Make(options);
  Recorder rec;
  for (int i = 0; i < 4; ++i) lane->Acquire("", {}, rec.For(std::to_string(i)));
  EXPECT_EQ(rec.admitted.size(), 1u);
  lane->SetRate(RateConfig{100, 3});
  env.Advance(milliseconds(10));
  EXPECT_EQ(rec.admitted.size(), 2u);
  lane->SetRate(std::nullopt);  // unlimited
  EXPECT_EQ(rec.admitted.size(), 4u);
}

TEST(LaneTest, UpdateAppliesTheRateBeforeRaisedConcurrencyAdmits) {
  // One PATCH raising max_concurrency and adding a rate: the rate holds from the first admission
  // (applied one setting at a time, the raised concurrency let 9 waiting items burst through).
  Env env;
  auto lane = env.Make(Options("api", 1, 100));
  Recorder rec;
  for (int i = 0; i < 10; ++i) lane->Acquire("", {}, rec.For(std::to_string(i)));
  ASSERT_EQ(rec.admitted.size(), 1u);
  LaneUpdate update;
  update.max_concurrency = 10;
  update.rate.emplace(RateConfig{1, 1});
  lane->Update(update);
  EXPECT_EQ(rec.admitted.size(), 2u);  // one token in the new bucket
  LaneStats s = lane->Stats();
  EXPECT_EQ(s.max_concurrency, 10);
  ASSERT_TRUE(s.rate.has_value());
  EXPECT_EQ(s.rate->per_second, 1);
  env.Advance(milliseconds(999));
  EXPECT_EQ(rec.admitted.size(), 2u);
  env.Advance(milliseconds(1));
  EXPECT_EQ(rec.admitted.size(), 3u);  // then one per second
  env.Advance(milliseconds(1000));
  env.Advance(milliseconds(1000));
  EXPECT_EQ(rec.admitted.size(), 5u);
  // Removing the rate and lowering concurrency together: nothing more starts beyond the cap.
  LaneUpdate unlimit;
  unlimit.rate.emplace(std::nullopt);
  unlimit.max_concurrency = 6;
  lane->Update(unlimit);
  EXPECT_EQ(rec.admitted.size(), 6u);
  EXPECT_FALSE(lane->Stats().rate.has_value());
}

TEST(LaneTest, WaitTimeHistogram) {
  Env env;
  auto lane = env.Make(Options("db", 1, 5));
  Recorder rec;
  lane->Acquire("", {}, rec.For("run"));
  lane->Acquire("", {}, rec.For("waits"));
  env.clock.Advance(milliseconds(40));
  rec.ReleaseOldest();
  LaneStats s = lane->Stats();
  EXPECT_EQ(s.wait.count(), 2u);
  EXPECT_NEAR(s.wait.sum(), 0.040, 1e-9);
}

TEST(LaneTest, TryAcquireNeverOvertakes) {
  Env env;
  auto lane = env.Make(Options("db", 1, 5));
  auto first = lane->TryAcquire("", {});
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(lane->TryAcquire("", {}).has_value());
  Recorder rec;
  lane->Acquire("", {}, rec.For("queued"));
  first->Release();
  EXPECT_THAT(rec.admitted, ElementsAre("queued"));
  EXPECT_FALSE(lane->TryAcquire("", {}).has_value());
}

TEST(LaneTest, PermitReleaseIsExactAndIdempotent) {
  Env env;
  auto lane = env.Make(Options("db", 2, 5));
  auto p = lane->TryAcquire("", {});
  ASSERT_TRUE(p);
  Permit moved = std::move(*p);
  p->Release();  // moved-from: nothing
  EXPECT_EQ(lane->Stats().running, 1);
  moved.Release();
  moved.Release();
  EXPECT_EQ(lane->Stats().running, 0);
}

TEST(LaneTest, KeyMisuseIsRejected) {
  Env env;
  auto single = env.Make(Options("db", 1, 5));
  Recorder rec;
  single->Acquire("k", {}, rec.For("a"));
  ASSERT_EQ(rec.failed.size(), 1u);
  EXPECT_EQ(rec.failed[0], "a: INVALID_ARGUMENT: lane \"db\" has no keys");
}

}  // namespace
}  // namespace goclaw::lane
