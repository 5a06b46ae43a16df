// The REST API's routes over the engine (paths compatible with the reference Goclaw):
//
//   POST  /api/v1/workflows                      submit (JSON or YAML spec; async or wait)
//   GET   /api/v1/workflows                      list: status, name, created_after/before,
//                                                limit, offset, cursor; with total
//   POST  /api/v1/workflows/validate             `goclaw validate` over HTTP
//   GET   /api/v1/workflows/{id}                 status with every task
//   GET   /api/v1/workflows/{id}/events          the event history
//   GET   /api/v1/workflows/{id}/tasks/{tid}/result
//   POST  /api/v1/workflows/{id}/cancel          idempotent while running; 409 when finished
//   GET   /api/v1/lanes, GET|PATCH /api/v1/lanes/{name}
//   GET   /health, /ready, /status
//   POST  /api/v1/admin/snapshot                 online snapshot of the store into a directory
//   GET   /api/v1/admin/store                    store kind, format version, counts by state
//   GET   /api/v1/openapi.json                   OpenAPI 3.1, built from this router
//   GET   /metrics                               Prometheus text format 0.0.4
//   GET   /ws/events                             WebSocket event stream (event_stream.h)
//
// Handlers are transport only: parse, call the engine, render JSON.
//
// Thread-safety: the context must outlive the router; handlers run on any thread.
#pragma once

#include <functional>
#include <string>

#include "goclaw/api/http/router.h"
#include "goclaw/dag/spec.h"
#include "goclaw/engine/engine.h"
#include "goclaw/store/store.h"

namespace goclaw::api::http {

class EventHub;
class HttpMetrics;

struct ApiContext {
  engine::Engine* engine = nullptr;
  EventHub* events = nullptr;             // for /ws/events and its metrics; none: no route
  store::Store* store = nullptr;          // the engine's store, for /status, /metrics, admin
  HttpMetrics* http_metrics = nullptr;    // written by /metrics when set
  dag::SpecLimits limits;
  std::size_t max_status_bytes = 8u << 20;  // results inlined in one status (limits.max_status_bytes)
  int max_lineage_depth = 8;  // a submit whose Goclaw-Lineage header is larger gets 400
  Millis default_wait{30000};  // a synchronous submit waits at most this long (then 202)
  Millis max_wait{300000};     // a longer `wait` is refused (400)
  // A longer `wait` (up to max_wait) is lowered to this, said in X-Goclaw-Wait-Clamped: the
  // server sets server.request_timeout, which would otherwise cut the wait with 504.
  Millis wait_limit{300000};
  std::string data_dir;        // the live store's directory: a snapshot may not go inside it
  std::string version;
  Clock::WallTime started_at;
  std::function<bool()> accepting;  // false while starting or shutting down: /ready is 503
};

void AddWorkflowRoutes(Router& router, const ApiContext& ctx);
void AddLaneRoutes(Router& router, const ApiContext& ctx);
void AddHealthRoutes(Router& router, const ApiContext& ctx);
void AddMetricsRoute(Router& router, const ApiContext& ctx);
void AddAdminRoutes(Router& router, const ApiContext& ctx);
void AddEventStreamRoute(Router& router, const ApiContext& ctx);
// Add last: the document lists the routes added before it (and itself).
void AddOpenApiRoute(Router& router, const ApiContext& ctx);

}  // namespace goclaw::api::http
