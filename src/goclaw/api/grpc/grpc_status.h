// goclaw's errors as gRPC statuses and back: goclaw's error codes (core/status.h) as gRPC's
// (over core/canonical_code.h, the one table, which the worker service and the C++ SDK share),
// and the goclaw.v1.ErrorInfo a failed call carries in its binary
// details (its code name, reason, message and one FieldViolation per detail path). Also the
// per-item goclaw.v1.Error of batch results.
//
//   return ToGrpcStatus(result.error());                 // a server answering
//   Error e = FromGrpcStatus(status);                     // a client reading it back
//
// Thread-safety: pure functions.
#pragma once

#include <grpcpp/support/status.h>

#include "goclaw/core/status.h"

namespace goclaw::v1 {
class Error;
}  // namespace goclaw::v1

namespace goclaw::api::grpc {

// kInvalidArgument -> INVALID_ARGUMENT, kNotFound -> NOT_FOUND, ... (one-to-one).
::grpc::StatusCode ToGrpcCode(ErrorCode code);
// The reverse; gRPC's codes that goclaw does not use map to the nearest (UNIMPLEMENTED,
// PERMISSION_DENIED, UNAUTHENTICATED -> kFailedPrecondition; OUT_OF_RANGE -> kInvalidArgument;
// UNKNOWN, DATA_LOSS -> kInternal). OK is not an error: kInternal.
ErrorCode FromGrpcCode(::grpc::StatusCode code);
// "INVALID_ARGUMENT", ... for every gRPC code (metrics labels, messages).
std::string_view GrpcCodeName(::grpc::StatusCode code);

// The error as a status: its code, its message, and a serialized goclaw.v1.ErrorInfo.
::grpc::Status ToGrpcStatus(const Error& error);
// A status as an error: the ErrorInfo's reason and field violations when the details hold one
// (a goclaw server's), else the code and message alone. An OK status gives kInternal.
Error FromGrpcStatus(const ::grpc::Status& status);

// The per-item error of batch results: code name, message, details (path -> problem).
void ToProtoError(const Error& error, v1::Error* out);

}  // namespace goclaw::api::grpc
