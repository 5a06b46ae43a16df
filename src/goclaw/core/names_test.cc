#include "goclaw/core/names.h"

#include <gtest/gtest.h>

#include <string>

namespace goclaw {
namespace {

TEST(NamesTest, SafeIdsAreShortAndCannotWalkAPath) {
  for (const char* ok : {"wf-0190f0a1-7c21", "a", "session:user_42", "x.y", "lane*"}) {
    EXPECT_TRUE(IsSafeId(ok)) << ok;
  }
  EXPECT_TRUE(IsSafeId(std::string(128, 'w')));
  EXPECT_FALSE(IsSafeId(std::string(129, 'w')));
  for (const char* bad : {"", "..", "a..b", "a/b", "a b", "tâche", "a%2Fb", "a\\b"}) {
    EXPECT_FALSE(IsSafeId(bad)) << bad;
  }
  EXPECT_FALSE(IsSafeId(std::string("a\0b", 3)));
}

}  // namespace
}  // namespace goclaw
