// The connection limit's derivation from RLIMIT_NOFILE and the accept loop's back-off.
#include "goclaw/api/http/connection_limits.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <vector>

namespace goclaw::api::http {
namespace {

TEST(ConnectionLimitsTest, DefaultLeavesAReserveAndConfiguredValuesAreClamped) {
  EXPECT_EQ(EffectiveMaxConnections(0, 1024), 768);
  EXPECT_EQ(EffectiveMaxConnections(0, 100), 16);  // never below 16
  EXPECT_EQ(EffectiveMaxConnections(10, 1024), 10);
  EXPECT_EQ(EffectiveMaxConnections(5000, 1024), 768);  // more would run out of descriptors
  rlimit rl{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
  if (rl.rlim_cur != RLIM_INFINITY) {
    EXPECT_EQ(SoftFileLimit(), static_cast<std::int64_t>(rl.rlim_cur));
  }
}

TEST(ConnectionLimitsTest, BackoffDoublesFrom10msTo1sAndRestartsPerEpisode) {
  AcceptBackoff b;
  std::vector<long> got;
  for (int i = 0; i < 9; ++i) {
    got.push_back(static_cast<long>(b.Next().count()));
    EXPECT_EQ(b.first(), i == 0);  // logged once per episode
  }
  EXPECT_EQ(got, (std::vector<long>{10, 20, 40, 80, 160, 320, 640, 1000, 1000}));
  b.Reset();
  EXPECT_EQ(b.Next(), Millis(10));
  EXPECT_TRUE(b.first());
}

}  // namespace
}  // namespace goclaw::api::http
