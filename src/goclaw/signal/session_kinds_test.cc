#include "goclaw/signal/session_kinds.h"

#include <gtest/gtest.h>

#include "goclaw/signal/test_session_backend.h"

namespace goclaw::signal {
namespace {

using testing::Kind;

SessionKinds Make(std::vector<config::SessionKindConfig> kinds) {
  auto made = SessionKinds::Create(std::move(kinds));
  EXPECT_TRUE(made) << made.error().ToString();
  return std::move(*made);
}

TEST(SessionKindsTest, ExactPatternWinsThenLongestPrefix) {
  SessionKinds kinds = Make({Kind("chat:*", QueueMode::kFollowup), Kind("chat:vip:*", QueueMode::kSteer),
                             Kind("chat:vip:boss", QueueMode::kInterrupt), Kind("*", QueueMode::kCollect)});
  EXPECT_EQ(kinds.Match("chat:alice"), 0u);
  EXPECT_EQ(kinds.Match("chat:vip:carol"), 1u);
  EXPECT_EQ(kinds.Match("chat:vip:boss"), 2u);
  EXPECT_EQ(kinds.Match("chat:vip:boss2"), 1u);
  EXPECT_EQ(kinds.Match("mail:x"), 3u);
  EXPECT_EQ(kinds.Match("chat:"), 0u);  // the prefix itself is a key of the kind
}

TEST(SessionKindsTest, ResolveNamesTheProblem) {
  SessionKinds kinds = Make({Kind("chat:*", QueueMode::kFollowup), Kind("ops:pager", QueueMode::kInterrupt)});
  EXPECT_EQ(*kinds.Resolve("ops:pager"), 1u);
  auto unknown = kinds.Resolve("mail:bob");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(unknown.error().message(), "no session kind serves \"mail:bob\"; configured patterns: chat:*, ops:pager");
  for (std::string bad : {std::string(), std::string("chat: alice"), std::string(257, 'a'), std::string("chat:*"),
                          std::string("chat:\xc3\xa9")}) {
    auto r = kinds.Resolve(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(r.error().message().find("use 1 to 256 letters, digits"), std::string::npos) << r.error().message();
  }
  SessionKinds none = Make({});
  EXPECT_EQ(none.Resolve("chat:a").error().message(),
            "no session kind serves \"chat:a\"; no session kinds are configured (config: sessions)");
}

TEST(SessionKindsTest, CreateRefusesWhatConfigWouldRefuse) {
  auto bad = SessionKinds::Create({Kind("a*b", QueueMode::kFollowup)});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message().find("session kind 0 (match \"a*b\"): '*' may only end a pattern"), std::string::npos)
      << bad.error().message();
  auto dup = SessionKinds::Create({Kind("x:*", QueueMode::kFollowup), Kind("x:*", QueueMode::kSteer)});
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message().find("session kind 1 (match \"x:*\"): the pattern is configured twice"),
            std::string::npos);
  auto cap = SessionKinds::Create({Kind("x:*", QueueMode::kFollowup, 0)});
  ASSERT_FALSE(cap);
  EXPECT_NE(cap.error().message().find("cap must be from 1 to 100000, got 0"), std::string::npos);
}

}  // namespace
}  // namespace goclaw::signal
