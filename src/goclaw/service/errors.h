// How the services classify what goes wrong. A service returns goclaw error codes
// (core/status.h), and the code decides the class of the answer: kInvalidArgument is the
// caller's mistake (HTTP 400), kNotFound 404, kAlreadyExists / kFailedPrecondition 409,
// kUnavailable 503, and so on. Where one code covers cases a client must tell apart, the error
// also carries one of these reasons (Error::reason). The transports turn (code, reason) into
// their own codes in one table each (api/http/http_message.cc; google.rpc.ErrorInfo for gRPC).
//
// Thread-safety: constants.
#pragma once

#include <string_view>

namespace goclaw::service {

// kInvalidArgument: the input does not even parse (JSON/YAML syntax, invalid UTF-8, nesting,
// an empty body, a malformed header value) — as opposed to parsing but being wrong.
inline constexpr std::string_view kReasonMalformed = "MALFORMED";
// kInvalidArgument: a submit whose lineage (Goclaw-Lineage) is deeper than
// limits.max_lineage_depth — a workflow that keeps submitting workflows.
inline constexpr std::string_view kReasonLineageLimit = "LINEAGE_LIMIT";
// kResourceExhausted: the input is larger than a configured limit (dag.max_spec_bytes) — as
// opposed to a resource running out while serving it.
inline constexpr std::string_view kReasonTooLarge = "TOO_LARGE";

}  // namespace goclaw::service
