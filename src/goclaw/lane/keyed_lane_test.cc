#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/lane/lane.h"
#include "goclaw/lane/lane_test_util.h"

namespace goclaw::lane {
namespace {

using std::chrono::milliseconds;
using testing::Env;
using testing::Options;
using testing::Recorder;
using ::testing::ElementsAre;

TEST(KeyedLaneTest, OneActiveItemPerKeyAndKeysRunInParallel) {
  Env env;
  auto sessions = env.Make(Options("session:*", 1, 10));
  EXPECT_TRUE(sessions->keyed());
  Recorder rec;
  sessions->Acquire("alice", {}, rec.For("alice-1"));
  sessions->Acquire("alice", {}, rec.For("alice-2"));
  sessions->Acquire("bob", {}, rec.For("bob-1"));
  EXPECT_THAT(rec.admitted, ElementsAre("alice-1", "bob-1"));
  EXPECT_EQ(sessions->key_count(), 2u);
  LaneStats s = sessions->Stats();
  EXPECT_EQ(s.running, 2);
  EXPECT_EQ(s.waiting, 1);
  rec.ReleaseOldest();  // alice-1
  EXPECT_THAT(rec.admitted, ElementsAre("alice-1", "bob-1", "alice-2"));
  EXPECT_EQ(sessions->DisplayName("alice"), "session:alice");
}

TEST(KeyedLaneTest, IdleKeysAreEvicted) {
  Env env;
  auto sessions = env.Make(Options("session:*", 1, 10));
  Recorder rec;
  for (int i = 0; i < 1000; ++i) sessions->Acquire("u" + std::to_string(i), {}, rec.For("x"));
  EXPECT_EQ(sessions->key_count(), 1000u);
  rec.ReleaseAll();
  EXPECT_EQ(sessions->key_count(), 0u);
  EXPECT_EQ(sessions->Stats().running, 0);
  EXPECT_EQ(sessions->Stats().admitted, 1000u);
}

TEST(KeyedLaneTest, RateLimitedKeyIsKeptUntilItsBucketRefills) {
  Env env;
  auto options = Options("user:*", 5, 10);
  options.rate = RateConfig{1, 2};
  auto users = env.Make(options);
  Recorder rec;
  users->Acquire("u1", {}, rec.For("a"));
  users->Acquire("u1", {}, rec.For("b"));
  rec.ReleaseAll();
  // Idle but the bucket is empty: evicting now would reset the limit.
  EXPECT_EQ(users->key_count(), 1u);
  users->Acquire("u1", {}, rec.For("c"));  // must wait for a token
  EXPECT_THAT(rec.admitted, ElementsAre("a", "b"));
  env.Advance(milliseconds(1000));
  EXPECT_THAT(rec.admitted, ElementsAre("a", "b", "c"));
  rec.ReleaseAll();
  env.Advance(milliseconds(1999));
  EXPECT_EQ(users->key_count(), 1u);
  env.Advance(milliseconds(1));  // full again -> evicted
  EXPECT_EQ(users->key_count(), 0u);
}

TEST(KeyedLaneTest, TemplateNeedsAKey) {
  Env env;
  auto sessions = env.Make(Options("session:*", 1, 10));
  Recorder rec;
  sessions->Acquire("", {}, rec.For("a"));
  ASSERT_EQ(rec.failed.size(), 1u);
  EXPECT_EQ(rec.failed[0],
            "a: INVALID_ARGUMENT: lane \"session:*\" is a template: name a key, e.g. "
            "\"session:id\"");
}

TEST(KeyedLaneTest, DropsAndCancelsLeaveNoKeysBehind) {
  Env env;
  auto sessions = env.Make(Options("chat:*", 1, 0, config::OnFull::kDrop));
  Recorder rec;
  sessions->Acquire("k", {}, rec.For("a"));
  sessions->Acquire("k", {}, rec.For("b"));
  EXPECT_EQ(rec.failed.size(), 1u);
  rec.ReleaseAll();
  EXPECT_EQ(sessions->key_count(), 0u);

  auto blocking = env.Make(Options("room:*", 1, 5));
  blocking->Acquire("r", {}, rec.For("run"));
  Ticket t = blocking->Acquire("r", {}, rec.For("wait"));
  EXPECT_TRUE(t.Cancel());
  rec.ReleaseAll();
  EXPECT_EQ(blocking->key_count(), 0u);
}

TEST(KeyedLaneTest, DeadlinePerKey) {
  Env env;
  auto sessions = env.Make(Options("session:*", 1, 10));
  Recorder rec;
  sessions->Acquire("s", {}, rec.For("run"));
  sessions->Acquire("s", {.deadline = env.clock.SteadyNow() + milliseconds(5)}, rec.For("late"));
  env.Advance(milliseconds(5));
  ASSERT_EQ(rec.failed.size(), 1u);
  EXPECT_THAT(rec.failed[0], ::testing::HasSubstr("not admitted to lane \"session:s\""));
}

}  // namespace
}  // namespace goclaw::lane
