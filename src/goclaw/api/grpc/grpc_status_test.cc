// The gRPC error table (grpc_status.h over core/canonical_code.h), unit: every ErrorCode to its
// gRPC code and back, gRPC's codes goclaw does not use to the nearest, numbers that are no code,
// and a status round trip that keeps the reason and the details.
#include "goclaw/api/grpc/grpc_status.h"

#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "goclaw/core/canonical_code.h"

namespace goclaw::api::grpc {
namespace {

using ::grpc::StatusCode;

// Written out rather than derived, so that a wrong row in the table fails here.
const std::vector<std::pair<ErrorCode, StatusCode>>& Expected() {
  static const std::vector<std::pair<ErrorCode, StatusCode>> kExpected = {
      {ErrorCode::kInvalidArgument, StatusCode::INVALID_ARGUMENT},
      {ErrorCode::kNotFound, StatusCode::NOT_FOUND},
      {ErrorCode::kAlreadyExists, StatusCode::ALREADY_EXISTS},
      {ErrorCode::kFailedPrecondition, StatusCode::FAILED_PRECONDITION},
      {ErrorCode::kAborted, StatusCode::ABORTED},
      {ErrorCode::kUnavailable, StatusCode::UNAVAILABLE},
      {ErrorCode::kDeadlineExceeded, StatusCode::DEADLINE_EXCEEDED},
      {ErrorCode::kResourceExhausted, StatusCode::RESOURCE_EXHAUSTED},
      {ErrorCode::kCancelled, StatusCode::CANCELLED},
      {ErrorCode::kInternal, StatusCode::INTERNAL},
  };
  return kExpected;
}

TEST(GrpcStatusTest, EveryErrorCodeHasItsGrpcCodeAndComesBack) {
  // Every ErrorCode: the enum runs from kInvalidArgument to kInternal.
  ASSERT_EQ(Expected().size(), static_cast<std::size_t>(ErrorCode::kInternal) + 1);
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    EXPECT_EQ(Expected()[static_cast<std::size_t>(i)].first, code);
    const StatusCode grpc_code = Expected()[static_cast<std::size_t>(i)].second;
    EXPECT_EQ(ToGrpcCode(code), grpc_code) << ErrorCodeName(code);
    EXPECT_EQ(FromGrpcCode(grpc_code), code) << ErrorCodeName(code);
    EXPECT_EQ(GrpcCodeName(grpc_code), ErrorCodeName(code));  // the same names on both sides
    EXPECT_EQ(CanonicalCodeOf(code), static_cast<int>(grpc_code)) << ErrorCodeName(code);
  }
}

TEST(GrpcStatusTest, CodesGoclawDoesNotUseMapToTheNearest) {
  EXPECT_EQ(FromGrpcCode(StatusCode::OUT_OF_RANGE), ErrorCode::kInvalidArgument);
  EXPECT_EQ(FromGrpcCode(StatusCode::UNIMPLEMENTED), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(FromGrpcCode(StatusCode::PERMISSION_DENIED), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(FromGrpcCode(StatusCode::UNAUTHENTICATED), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(FromGrpcCode(StatusCode::UNKNOWN), ErrorCode::kInternal);
  EXPECT_EQ(FromGrpcCode(StatusCode::DATA_LOSS), ErrorCode::kInternal);
  EXPECT_EQ(FromGrpcCode(StatusCode::OK), ErrorCode::kInternal);  // OK is not an error
}

TEST(GrpcStatusTest, NumbersThatAreNoCodeAreInternal) {
  for (int bad : {-1, 17, 99, 1 << 20}) {
    EXPECT_EQ(ErrorCodeOfCanonical(bad), ErrorCode::kInternal) << bad;
  }
  // Within the enums' ranges (a cast outside them is undefined).
  EXPECT_EQ(FromGrpcCode(static_cast<StatusCode>(-1)), ErrorCode::kInternal);  // DO_NOT_USE
  EXPECT_EQ(FromGrpcCode(static_cast<StatusCode>(17)), ErrorCode::kInternal);
  EXPECT_EQ(ToGrpcCode(static_cast<ErrorCode>(15)), StatusCode::INTERNAL);
}

TEST(GrpcStatusTest, AStatusRoundTripKeepsCodeReasonAndDetails) {
  for (const auto& [code, grpc_code] : Expected()) {
    Error e(code, "what went wrong", {{"tasks[0].id", "is empty", 3, ""}});
    e.WithReason("SOME_REASON");
    const ::grpc::Status status = ToGrpcStatus(e);
    EXPECT_EQ(status.error_code(), grpc_code);
    EXPECT_EQ(status.error_message(), "what went wrong");
    const Error back = FromGrpcStatus(status);
    EXPECT_EQ(back.code(), code) << ErrorCodeName(code);
    EXPECT_EQ(back.reason(), "SOME_REASON");
    ASSERT_EQ(back.details().size(), 1u);
    EXPECT_EQ(back.details()[0].path, "tasks[0].id");
    EXPECT_EQ(back.details()[0].message, "is empty (line 3)");
  }
  // A status without ErrorInfo (gRPC itself failed the call) keeps an unused code's name.
  const Error bare = FromGrpcStatus(::grpc::Status(StatusCode::UNIMPLEMENTED, "no such method"));
  EXPECT_EQ(bare.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(bare.reason(), "UNIMPLEMENTED");
  EXPECT_EQ(FromGrpcStatus(::grpc::Status::OK).code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace goclaw::api::grpc
