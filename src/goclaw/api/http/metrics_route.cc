// GET /metrics: every registered collector (metrics/collector_registry.h) in the Prometheus
// text format 0.0.4; and GET /ws/events, the event hub's WebSocket route.
#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/event_stream.h"

namespace goclaw::api::http {

void AddMetricsRoute(Router& router, const ApiContext& ctx) {
  if (ctx.metrics == nullptr) return;
  const metrics::CollectorRegistry* registry = ctx.metrics;
  router.Add(
      "GET", "/metrics", "Prometheus metrics (text format 0.0.4)",
      [registry](HttpRequest&) {
        return HttpResponse::Text(200, registry->Text(), std::string(metrics::TextWriter::kContentType));
      },
      {.blocking = true});  // the engine's collector visits its shards
}

void AddEventStreamRoute(Router& router, const ApiContext& ctx) {
  if (ctx.events == nullptr) return;
  router.AddWebSocket("/ws/events", "Engine events over WebSocket (subscribe with a JSON message)",
                      ctx.events->Handler());
}

}  // namespace goclaw::api::http
