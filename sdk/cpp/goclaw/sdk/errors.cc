// The gRPC codes of errors.h (over core/canonical_code.h) and its ErrorInfo decoding.
#include "goclaw/sdk/errors.h"

#include <array>
#include <string>

#include "goclaw/core/canonical_code.h"
#include "goclaw/v1/common.pb.h"

namespace goclaw::sdk {
namespace {

constexpr std::array<ErrorCode, 10> kAllCodes{
    ErrorCode::kInvalidArgument,  ErrorCode::kNotFound,
    ErrorCode::kAlreadyExists,    ErrorCode::kFailedPrecondition,
    ErrorCode::kAborted,          ErrorCode::kUnavailable,
    ErrorCode::kDeadlineExceeded, ErrorCode::kResourceExhausted,
    ErrorCode::kCancelled,        ErrorCode::kInternal};

// ErrorInfo.code is goclaw's own code name: exact where the gRPC code is ambiguous.
bool CodeFromName(std::string_view name, ErrorCode* out) {
  for (ErrorCode c : kAllCodes) {
    if (ErrorCodeName(c) == name) {
      *out = c;
      return true;
    }
  }
  return false;
}

// goclaw's server writes a detail's line and source into the description ("unknown task
// (line 4) [spec.yaml]"): taken back out, so that the detail is the one the server had.
ErrorDetail DetailOf(const v1::FieldViolation& v) {
  ErrorDetail d{.path = v.field(), .message = v.description()};
  std::string& m = d.message;
  if (m.size() > 3 && m.back() == ']') {
    if (std::size_t open = m.rfind(" ["); open != std::string::npos) {
      d.source = m.substr(open + 2, m.size() - open - 3);
      m.erase(open);
    }
  }
  static constexpr std::string_view kLine = " (line ";
  if (m.size() > kLine.size() + 1 && m.back() == ')') {
    if (std::size_t open = m.rfind(kLine); open != std::string::npos) {
      const std::string digits = m.substr(open + kLine.size(), m.size() - open - kLine.size() - 1);
      int line = 0;
      bool ok = !digits.empty() && digits.size() < 9;
      for (char c : digits) {
        ok = ok && c >= '0' && c <= '9';
        line = line * 10 + (c - '0');
      }
      if (ok && line > 0) {
        d.line = line;
        m.erase(open);
      }
    }
  }
  return d;
}

}  // namespace

// The table is core/canonical_code.h's (the server's too): grpc::StatusCode numbers the codes
// canonically.
ErrorCode ErrorCodeFromGrpc(grpc::StatusCode code) {
  return ErrorCodeOfCanonical(static_cast<int>(code));
}

grpc::StatusCode GrpcCodeFromErrorCode(ErrorCode code) {
  return static_cast<grpc::StatusCode>(CanonicalCodeOf(code));
}

Error ErrorFromStatus(const grpc::Status& status, std::string_view target) {
  ErrorCode code = ErrorCodeFromGrpc(status.error_code());
  v1::ErrorInfo info;
  if (!status.error_details().empty() && info.ParseFromString(status.error_details())) {
    CodeFromName(info.code(), &code);
    std::vector<ErrorDetail> details;
    details.reserve(static_cast<std::size_t>(info.field_violations_size()));
    for (const v1::FieldViolation& v : info.field_violations()) details.push_back(DetailOf(v));
    Error e(code, info.message().empty() ? status.error_message() : info.message(),
            std::move(details));
    if (!info.reason().empty()) e.WithReason(info.reason());
    return e;
  }
  // No ErrorInfo: gRPC itself failed the call (no connection, deadline, a proxy).
  std::string message = status.error_message();
  if (code == ErrorCode::kUnavailable && !target.empty()) {
    message = "cannot reach the goclaw server at " + std::string(target) + " (gRPC): " + message;
  } else if (code == ErrorCode::kDeadlineExceeded && message.empty()) {
    message = "no answer before the deadline";
  }
  if (message.empty())
    message = "gRPC status " + std::to_string(static_cast<int>(status.error_code()));
  return Error(code, std::move(message));
}

bool IsPermanent(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return true;
    default:
      return false;
  }
}

}  // namespace goclaw::sdk
