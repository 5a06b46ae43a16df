// Internal to the gRPC API: the server interceptor that times every call (every registered
// method, the worker service's and grpc.health's included) and counts its status code into
// GrpcMetrics.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

#include "goclaw/api/grpc/grpc_metrics.h"

namespace goclaw::api::grpc {

// `metrics` must outlive the server the factory is given to.
std::unique_ptr<::grpc::experimental::ServerInterceptorFactoryInterface> NewMetricsInterceptorFactory(GrpcMetrics& metrics);

}  // namespace goclaw::api::grpc
