// The canonical code table (canonical_code.h).
#include "goclaw/core/canonical_code.h"

#include <array>
#include <utility>

namespace goclaw {
namespace {

// Every goclaw code and its canonical number (google.rpc.Code).
constexpr std::array<std::pair<ErrorCode, int>, 10> kTable = {{
    {ErrorCode::kInvalidArgument, 3},
    {ErrorCode::kNotFound, 5},
    {ErrorCode::kAlreadyExists, 6},
    {ErrorCode::kFailedPrecondition, 9},
    {ErrorCode::kAborted, 10},
    {ErrorCode::kUnavailable, 14},
    {ErrorCode::kDeadlineExceeded, 4},
    {ErrorCode::kResourceExhausted, 8},
    {ErrorCode::kCancelled, 1},
    {ErrorCode::kInternal, 13},
}};

constexpr int kOutOfRange = 11;
constexpr int kPermissionDenied = 7;
constexpr int kUnimplemented = 12;
constexpr int kUnauthenticated = 16;

}  // namespace

int CanonicalCodeOf(ErrorCode code) {
  for (const auto& [ours, number] : kTable) {
    if (ours == code) return number;
  }
  return 13;  // INTERNAL: not a declared ErrorCode
}

ErrorCode ErrorCodeOfCanonical(int canonical) {
  for (const auto& [ours, number] : kTable) {
    if (number == canonical) return ours;
  }
  switch (canonical) {
    case kOutOfRange:
      return ErrorCode::kInvalidArgument;
    case kPermissionDenied:
    case kUnimplemented:
    case kUnauthenticated:
      return ErrorCode::kFailedPrecondition;
    default:
      return ErrorCode::kInternal;
  }
}

}  // namespace goclaw
