// Implementation of Error formatting and code names.
#include "goclaw/core/status.h"

namespace goclaw {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case ErrorCode::kNotFound:
      return "NOT_FOUND";
    case ErrorCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case ErrorCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case ErrorCode::kAborted:
      return "ABORTED";
    case ErrorCode::kUnavailable:
      return "UNAVAILABLE";
    case ErrorCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case ErrorCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case ErrorCode::kCancelled:
      return "CANCELLED";
    case ErrorCode::kInternal:
      return "INTERNAL";
  }
  return "UNKNOWN";
}

Error& Error::WithContext(std::string_view context) {
  message_.insert(0, std::string(context) + ": ");
  return *this;
}

std::string Error::ToString() const {
  std::string out(ErrorCodeName(code_));
  out += ": ";
  out += message_;
  for (const ErrorDetail& d : details_) {
    out += "\n  ";
    if (!d.source.empty()) {
      out += d.source + (d.line > 0 ? ":" + std::to_string(d.line) : std::string()) + ": ";
    } else if (d.line > 0) {
      out += "line " + std::to_string(d.line) + ": ";
    }
    if (!d.path.empty()) {
      out += d.path + ": ";
    }
    out += d.message;
  }
  return out;
}

}  // namespace goclaw
