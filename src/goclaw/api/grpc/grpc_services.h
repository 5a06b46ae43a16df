// Internal to the gRPC API: the goclaw.v1 service implementations, one factory per service
// (each in its own file). The server registers them; they live as long as it does.
#pragma once

#include <memory>

#include "goclaw/api/grpc/grpc_context.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace goclaw::api::grpc {

std::unique_ptr<::grpc::Service> NewWorkflowService(const GrpcContext& ctx);   // workflow_grpc_service.cc
std::unique_ptr<::grpc::Service> NewBatchService(const GrpcContext& ctx);      // batch_grpc_service.cc
std::unique_ptr<::grpc::Service> NewStreamingService(const GrpcContext& ctx);  // streaming_grpc_service.cc
std::unique_ptr<::grpc::Service> NewAdminService(const GrpcContext& ctx);      // admin_grpc_service.cc
std::unique_ptr<::grpc::Service> NewSignalService(const GrpcContext& ctx);     // signal_grpc_service.cc
std::unique_ptr<::grpc::Service> NewSagaService(const GrpcContext& ctx);       // saga_grpc_service.cc

}  // namespace goclaw::api::grpc
