#include "goclaw/core/unique_function.h"

#include <gtest/gtest.h>

#include <array>
#include <memory>

namespace goclaw {
namespace {

TEST(UniqueFunctionTest, HoldsMoveOnlyCallables) {
  auto p = std::make_unique<int>(41);
  UniqueFunction<int(int)> f = [p = std::move(p)](int x) { return *p + x; };
  EXPECT_TRUE(f);
  EXPECT_EQ(f(1), 42);
  UniqueFunction<int(int)> g = std::move(f);
  EXPECT_FALSE(f);  // NOLINT: moved-from is empty by contract
  EXPECT_EQ(g(2), 43);
}

TEST(UniqueFunctionTest, LargeCallablesGoToTheHeapAndAreDestroyed) {
  auto counter = std::make_shared<int>(0);
  {
    std::array<char, 200> big{};
    big[0] = 7;
    UniqueFunction<int()> f = [big, counter] { return big[0] + static_cast<int>(counter.use_count()); };
    EXPECT_EQ(counter.use_count(), 2);
    UniqueFunction<int()> g;
    g = std::move(f);
    EXPECT_EQ(g(), 9);
  }
  EXPECT_EQ(counter.use_count(), 1);  // destroyed exactly once
}

TEST(UniqueFunctionTest, InlineCallableDestroyedOnReassign) {
  auto counter = std::make_shared<int>(0);
  UniqueFunction<void()> f = [counter] {};
  EXPECT_EQ(counter.use_count(), 2);
  f = [] {};
  EXPECT_EQ(counter.use_count(), 1);
  f = nullptr;
  EXPECT_FALSE(f);
}

}  // namespace
}  // namespace goclaw
