// Internal to the gRPC API: StreamingService.StreamLogs (log_stream.cc).
#pragma once

#include <grpcpp/support/server_callback.h>

#include "goclaw/api/grpc/grpc_context.h"
#include "goclaw/v1/streaming.pb.h"

namespace goclaw::api::grpc {

::grpc::ServerBidiReactor<v1::LogStreamRequest, v1::LogStreamResponse>* StartLogStream(const GrpcContext& ctx);

}  // namespace goclaw::api::grpc
