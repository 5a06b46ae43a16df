// The REST API's routes (paths compatible with the reference Goclaw):
//
//   POST  /api/v1/workflows                      submit (JSON or YAML spec; async or wait)
//   GET   /api/v1/workflows                      list: status, name, created_after/before,
//                                                limit, offset, cursor; with total
//   POST  /api/v1/workflows/validate             `goclaw validate` over HTTP
//   GET   /api/v1/workflows/{id}                 status with every task
//   GET   /api/v1/workflows/{id}/events          the event history
//   GET   /api/v1/workflows/{id}/tasks/{tid}/result
//   GET   /api/v1/workflows/{id}/tasks/{tid}/logs   a task's log lines, per attempt
//   POST  /api/v1/workflows/{id}/cancel          idempotent while running; 409 when finished
//   POST|GET /api/v1/workflows/{id}/signals      send a durable signal (202); its history
//   POST  /api/v1/sessions/{key}/input           a session input, by the session's queue mode
//   GET   /api/v1/sessions, /api/v1/sessions/{key}
//   POST  /api/v1/sagas                          submit a saga (steps with compensations)
//   GET   /api/v1/sagas, /api/v1/sagas/{id}      list (state, limit, offset); status (wait)
//   POST  /api/v1/sagas/{id}/compensate|recover  202; 409 in the wrong state
//   POST|GET|DELETE /api/v1/memory/{session}     memorize; retrieve; forget (memory_routes.cc)
//   POST  /api/v1/memory/{session}/search        retrieve with vectors and filters
//   GET   /api/v1/memory/{session}/list|stats|items/{id}, DELETE .../all|weak, GET /api/v1/memory
//   GET   /api/v1/lanes, GET|PATCH /api/v1/lanes/{name}
//   GET   /api/v1/workers                        pull workers, their queues and credits; waiting per queue
//   GET   /health, /ready, /status
//   POST  /api/v1/admin/snapshot                 online snapshot of the store into a directory
//   GET   /api/v1/openapi.json                   OpenAPI 3.1, built from this router
//   GET   /metrics                               Prometheus text format 0.0.4
//   GET   /ws/events                             WebSocket event stream (event_stream.h)
//   GET   /api/v1/workflows/{id}/spec            the normalized spec and input, to run it again
//   GET   /api/v1/stats/series                   finished workflows and tasks per time bucket
//   GET|HEAD /ui/..., /ui, /                     the web UI (ui_files.h; not in the OpenAPI document)
//
// Handlers are transport only: read the HTTP request (media type, query, path parameters,
// body), call a service (src/goclaw/service/), render its answer; errors go through the one
// table of http_message.h (ErrorResponse). What a route answers is decided by the service.
//
// Thread-safety: the context and what it points to must outlive the router; handlers run on
// any thread.
#pragma once

#include <functional>
#include <memory>

#include <boost/json/object.hpp>

#include "goclaw/api/http/router.h"
#include "goclaw/metrics/collector_registry.h"
#include "goclaw/service/admin_service.h"
#include "goclaw/service/health_service.h"
#include "goclaw/service/lane_service.h"
#include "goclaw/service/memory_service.h"
#include "goclaw/service/run_series.h"
#include "goclaw/service/saga_service.h"
#include "goclaw/service/session_service.h"
#include "goclaw/service/signal_service.h"
#include "goclaw/service/workflow_service.h"

namespace goclaw::api::http {

class EventHub;
class UiFiles;

// What the routes serve. A group whose service is null is not added.
struct ApiContext {
  service::WorkflowService* workflows = nullptr;  // /api/v1/workflows...
  service::LaneService* lanes = nullptr;          // /api/v1/lanes...
  service::SignalService* signals = nullptr;      // /api/v1/workflows/{id}/signals
  service::SessionService* sessions = nullptr;    // /api/v1/sessions...
  service::SagaService* sagas = nullptr;          // /api/v1/sagas...
  service::MemoryService* memory = nullptr;       // /api/v1/memory...
  service::HealthService* health = nullptr;       // /health, /ready, /status; the API's version
  service::AdminService* admin = nullptr;         // /api/v1/admin/...
  EventHub* events = nullptr;                     // /ws/events
  const service::RunSeries* series = nullptr;     // /api/v1/stats/series
  const metrics::CollectorRegistry* metrics = nullptr;  // /metrics: every registered collector
  // /api/v1/workers: the worker hub's snapshot ({"workers", "queues"}); none without a hub.
  std::function<boost::json::object()> workers;
};

void AddWorkflowRoutes(Router& router, const ApiContext& ctx);
void AddLaneRoutes(Router& router, const ApiContext& ctx);
void AddSignalRoutes(Router& router, const ApiContext& ctx);
void AddSessionRoutes(Router& router, const ApiContext& ctx);
void AddSagaRoutes(Router& router, const ApiContext& ctx);
void AddMemoryRoutes(Router& router, const ApiContext& ctx);
void AddHealthRoutes(Router& router, const ApiContext& ctx);
void AddMetricsRoute(Router& router, const ApiContext& ctx);
void AddAdminRoutes(Router& router, const ApiContext& ctx);
void AddWorkerRoutes(Router& router, const ApiContext& ctx);
void AddEventStreamRoute(Router& router, const ApiContext& ctx);
void AddStatsRoutes(Router& router, const ApiContext& ctx);
// The web UI (ui_routes.cc): `files` null answers /ui/ with a 503 page saying how to build it.
void AddUiRoutes(Router& router, std::shared_ptr<const UiFiles> files);
// Add last: the document lists the routes added before it (and itself).
void AddOpenApiRoute(Router& router, const ApiContext& ctx);

}  // namespace goclaw::api::http
