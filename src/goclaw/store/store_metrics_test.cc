#include "goclaw/store/store_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goclaw::store {
namespace {

using ::testing::HasSubstr;

TEST(StoreMetricsTest, FamiliesCarryTheStoreKind) {
  auto store = NewMemoryStore();
  bool healthy = true;
  metrics::CollectorRegistry collectors;
  collectors.Add("store", StoreCollector(*store, [&] { return healthy; }));
  std::string text = collectors.Text();
  EXPECT_THAT(text, HasSubstr("# TYPE goclaw_store_healthy gauge\ngoclaw_store_healthy{kind=\"memory\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_store_commits_total{kind=\"memory\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_store_max_batch_commits{kind=\"memory\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE goclaw_store_commit_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_store_write_seconds_count{kind=\"memory\"} 0\n"));
  healthy = false;
  EXPECT_THAT(collectors.Text(), HasSubstr("goclaw_store_healthy{kind=\"memory\"} 0\n"));
}

}  // namespace
}  // namespace goclaw::store
