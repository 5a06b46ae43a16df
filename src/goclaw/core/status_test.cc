#include "goclaw/core/status.h"

#include <gtest/gtest.h>

namespace goclaw {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return MakeError(ErrorCode::kInvalidArgument, "odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  GOCLAW_ASSIGN_OR_RETURN(int h, Half(x));
  GOCLAW_ASSIGN_OR_RETURN(h, Half(h));
  return h;
}

Status CheckEven(int x) {
  GOCLAW_RETURN_IF_ERROR(Half(x));
  return OkStatus();
}

TEST(StatusTest, AssignOrReturnPropagatesValueAndError) {
  ASSERT_TRUE(Quarter(8));
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message(), "odd: 3");
}

TEST(StatusTest, ReturnIfErrorPropagates) {
  EXPECT_TRUE(CheckEven(4));
  auto s = CheckEven(5);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), "odd: 5");
}

TEST(StatusTest, MonadicResultsConvertBackAndPropagate) {
  // map() and and_then() return a plain tl::expected; it converts to a Result, and the macros
  // take it as well.
  Result<int> doubled = Half(8).map([](int h) { return h * 4; });
  ASSERT_TRUE(doubled);
  EXPECT_EQ(*doubled, 16);
  auto quarter_of_odd = [](int x) -> Result<int> {
    GOCLAW_ASSIGN_OR_RETURN(int h, Half(x).map([](int v) { return v; }));
    return h;
  };
  ASSERT_FALSE(quarter_of_odd(3));
  EXPECT_EQ(quarter_of_odd(3).error().message(), "odd: 3");
  Status s = MakeError(ErrorCode::kNotFound, "gone");
  EXPECT_EQ(s.error().code(), ErrorCode::kNotFound);
  s = OkStatus();
  EXPECT_TRUE(s);
  IgnoreError(CheckEven(3), "the test only needs it to compile");
}

TEST(StatusTest, ToStringListsDetailsWithLines) {
  Error e(ErrorCode::kInvalidArgument, "spec is invalid",
          {{"tasks[0].id", "is required", 3}, {"name", "expected a string", 0}});
  e.WithContext("a.yaml");
  EXPECT_EQ(e.ToString(),
            "INVALID_ARGUMENT: a.yaml: spec is invalid\n"
            "  line 3: tasks[0].id: is required\n"
            "  name: expected a string");
}

Result<int> Malformed() {
  return MakeError(Error(ErrorCode::kInvalidArgument, "not JSON").WithReason("MALFORMED"));
}

Status Forward() {
  GOCLAW_RETURN_IF_ERROR(Malformed());
  return OkStatus();
}

TEST(StatusTest, TheReasonTravelsWithTheError) {
  EXPECT_EQ(Error(ErrorCode::kInvalidArgument, "x").reason(), "");
  auto s = Forward();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().reason(), "MALFORMED");
  Error e = s.error();
  e.WithContext("the body");
  EXPECT_EQ(e.reason(), "MALFORMED");
  EXPECT_EQ(e.message(), "the body: not JSON");
}

TEST(StatusTest, EveryCodeHasAName) {
  for (ErrorCode c : {ErrorCode::kInvalidArgument, ErrorCode::kNotFound,
                      ErrorCode::kAlreadyExists, ErrorCode::kFailedPrecondition,
                      ErrorCode::kAborted, ErrorCode::kUnavailable, ErrorCode::kDeadlineExceeded,
                      ErrorCode::kResourceExhausted, ErrorCode::kCancelled,
                      ErrorCode::kInternal}) {
    EXPECT_NE(ErrorCodeName(c), "UNKNOWN");
  }
  EXPECT_EQ(ErrorCodeName(ErrorCode::kResourceExhausted), "RESOURCE_EXHAUSTED");
}

}  // namespace
}  // namespace goclaw
