// The server's gRPC listener (docs/design/grpc.md): the goclaw.v1 adapters over the server's
// services (api/grpc) and the pull workers' WorkerService over the runtime's hub (worker/),
// with their metrics collector. Kept apart from server.cc so that no gRPC header reaches the
// composition root, and so that a build without gRPC (GOCLAW_WITH_GRPC=OFF: the sanitizer
// presets, which cover the in-process suites) links grpc_endpoint_disabled.cc instead.
//
// Thread-safety: Start, SetServing and Shutdown from the server's thread; port from any.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "goclaw/config/config.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"
#include "goclaw/log/log.h"
#include "goclaw/server/runtime.h"
#include "goclaw/service/admin_service.h"
#include "goclaw/service/event_fanout.h"
#include "goclaw/service/health_service.h"
#include "goclaw/service/lane_service.h"
#include "goclaw/service/saga_service.h"
#include "goclaw/service/signal_service.h"
#include "goclaw/service/workflow_service.h"

namespace goclaw::server {

// What the listener serves; every pointer must outlive the endpoint.
struct GrpcEndpointInputs {
  const config::Config* config = nullptr;
  Runtime* runtime = nullptr;  // its engine, collectors and worker hub (if any)
  service::WorkflowService* workflows = nullptr;
  service::SignalService* signals = nullptr;
  service::SagaService* sagas = nullptr;
  service::EventFanout* saga_events = nullptr;
  service::LaneService* lanes = nullptr;
  service::AdminService* admin = nullptr;
  service::HealthService* health = nullptr;
  // AdminService.Drain: stop admitting, let running attempts finish; the attempts left.
  std::function<std::size_t(Millis timeout)> drain;
  log::Logger logger;
};

class GrpcEndpoint {
 public:
  // Null when grpc.enabled is false, or when this build has no gRPC (then it logs a warning).
  // kUnavailable when grpc.host:grpc.port cannot be bound.
  static Result<std::unique_ptr<GrpcEndpoint>> Start(GrpcEndpointInputs inputs);
  // Whether this build has gRPC (and so pull workers can connect).
  static bool Available();
  ~GrpcEndpoint();
  GrpcEndpoint(const GrpcEndpoint&) = delete;
  GrpcEndpoint& operator=(const GrpcEndpoint&) = delete;

  int port() const;  // the bound port (grpc.port 0 picks one)
  // grpc.health.v1 answers NOT_SERVING from false on.
  void SetServing(bool serving);
  // Ends the streams (workers first: their hub is shut down) and lets calls finish until
  // `deadline` passes. Idempotent.
  void Shutdown(Millis deadline);

 private:
  class Impl;
  explicit GrpcEndpoint(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::server
