// The gRPC error table (grpc_status.h).
#include "goclaw/api/grpc/grpc_status.h"

#include <utility>

#include "goclaw/core/canonical_code.h"
#include "goclaw/v1/common.pb.h"

namespace goclaw::api::grpc {
namespace {

std::string Describe(const ErrorDetail& d) {
  std::string out = d.message;
  if (d.line > 0) out += " (line " + std::to_string(d.line) + ")";
  if (!d.source.empty()) out += " [" + d.source + "]";
  return out;
}

}  // namespace

// The table is core/canonical_code.h's: grpc::StatusCode numbers the codes canonically.
::grpc::StatusCode ToGrpcCode(ErrorCode code) {
  return static_cast<::grpc::StatusCode>(CanonicalCodeOf(code));
}

ErrorCode FromGrpcCode(::grpc::StatusCode code) {
  return ErrorCodeOfCanonical(static_cast<int>(code));
}

std::string_view GrpcCodeName(::grpc::StatusCode code) {
  switch (code) {
    case ::grpc::StatusCode::OK: return "OK";
    case ::grpc::StatusCode::CANCELLED: return "CANCELLED";
    case ::grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case ::grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case ::grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case ::grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case ::grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case ::grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case ::grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case ::grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case ::grpc::StatusCode::ABORTED: return "ABORTED";
    case ::grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case ::grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case ::grpc::StatusCode::INTERNAL: return "INTERNAL";
    case ::grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case ::grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case ::grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

::grpc::Status ToGrpcStatus(const Error& error) {
  v1::ErrorInfo info;
  info.set_code(std::string(ErrorCodeName(error.code())));
  info.set_reason(error.reason());
  info.set_message(error.message());
  for (const ErrorDetail& d : error.details()) {
    v1::FieldViolation* v = info.add_field_violations();
    v->set_field(d.path);
    v->set_description(Describe(d));
  }
  return ::grpc::Status(ToGrpcCode(error.code()), error.message(), info.SerializeAsString());
}

Error FromGrpcStatus(const ::grpc::Status& status) {
  const ErrorCode code = status.ok() ? ErrorCode::kInternal : FromGrpcCode(status.error_code());
  v1::ErrorInfo info;
  if (!status.error_details().empty() && info.ParseFromString(status.error_details())) {
    std::vector<ErrorDetail> details;
    for (const v1::FieldViolation& v : info.field_violations()) details.push_back({v.field(), v.description(), 0, ""});
    Error e(code, status.error_message(), std::move(details));
    if (!info.reason().empty()) e.WithReason(info.reason());
    return e;
  }
  Error e(code, status.ok() ? "the call answered OK where an error was expected" : status.error_message());
  // Codes goclaw does not use keep their name as the reason, so that nothing is lost.
  if (!status.ok() && ToGrpcCode(code) != status.error_code()) e.WithReason(std::string(GrpcCodeName(status.error_code())));
  return e;
}

void ToProtoError(const Error& error, v1::Error* out) {
  out->set_code(std::string(ErrorCodeName(error.code())));
  out->set_message(error.message());
  auto& details = *out->mutable_details();
  for (const ErrorDetail& d : error.details()) {
    std::string& slot = details[d.path];
    if (!slot.empty()) slot += "; ";
    slot += Describe(d);
  }
}

}  // namespace goclaw::api::grpc
