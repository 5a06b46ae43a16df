// /health (liveness), /ready (accepting work) and /status (what is going on), over
// service::HealthService.
#include "goclaw/api/http/api_routes.h"

namespace goclaw::api::http {

void AddHealthRoutes(Router& router, const ApiContext& ctx) {
  if (ctx.health == nullptr) return;
  const service::HealthService* h = ctx.health;
  router.Add("GET", "/health", "Liveness", [h](HttpRequest&) { return HttpResponse::Json(200, h->Health()); });
  router.Add("GET", "/ready", "Readiness: 503 while starting, shutting down, or while the store cannot write", [h](HttpRequest& r) {
    auto ready = h->Ready();
    return ready ? HttpResponse::Json(200, *ready) : ErrorResponse(r, ready.error());
  });
  router.Add("GET", "/status", "Version, uptime, workflows by state, lanes, store",
             [h](HttpRequest&) { return HttpResponse::Json(200, h->Report()); });
}

}  // namespace goclaw::api::http
