#include "goclaw/engine/retry.h"

#include <gtest/gtest.h>

namespace goclaw::engine {
namespace {

TEST(RetryTest, FixedAndExponentialWithCap) {
  std::mt19937_64 rng(1);
  dag::RetryPolicy p;
  p.max_retries = 10;
  p.jitter = false;
  p.initial = Millis(200);
  p.max_delay = Millis(1000);
  p.backoff = dag::Backoff::kFixed;
  EXPECT_EQ(RetryDelay(p, 1, rng), Millis(200));
  EXPECT_EQ(RetryDelay(p, 5, rng), Millis(200));
  p.backoff = dag::Backoff::kExponential;
  EXPECT_EQ(RetryDelay(p, 1, rng), Millis(200));
  EXPECT_EQ(RetryDelay(p, 2, rng), Millis(400));
  EXPECT_EQ(RetryDelay(p, 3, rng), Millis(800));
  EXPECT_EQ(RetryDelay(p, 4, rng), Millis(1000));  // capped
  EXPECT_EQ(RetryDelay(p, 60, rng), Millis(1000));
}

TEST(RetryTest, JitterStaysWithinHalfToFull) {
  std::mt19937_64 rng(42);
  dag::RetryPolicy p;
  p.initial = Millis(1000);
  p.max_delay = Millis(10000);
  p.jitter = true;
  for (int i = 0; i < 1000; ++i) {
    Millis d = RetryDelay(p, 2, rng);  // nominal 2000
    EXPECT_GE(d, Millis(1000));
    EXPECT_LE(d, Millis(2000));
  }
}

}  // namespace
}  // namespace goclaw::engine
