// Reciprocal-rank fusion (fusion.h) against hand-computed scores.
#include "goclaw/memory/fusion.h"

#include <gtest/gtest.h>

namespace goclaw::memory {
namespace {

TEST(FusionTest, SumsWeightedReciprocalRanks) {
  // vector: 7, 3, 5    bm25: 3, 9
  const Ranking vector = {{7, 0.9}, {3, 0.8}, {5, 0.1}};
  const Ranking bm25 = {{3, 12.0}, {9, 4.0}};
  const Ranking fused = FuseReciprocalRanks(vector, bm25, {.k = 60, .vector = 0.7, .bm25 = 0.3});
  ASSERT_EQ(fused.size(), 4u);
  // 3: 0.7/62 + 0.3/61; 7: 0.7/61; 5: 0.7/63; 9: 0.3/62
  EXPECT_EQ(fused[0].doc, 3u);
  EXPECT_DOUBLE_EQ(fused[0].score, 0.7 / 62 + 0.3 / 61);
  EXPECT_EQ(fused[1].doc, 7u);
  EXPECT_DOUBLE_EQ(fused[1].score, 0.7 / 61);
  EXPECT_EQ(fused[2].doc, 5u);
  EXPECT_DOUBLE_EQ(fused[2].score, 0.7 / 63);
  EXPECT_EQ(fused[3].doc, 9u);
  EXPECT_DOUBLE_EQ(fused[3].score, 0.3 / 62);
}

TEST(FusionTest, EqualScoresBreakTiesBySmallerDoc) {
  const Ranking a = {{8, 1.0}};
  const Ranking b = {{2, 1.0}};
  const Ranking fused = FuseReciprocalRanks(a, b, {.k = 60, .vector = 0.5, .bm25 = 0.5});
  ASSERT_EQ(fused.size(), 2u);
  EXPECT_EQ(fused[0].doc, 2u);
  EXPECT_EQ(fused[1].doc, 8u);
}

TEST(FusionTest, OneEmptyRankingKeepsTheOtherOrder) {
  const Ranking bm25 = {{4, 3.0}, {1, 2.0}, {6, 1.0}};
  const Ranking fused = FuseReciprocalRanks({}, bm25, {});
  ASSERT_EQ(fused.size(), 3u);
  EXPECT_EQ(fused[0].doc, 4u);
  EXPECT_EQ(fused[1].doc, 1u);
  EXPECT_EQ(fused[2].doc, 6u);
  EXPECT_TRUE(FuseReciprocalRanks({}, {}, {}).empty());
}

TEST(FusionTest, RetrievabilityFactorIsOneWithoutWeight) {
  EXPECT_DOUBLE_EQ(RetrievabilityFactor(0.2, 0), 1.0);
  EXPECT_DOUBLE_EQ(RetrievabilityFactor(0.2, 1), 0.2);
  EXPECT_DOUBLE_EQ(RetrievabilityFactor(0.5, 0.3), 0.85);
}

}  // namespace
}  // namespace goclaw::memory
