// The server's gRPC listener (grpc_endpoint.h): goclaw.v1's adapters and the WorkerService.
#include "goclaw/server/grpc_endpoint.h"

#include <grpcpp/grpcpp.h>

#include "goclaw/api/grpc/grpc_metrics.h"
#include "goclaw/api/grpc/grpc_server.h"
#include "goclaw/worker/worker_grpc_service.h"

namespace goclaw::server {

class GrpcEndpoint::Impl {
 public:
  // Shared with the metrics collector, which the runtime keeps after the endpoint is gone.
  std::shared_ptr<api::grpc::GrpcMetrics> metrics = std::make_shared<api::grpc::GrpcMetrics>();
  std::unique_ptr<worker::WorkerGrpcService> workers;  // outlives the server running it
  std::unique_ptr<api::grpc::GrpcServer> server;
  worker::WorkerHub* hub = nullptr;
};

Result<std::unique_ptr<GrpcEndpoint>> GrpcEndpoint::Start(GrpcEndpointInputs in) {
  const config::Config& config = *in.config;
  if (!config.grpc.enabled) return std::unique_ptr<GrpcEndpoint>();
  auto impl = std::make_unique<Impl>();
  api::grpc::GrpcServices services;
  services.engine = &in.runtime->engine();
  services.workflows = in.workflows;
  services.signals = in.signals;
  services.sagas = in.sagas;
  services.saga_events = in.saga_events;
  services.lanes = in.lanes;
  services.admin = in.admin;
  services.health = in.health;
  services.metrics = &in.runtime->collectors();
  services.drain = std::move(in.drain);
  services.drain_timeout = config.shutdown.drain_timeout;
  api::grpc::GrpcServerOptions options;
  options.config = config.grpc;
  options.handler_threads = static_cast<int>(config.server.handler_threads);
  options.metrics = impl->metrics.get();
  options.logger = std::move(in.logger);
  if (worker::WorkerHub* hub = in.runtime->workers()) {
    impl->hub = hub;
    services.workers_connected = [hub] { return hub->Counters().connected; };
    impl->workers = std::make_unique<worker::WorkerGrpcService>(*hub);
    options.extra_services.push_back(impl->workers.get());
  }
  GOCLAW_ASSIGN_OR_RETURN(impl->server, api::grpc::GrpcServer::Start(std::move(options), std::move(services)));
  auto collect = api::grpc::GrpcCollector(*impl->metrics);
  in.runtime->collectors().Add("grpc", [keep = impl->metrics, collect](metrics::TextWriter& w) { collect(w); });
  return std::unique_ptr<GrpcEndpoint>(new GrpcEndpoint(std::move(impl)));
}

bool GrpcEndpoint::Available() { return true; }

GrpcEndpoint::GrpcEndpoint(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GrpcEndpoint::~GrpcEndpoint() { Shutdown(Millis(0)); }

int GrpcEndpoint::port() const { return impl_->server->port(); }
void GrpcEndpoint::SetServing(bool serving) { impl_->server->SetServing(serving); }

void GrpcEndpoint::Shutdown(Millis deadline) {
  if (impl_->hub != nullptr) impl_->hub->Shutdown();  // workers hear "shutdown"; their streams end
  if (impl_->workers) impl_->workers->EndStreams();   // and those that never said hello
  impl_->server->Shutdown(deadline);
}

}  // namespace goclaw::server
