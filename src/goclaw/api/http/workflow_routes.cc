// Workflow routes over service::WorkflowService: submit, list, get, spec, events, task result
// and logs, cancel, validate.
#include <limits>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"
#include "goclaw/engine/states.h"

namespace goclaw::api::http {
namespace {

using service::WorkflowService;

// The request id only: what a deferred answer needs, without the body.
HttpResponse QueryError(const HttpRequest& req, const Diagnostics& diag) {
  Error e = diag.ToError("query");
  return ErrorResponse(req, e);
}

// 202 with the summary and where the workflow is.
HttpResponse Accepted(const HttpRequest& who, const std::string& id, Result<boost::json::object> summary) {
  if (!summary) return ErrorResponse(who, summary.error());
  HttpResponse res = HttpResponse::Json(202, *summary);
  res.SetHeader("Location", "/api/v1/workflows/" + id);
  return res;
}

// Answered once the workflow is durable (from the store's thread), and then maybe after
// waiting for it to finish (on the handler pool).
HttpResponse SubmitWorkflow(WorkflowService& workflows, HttpRequest& req) {
  HttpResponse error;
  auto format = SpecFormat(req, &error);
  if (!format) return error;
  service::SubmitRequest submit;
  submit.spec = std::move(req.body);
  submit.format = *format;
  submit.lineage = std::string(req.Header("goclaw-lineage"));
  {
    QueryReader q(req, submit.option_problems);
    bool async = false;
    if (q.Bool("async", &async)) submit.async = async;
    Millis wait{0};
    if (q.Duration("wait", &wait)) submit.wait = wait;
    q.Allow({"async", "wait"});
  }
  auto prepared = workflows.Prepare(std::move(submit));
  if (!prepared) return ErrorResponse(req, prepared.error());
  HttpResponse deferred;
  deferred.defer = [&workflows, who = Who(req), prepared = std::move(*prepared)](HttpResponse::Reply reply) {
    workflows.Submit(prepared, [&workflows, who, prepared, reply](Result<std::string> id) {
      if (!id) {
        reply(ErrorResponse(who, id.error()));
        return;
      }
      if (prepared.async) {
        reply(Accepted(who, *id, workflows.Summary(*id)));
        return;
      }
      // Waiting blocks: the server runs this part on its handler pool.
      HttpResponse pending;
      pending.wait = [&workflows, who, id = *id, wait = prepared.wait, clamped = prepared.wait_clamped]() {
        auto outcome = workflows.AwaitFinish(id, wait);
        HttpResponse res = !outcome           ? ErrorResponse(who, outcome.error())
                           : outcome->finished ? HttpResponse::Json(201, outcome->body)
                                               : Accepted(who, id, std::move(outcome->body));
        if (!clamped.empty()) res.SetHeader("X-Goclaw-Wait-Clamped", clamped);
        return res;
      };
      reply(std::move(pending));
    });
  };
  return deferred;
}

HttpResponse ValidateWorkflow(WorkflowService& workflows, HttpRequest& req) {
  HttpResponse error;
  auto format = SpecFormat(req, &error);
  if (!format) return error;
  auto r = workflows.Validate(req.body, *format);
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

HttpResponse ListWorkflows(WorkflowService& workflows, HttpRequest& req) {
  Diagnostics diag;
  service::ListRequest list;
  engine::ListFilter& f = list.filter;
  QueryReader q(req, diag);
  std::string status;
  if (q.String("status", &status)) {
    f.state = engine::ParseWorkflowState(status);
    if (!f.state) {
      diag.Add("status", "unknown status \"" + status + "\"; accepted: pending, scheduled, running, "
                         "completed, failed, cancelled");
    }
  }
  q.String("name", &f.name);
  q.Time("created_after", &f.created_after);
  q.Time("created_before", &f.created_before);
  std::int64_t limit = 50, offset = 0;
  q.Int("limit", &limit, 1, service::kMaxListLimit);
  q.Int("offset", &offset, 0, service::kMaxListOffset);
  std::string cursor;
  if (q.String("cursor", &cursor) && !ValidId(cursor)) diag.Add("cursor", "not a cursor returned by this API");
  std::string order;
  if (q.String("order", &order)) {
    if (order == "desc") {
      f.newest_first = true;
    } else if (order != "asc") {
      diag.Add("order", "unknown order \"" + order + "\"; accepted: asc (oldest first, the default), desc (newest first)");
    }
  }
  q.Allow({"status", "name", "created_after", "created_before", "limit", "offset", "cursor", "order"});
  if (!diag.empty()) return QueryError(req, diag);
  f.limit = static_cast<std::size_t>(limit);
  f.offset = static_cast<std::size_t>(offset);
  f.after_id = cursor;
  auto r = workflows.List(list);
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

// The {id} parameter, checked before anything else of the request is read.
bool WorkflowId(const HttpRequest& req, std::string* id, HttpResponse* error) {
  *id = req.params.at("id");
  Status valid = WorkflowService::CheckId(*id);
  if (!valid) *error = ErrorResponse(req, valid.error());
  return valid.has_value();
}

HttpResponse GetWorkflow(WorkflowService& workflows, HttpRequest& req) {
  auto r = workflows.Get(req.params.at("id"), {.input = true});
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

// What was submitted, normalized, to run again as it is.
HttpResponse WorkflowSpec(WorkflowService& workflows, HttpRequest& req) {
  std::string id;
  HttpResponse error;
  if (!WorkflowId(req, &id, &error)) return error;
  if (!req.query.empty()) {
    Diagnostics diag;
    QueryReader(req, diag).Allow({});
    return QueryError(req, diag);
  }
  auto r = workflows.Spec(id);
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

HttpResponse WorkflowEvents(WorkflowService& workflows, HttpRequest& req) {
  std::string id;
  HttpResponse error;
  if (!WorkflowId(req, &id, &error)) return error;
  Diagnostics diag;
  QueryReader q(req, diag);
  std::int64_t since = 0;
  q.Int("since", &since, 0, std::numeric_limits<std::int64_t>::max());
  q.Allow({"since"});
  if (!diag.empty()) return QueryError(req, diag);
  auto r = workflows.Events(id, static_cast<std::uint64_t>(since));
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

HttpResponse TaskResult(WorkflowService& workflows, HttpRequest& req) {
  auto r = workflows.TaskResult(req.params.at("id"), req.params.at("task"));
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

// A task's log lines; `attempt=<n>` keeps one attempt's.
HttpResponse TaskLogs(WorkflowService& workflows, HttpRequest& req) {
  std::string id;
  HttpResponse error;
  if (!WorkflowId(req, &id, &error)) return error;
  Diagnostics diag;
  QueryReader q(req, diag);
  std::int64_t attempt = 0;
  q.Int("attempt", &attempt, 1, 1000000);
  q.Allow({"attempt"});
  if (!diag.empty()) return QueryError(req, diag);
  auto r = workflows.TaskLogs(id, req.params.at("task"), static_cast<int>(attempt));
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

// Answered once the cancellation is durable.
HttpResponse CancelWorkflow(WorkflowService& workflows, HttpRequest& req) {
  std::string id;
  HttpResponse error;
  if (!WorkflowId(req, &id, &error)) return error;
  HttpResponse deferred;
  deferred.defer = [&workflows, who = Who(req), id](HttpResponse::Reply reply) {
    workflows.Cancel(id, [who, reply](Result<boost::json::object> summary) {
      reply(summary ? HttpResponse::Json(200, *summary) : ErrorResponse(who, summary.error()));
    });
  };
  return deferred;
}

}  // namespace

void AddWorkflowRoutes(Router& router, const ApiContext& ctx) {
  if (ctx.workflows == nullptr) return;
  WorkflowService* w = ctx.workflows;
  router.Add("POST", "/api/v1/workflows", "Submit a workflow (JSON or YAML spec); async or wait for the result", [w](HttpRequest& r) { return SubmitWorkflow(*w, r); });
  router.Add("GET", "/api/v1/workflows", "List workflows: status, name, created_after/before, limit, offset, cursor, order (asc|desc by creation)", [w](HttpRequest& r) { return ListWorkflows(*w, r); });
  router.Add("POST", "/api/v1/workflows/validate", "Validate a workflow spec without running it", [w](HttpRequest& r) { return ValidateWorkflow(*w, r); });
  router.Add("GET", "/api/v1/workflows/{id}", "A workflow with every task (state, attempts, timings, error, result, depends_on, lane) and its input", [w](HttpRequest& r) { return GetWorkflow(*w, r); });
  router.Add("GET", "/api/v1/workflows/{id}/spec", "The workflow's normalized spec with the input it ran on: submit it as it is to run it again", [w](HttpRequest& r) { return WorkflowSpec(*w, r); });
  router.Add("GET", "/api/v1/workflows/{id}/events", "The event history of a workflow (since=<seq> for the later ones)", [w](HttpRequest& r) { return WorkflowEvents(*w, r); });
  router.Add("GET", "/api/v1/workflows/{id}/tasks/{task}/result", "The output of one completed task", [w](HttpRequest& r) { return TaskResult(*w, r); });
  router.Add("GET", "/api/v1/workflows/{id}/tasks/{task}/logs", "A task's log lines (attempt=<n> for one attempt): function logs, exec stderr, http status lines", [w](HttpRequest& r) { return TaskLogs(*w, r); });
  router.Add("POST", "/api/v1/workflows/{id}/cancel", "Cancel a workflow (409 once finished)", [w](HttpRequest& r) { return CancelWorkflow(*w, r); });
}

}  // namespace goclaw::api::http
