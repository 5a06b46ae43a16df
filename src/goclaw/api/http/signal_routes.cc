// Signal routes over service::SignalService (docs/design/signals.md):
//   POST /api/v1/workflows/{id}/signals   202 once the signal is durable
//   GET  /api/v1/workflows/{id}/signals   the history with each delivery's state (?task=)
#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"

namespace goclaw::api::http {
namespace {

using service::SignalService;

HttpResponse SendSignal(SignalService& signals, HttpRequest& req) {
  HttpResponse error;
  if (!RequireJson(req, &error)) return error;
  HttpResponse deferred;
  deferred.defer = [&signals, who = Who(req), id = req.params.at("id"),
                    body = std::move(req.body)](HttpResponse::Reply reply) {
    signals.Send(id, body, [who, id, reply](Result<boost::json::object> accepted) {
      if (!accepted) return reply(ErrorResponse(who, accepted.error()));
      HttpResponse res = HttpResponse::Json(202, *accepted);
      res.SetHeader("Location", "/api/v1/workflows/" + id + "/signals");
      reply(std::move(res));
    });
  };
  return deferred;
}

HttpResponse ListSignals(SignalService& signals, HttpRequest& req) {
  Diagnostics diag;
  QueryReader q(req, diag);
  std::string task;
  q.String("task", &task);
  q.Allow({"task"});
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  auto r = signals.List(req.params.at("id"), task);
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

}  // namespace

void AddSignalRoutes(Router& router, const ApiContext& ctx) {
  if (ctx.signals == nullptr) return;
  SignalService* s = ctx.signals;
  router.Add("POST", "/api/v1/workflows/{id}/signals",
             "Send a durable signal (steer, interrupt, collect or a custom kind) to a workflow or one task; 202 once stored",
             [s](HttpRequest& r) { return SendSignal(*s, r); });
  router.Add("GET", "/api/v1/workflows/{id}/signals", "A workflow's signals with each delivery's state (task=<id> for one task)",
             [s](HttpRequest& r) { return ListSignals(*s, r); });
}

}  // namespace goclaw::api::http
