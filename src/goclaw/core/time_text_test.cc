// RFC 3339 formatting and parsing (time_text.h).
#include "goclaw/core/time_text.h"

#include <gtest/gtest.h>

namespace goclaw {
namespace {

TEST(TimeTextTest, FormatsMillisecondsInUtc) {
  EXPECT_EQ(FormatUnixMicros(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatUnixMicros(1764664200123456), "2025-12-02T08:30:00.123Z");
  EXPECT_EQ(FormatUnixMicros(951782400000000), "2000-02-29T00:00:00.000Z");
}

TEST(TimeTextTest, ParsesZuluOffsetsAndFractions) {
  EXPECT_EQ(ParseRfc3339("2025-12-02T08:30:00.123Z"), 1764664200123000);
  EXPECT_EQ(ParseRfc3339("2025-12-02T08:30:00Z"), 1764664200000000);
  EXPECT_EQ(ParseRfc3339("2025-12-02T10:30:00.1234567+02:00"), 1764664200123456);
  EXPECT_EQ(ParseRfc3339("2025-12-02T03:30:00-05:00"), 1764664200000000);
  EXPECT_EQ(ParseRfc3339("1970-01-01t00:00:00z"), 0);
}

TEST(TimeTextTest, RoundTrips) {
  for (std::int64_t us : {0LL, 1764664200123000LL, 4102444799999000LL}) {
    EXPECT_EQ(ParseRfc3339(FormatUnixMicros(us)), us);
  }
}

TEST(TimeTextTest, RejectsWhatIsNotADateTime) {
  for (const char* bad : {"", "2025-12-02", "2025-12-02T08:30:00", "2025-02-30T00:00:00Z", "2025-13-01T00:00:00Z",
                          "2025-12-02T24:00:00Z", "2025-12-02T08:30:00.Z", "2025-12-02T08:30:00Zx",
                          "2025-12-02T08:30:00+0200", "yesterday", "2025-12-02T08:30:00+02"}) {
    EXPECT_FALSE(ParseRfc3339(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace goclaw
