// A build without gRPC (GOCLAW_WITH_GRPC=OFF: the sanitizer presets, which run the in-process
// suites): the server has no gRPC listener, and says so when grpc.enabled asks for one.
#include "goclaw/server/grpc_endpoint.h"

namespace goclaw::server {

class GrpcEndpoint::Impl {};

Result<std::unique_ptr<GrpcEndpoint>> GrpcEndpoint::Start(GrpcEndpointInputs in) {
  if (in.config->grpc.enabled) {
    in.logger.Warn("this goclaw was built without gRPC (GOCLAW_WITH_GRPC=OFF): no gRPC listener, no pull workers");
  }
  return std::unique_ptr<GrpcEndpoint>();
}

bool GrpcEndpoint::Available() { return false; }

GrpcEndpoint::GrpcEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GrpcEndpoint::~GrpcEndpoint() = default;
int GrpcEndpoint::port() const { return 0; }
void GrpcEndpoint::SetServing(bool) {}
void GrpcEndpoint::Shutdown(Millis) {}

}  // namespace goclaw::server
