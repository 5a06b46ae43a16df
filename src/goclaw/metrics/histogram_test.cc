#include "goclaw/metrics/histogram.h"

#include <gtest/gtest.h>

namespace goclaw::metrics {
namespace {

TEST(HistogramTest, BucketsCountAndSum) {
  Histogram h;
  h.Record(0);        // first bucket (<= 1 µs)
  h.Record(0.003);    // (2.5 ms, 5 ms]
  h.Record(1000);     // +Inf
  EXPECT_EQ(h.count(), 3u);
  EXPECT_DOUBLE_EQ(h.sum(), 1000.003);
  EXPECT_EQ(h.bucket(0), 1u);
  EXPECT_EQ(h.bucket(9), 1u);
  EXPECT_EQ(h.bucket(Histogram::kBounds.size()), 1u);
}

TEST(HistogramTest, QuantilesInterpolate) {
  Histogram h;
  EXPECT_EQ(h.Quantile(0.5), 0);
  for (int i = 0; i < 100; ++i) h.Record(0.0015);  // all in (1 ms, 2.5 ms]
  double p50 = h.Quantile(0.5);
  EXPECT_GT(p50, 0.001);
  EXPECT_LE(p50, 0.0025);
  EXPECT_DOUBLE_EQ(h.Quantile(1.0), 0.0025);
}

}  // namespace
}  // namespace goclaw::metrics
