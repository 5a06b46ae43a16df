// Session routes over service::SessionService (docs/design/signals.md):
//   POST /api/v1/sessions/{key}/input   what the input did: started, steered, queued, coalesced,
//                                       interrupted (202) or dropped (200)
//   GET  /api/v1/sessions/{key}         the active run and the waiting inputs
//   GET  /api/v1/sessions               sessions with an active run or waiting inputs (limit, offset)
#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"

namespace goclaw::api::http {
namespace {

using service::SessionService;

HttpResponse SessionInput(SessionService& sessions, HttpRequest& req) {
  HttpResponse error;
  if (!RequireJson(req, &error)) return error;
  HttpResponse deferred;
  deferred.defer = [&sessions, who = Who(req), key = req.params.at("key"),
                    body = std::move(req.body)](HttpResponse::Reply reply) {
    sessions.Input(key, body, [who, reply](Result<boost::json::object> out) {
      if (!out) return reply(ErrorResponse(who, out.error()));
      const bool dropped = out->at("action") == "dropped";
      reply(HttpResponse::Json(dropped ? 200 : 202, *out));
    });
  };
  return deferred;
}

HttpResponse GetSession(SessionService& sessions, HttpRequest& req) {
  auto r = sessions.Get(req.params.at("key"));
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

HttpResponse ListSessions(SessionService& sessions, HttpRequest& req) {
  Diagnostics diag;
  QueryReader q(req, diag);
  std::int64_t limit = 50, offset = 0;
  q.Int("limit", &limit, 1, 1000);
  q.Int("offset", &offset, 0, 1000000000);
  q.Allow({"limit", "offset"});
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  return HttpResponse::Json(200, sessions.List(static_cast<std::size_t>(limit), static_cast<std::size_t>(offset)));
}

}  // namespace

void AddSessionRoutes(Router& router, const ApiContext& ctx) {
  if (ctx.sessions == nullptr) return;
  SessionService* s = ctx.sessions;
  router.Add("POST", "/api/v1/sessions/{key}/input",
             "Post an input to a session: starts a run, or steers, queues, coalesces, interrupts or drops per its queue mode",
             [s](HttpRequest& r) { return SessionInput(*s, r); });
  router.Add("GET", "/api/v1/sessions/{key}", "A session: its active run and its waiting inputs",
             [s](HttpRequest& r) { return GetSession(*s, r); });
  router.Add("GET", "/api/v1/sessions", "Sessions with an active run or waiting inputs (limit, offset)",
             [s](HttpRequest& r) { return ListSessions(*s, r); });
}

}  // namespace goclaw::api::http
