// The gRPC API of `goclaw server` (docs/design/grpc.md): goclaw.v1's Workflow, Streaming,
// Batch, Admin, Signal and Saga services as thin adapters over the application services
// (service/), plus any services the caller adds (the pull-worker service), grpc.health.v1
// and, when grpc.reflection is on, server reflection — on grpc.host:grpc.port, beside the HTTP
// API and sharing its engine.
//
//   GrpcServerOptions options{.config = config.grpc, .metrics = &grpc_metrics};
//   auto grpc = GrpcServer::Start(std::move(options), services);   // binds, serves
//   ...
//   grpc->Shutdown(config.grpc.drain_timeout);   // NOT_SERVING, streams end, calls finish
//
// Every call runs on gRPC's callback API (no thread per call or per stream); service calls
// that block go to a small handler pool. Watch, log and saga streams count toward
// grpc.max_streams. Shutdown turns health NOT_SERVING, ends every stream with UNAVAILABLE
// (clients resume with resume_from_sequence), answers waiting submits, and gives calls in
// flight up to its deadline.
//
// No gRPC headers here (grpc::Service is only declared): include this where the server is
// wired, not the generated code.
//
// Thread-safety: Start, then Shutdown once, from one thread; SetServing and the accessors from
// any thread. Everything in GrpcServices must outlive the server.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "goclaw/config/config.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"
#include "goclaw/log/log.h"

namespace grpc {
class Service;
}  // namespace grpc

namespace goclaw::engine {
class Engine;
}  // namespace goclaw::engine
namespace goclaw::metrics {
class CollectorRegistry;
}  // namespace goclaw::metrics
namespace goclaw::service {
class AdminService;
class EventFanout;
class HealthService;
class LaneService;
class SagaService;
class SignalService;
class WorkflowService;
}  // namespace goclaw::service

namespace goclaw::api::grpc {

class GrpcMetrics;

// What the RPCs adapt. The engine, the workflows and the health service are required; without
// the others their RPCs are absent (gRPC answers UNIMPLEMENTED), never a handler that pretends.
struct GrpcServices {
  engine::Engine* engine = nullptr;
  service::WorkflowService* workflows = nullptr;
  service::SignalService* signals = nullptr;
  service::SagaService* sagas = nullptr;
  service::EventFanout* saga_events = nullptr;  // the saga service's events (WatchSaga); with `sagas`
  service::LaneService* lanes = nullptr;
  service::AdminService* admin = nullptr;
  service::HealthService* health = nullptr;
  const metrics::CollectorRegistry* metrics = nullptr;  // ExportMetrics
  // AdminService.Drain: stop admitting, let running attempts finish for up to `timeout`, and
  // write everything; returns the attempts still running. None: Drain is UNIMPLEMENTED.
  std::function<std::size_t(Millis timeout)> drain;
  Millis drain_timeout{10000};  // Drain's timeout when the request gives none
  // Connected pull workers (GetEngineStatus); none: 0.
  std::function<std::int64_t()> workers_connected;
};

struct GrpcServerOptions {
  config::GrpcConfig config;
  int handler_threads = 4;          // the pool for service calls that block
  GrpcMetrics* metrics = nullptr;   // optional; must outlive the server
  std::vector<::grpc::Service*> extra_services;  // registered as they are; must outlive the server
  log::Logger logger;
};

class GrpcServer {
 public:
  // kUnavailable when grpc.host:grpc.port cannot be bound; kInvalidArgument for missing
  // services.
  static Result<std::unique_ptr<GrpcServer>> Start(GrpcServerOptions options, GrpcServices services);
  ~GrpcServer();  // Shutdown(0) if not done
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  int port() const;  // the bound port (grpc.port 0 picks one)
  // grpc.health.v1: SERVING or NOT_SERVING (draining).
  void SetServing(bool serving);
  std::size_t open_streams() const;
  // See above. Idempotent.
  void Shutdown(Millis deadline);

 private:
  class Impl;
  explicit GrpcServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::api::grpc
