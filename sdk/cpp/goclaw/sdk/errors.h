// How a failed gRPC call becomes a goclaw `Error`: the code from the gRPC status code (the
// server's own table, core/canonical_code.h), refined by the goclaw.v1.ErrorInfo the server puts in
// the status' binary details (its code name, reason and field violations, which become the
// Error's reason and details; a description's " (line N)" and " [source]" suffixes, which the
// server adds, become the detail's line and source). A status without ErrorInfo (the server
// was not reached, or a proxy answered) keeps gRPC's message.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include <grpcpp/support/status.h>

#include "goclaw/core/status.h"

namespace goclaw::sdk {

// The goclaw code of a gRPC status code. Codes goclaw never sends (UNKNOWN, UNIMPLEMENTED,
// PERMISSION_DENIED, ...) map to the nearest: the table of core/canonical_code.h, which the
// server uses too.
ErrorCode ErrorCodeFromGrpc(grpc::StatusCode code);

// The gRPC status code goclaw's server answers `code` with.
grpc::StatusCode GrpcCodeFromErrorCode(ErrorCode code);

// `status` (not OK) as an Error. `target` names the server in the message when it could not
// be reached ("cannot reach the goclaw server at 127.0.0.1:9090 (gRPC): ...").
Error ErrorFromStatus(const grpc::Status& status, std::string_view target = {});

// True for failures a retry cannot fix: the request itself was refused (bad input, unknown
// method, not allowed). A worker gives up connecting on these.
bool IsPermanent(const grpc::Status& status);

}  // namespace goclaw::sdk
