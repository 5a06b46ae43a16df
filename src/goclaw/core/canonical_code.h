// goclaw's error codes as canonical status code numbers, the numbering gRPC's
// grpc::StatusCode, google.rpc.Code and Abseil's StatusCode share (INVALID_ARGUMENT = 3, ...):
// the one table behind every gRPC mapping (api/grpc/grpc_status.h, worker/worker_grpc_service.cc
// and the C++ SDK's sdk/errors.h), kept here because those sit in different layers and core may
// not include gRPC's headers.
//
//   grpc::StatusCode code = static_cast<grpc::StatusCode>(CanonicalCodeOf(error.code()));
//   ErrorCode ours = ErrorCodeOfCanonical(static_cast<int>(status.error_code()));
//
// Thread-safety: pure functions.
#pragma once

#include "goclaw/core/status.h"

namespace goclaw {

// kInvalidArgument -> 3, kNotFound -> 5, ... (one-to-one; never 0, which is OK).
int CanonicalCodeOf(ErrorCode code);

// The reverse. Codes goclaw does not use map to the nearest: OUT_OF_RANGE (11) ->
// kInvalidArgument; UNIMPLEMENTED (12), PERMISSION_DENIED (7), UNAUTHENTICATED (16) ->
// kFailedPrecondition; UNKNOWN (2), DATA_LOSS (15), OK (0, not an error) and any number outside
// 0..16 -> kInternal.
ErrorCode ErrorCodeOfCanonical(int canonical);

}  // namespace goclaw
