#include "goclaw/core/duration.h"

#include <gtest/gtest.h>

namespace goclaw {
namespace {

using std::chrono::milliseconds;

TEST(DurationTest, ParsesUnitsAndSequences) {
  EXPECT_EQ(*ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(*ParseDuration("30s"), milliseconds(30000));
  EXPECT_EQ(*ParseDuration("5m"), milliseconds(300000));
  EXPECT_EQ(*ParseDuration("1h30m"), milliseconds(5400000));
  EXPECT_EQ(*ParseDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(*ParseDuration("2d"), milliseconds(2 * 86400000LL));
}

TEST(DurationTest, RejectsBadInputWithAcceptedForm) {
  for (const char* bad : {"", "-5s", "10", "5x", "s", "1..2s", "9999d"}) {
    auto r = ParseDuration(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message().find("expected a duration like"), std::string::npos) << bad;
  }
}

TEST(DurationTest, FromSeconds) {
  EXPECT_EQ(*DurationFromSeconds(1.25), milliseconds(1250));
  EXPECT_FALSE(DurationFromSeconds(-1));
  EXPECT_FALSE(DurationFromSeconds(1e300));
}

TEST(DurationTest, Formats) {
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(250)), "250ms");
  EXPECT_EQ(FormatDuration(milliseconds(5400000)), "1h30m");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1s500ms");
}

}  // namespace
}  // namespace goclaw
