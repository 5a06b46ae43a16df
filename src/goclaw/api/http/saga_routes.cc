// Saga routes over service::SagaService (docs/design/saga.md), the reference Goclaw's paths:
//   POST /api/v1/sagas                    submit a saga spec (JSON or YAML); 201 once durable
//   GET  /api/v1/sagas                    list: state, limit, offset
//   GET  /api/v1/sagas/{id}               status with every step (wait=<duration>: until settled)
//   POST /api/v1/sagas/{id}/compensate    202; 409 unless running or pending-compensation
//   POST /api/v1/sagas/{id}/recover       202; 409 unless compensation-failed
#include <algorithm>
#include <functional>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/text.h"
#include "goclaw/service/errors.h"

namespace goclaw::api::http {
namespace {

using service::SagaService;

// Replies from the saga service's thread.
HttpResponse Deferred(const HttpRequest& req, int status, std::function<void(service::JsonDone)> call) {
  HttpResponse deferred;
  deferred.defer = [who = Who(req), status, call = std::move(call)](HttpResponse::Reply reply) {
    call([who, status, reply](Result<boost::json::object> r) {
      if (!r) return reply(ErrorResponse(who, r.error()));
      HttpResponse res = HttpResponse::Json(status, *r);
      if (const auto* id = r->if_contains("saga_id"); id && id->is_string()) {
        res.SetHeader("Location", "/api/v1/sagas/" + std::string(id->get_string()));
      }
      reply(std::move(res));
    });
  };
  return deferred;
}

HttpResponse SubmitSaga(SagaService& sagas, HttpRequest& req) {
  HttpResponse error;
  auto format = SpecFormat(req, &error);
  if (!format) return error;
  Diagnostics diag;
  QueryReader q(req, diag);
  q.Allow({});
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  return Deferred(req, 201, [&sagas, spec = std::move(req.body), format = *format](service::JsonDone done) {
    sagas.Submit(spec, format, std::move(done));
  });
}

HttpResponse ListSagas(SagaService& sagas, HttpRequest& req) {
  Diagnostics diag;
  QueryReader q(req, diag);
  std::int64_t limit = 20, offset = 0;
  std::string state;
  q.Int("limit", &limit, 1, static_cast<std::int64_t>(service::kMaxSagaListLimit));
  q.Int("offset", &offset, 0, 1000000000);
  q.String("state", &state);
  q.Allow({"limit", "offset", "state"});
  std::optional<saga::SagaState> filter;
  if (!state.empty()) {
    filter = saga::ParseSagaState(state);
    if (!filter) {
      diag.Add("state", "unknown saga state " + QuoteForMessage(state) +
                            "; accepted: created, running, completed, compensating, pending-compensation, "
                            "compensated, compensation-failed, recovering");
    }
  }
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  auto r = sagas.List(filter, static_cast<std::size_t>(limit), static_cast<std::size_t>(offset));
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

HttpResponse GetSaga(SagaService& sagas, Millis wait_limit, HttpRequest& req) {
  Diagnostics diag;
  QueryReader q(req, diag);
  Millis wait{0};
  q.Duration("wait", &wait);
  q.Allow({"wait"});
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  const std::string& id = req.params.at("id");
  if (wait.count() > 0) {
    auto settled = sagas.Wait(id, std::min(wait, wait_limit));
    if (settled) return HttpResponse::Json(200, *settled);
    if (settled.error().code() != ErrorCode::kDeadlineExceeded) return ErrorResponse(req, settled.error());
  }
  auto r = sagas.Get(id);
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

// {"reason": "..."} or no body.
HttpResponse CompensateSaga(SagaService& sagas, HttpRequest& req) {
  std::string reason;
  if (!req.body.empty()) {
    HttpResponse error;
    if (!RequireJson(req, &error)) return error;
    auto parsed = ParseJsonText(req.body, "compensate request");
    if (!parsed) return ErrorResponse(req, Error(parsed.error()).WithReason(std::string(service::kReasonMalformed)));
    Diagnostics diag;
    {
      ObjectReader r(*parsed, "", diag, "the compensate request");
      r.String("reason", &reason);
    }
    if (!diag.empty()) return ErrorResponse(req, diag.ToError("compensate request"));
  }
  return Deferred(req, 202, [&sagas, id = req.params.at("id"), reason = std::move(reason)](service::JsonDone done) {
    sagas.Compensate(id, reason, std::move(done));
  });
}

HttpResponse RecoverSaga(SagaService& sagas, HttpRequest& req) {
  return Deferred(req, 202, [&sagas, id = req.params.at("id")](service::JsonDone done) {
    sagas.Recover(id, std::move(done));
  });
}

}  // namespace

void AddSagaRoutes(Router& router, const ApiContext& ctx) {
  if (ctx.sagas == nullptr) return;
  SagaService* s = ctx.sagas;
  const Millis wait_limit = ctx.workflows != nullptr ? ctx.workflows->policy().wait_limit : Millis(30000);
  router.Add("POST", "/api/v1/sagas",
             "Submit a saga: a workflow spec whose steps may carry compensate blocks; 201 once durable",
             [s](HttpRequest& r) { return SubmitSaga(*s, r); });
  router.Add("GET", "/api/v1/sagas", "List sagas (state, limit, offset), oldest first",
             [s](HttpRequest& r) { return ListSagas(*s, r); }, {.blocking = true});
  router.Add("GET", "/api/v1/sagas/{id}",
             "A saga with each step's forward and compensation state (wait=<duration>: until it settles)",
             [s, wait_limit](HttpRequest& r) { return GetSaga(*s, wait_limit, r); }, {.blocking = true});
  router.Add("POST", "/api/v1/sagas/{id}/compensate",
             "Compensate a running or pending-compensation saga ({\"reason\"}); 202 once durable",
             [s](HttpRequest& r) { return CompensateSaga(*s, r); });
  router.Add("POST", "/api/v1/sagas/{id}/recover",
             "Resume the compensation of a compensation-failed saga; 202 once durable",
             [s](HttpRequest& r) { return RecoverSaga(*s, r); });
}

}  // namespace goclaw::api::http
