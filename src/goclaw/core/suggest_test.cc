#include "goclaw/core/suggest.h"

#include <gtest/gtest.h>

#include <array>

namespace goclaw {
namespace {

TEST(SuggestTest, EditDistance) {
  EXPECT_EQ(EditDistance("sync_mode", "sync_mode", 3), 0u);
  EXPECT_EQ(EditDistance("sycn_mode", "sync_mode", 3), 1u);  // transposition
  EXPECT_EQ(EditDistance("serch", "search", 3), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting", 5), 3u);
  EXPECT_EQ(EditDistance("a", "abcdefgh", 2), 3u);  // capped at limit + 1
}

TEST(SuggestTest, NearestNameFindsPlausibleTypos) {
  std::array<std::string_view, 3> keys{"path", "sync_mode", "max_open_files"};
  EXPECT_EQ(NearestName("sycn_mode", keys), "sync_mode");
  EXPECT_EQ(NearestName("pth", keys), "path");
  EXPECT_FALSE(NearestName("completely_different", keys).has_value());
  EXPECT_EQ(DidYouMean("sycn_mode", keys), "; did you mean \"sync_mode\"?");
  EXPECT_EQ(DidYouMean("zzz", keys), "");
}

}  // namespace
}  // namespace goclaw
