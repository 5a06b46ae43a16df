// The pull workers' status (docs/design/workers.md): who is connected, their queues, credits
// and the attempts they hold, and per queue the attempts waiting for a worker. Read-only; the
// workers themselves speak gRPC (WorkerService).
#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"

namespace goclaw::api::http {

void AddWorkerRoutes(Router& router, const ApiContext& ctx) {
  if (!ctx.workers) return;
  auto snapshot = ctx.workers;
  router.Add("GET", "/api/v1/workers", "Connected pull workers, their queues, credits and attempts; waiting attempts per queue",
             [snapshot](HttpRequest& req) {
               if (!req.query.empty()) {
                 Diagnostics diag;
                 QueryReader(req, diag).Allow({});
                 return ErrorResponse(req, diag.ToError("query"));
               }
               return HttpResponse::Json(200, snapshot());
             });
}

}  // namespace goclaw::api::http
