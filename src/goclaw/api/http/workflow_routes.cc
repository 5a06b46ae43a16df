// Workflow routes: submit, list, get, events, task result, cancel, validate.

#include <algorithm>

#include <boost/json/serialize.hpp>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"
#include "goclaw/core/document.h"
#include "goclaw/dag/loader.h"
#include "goclaw/engine/executor.h"
#include "goclaw/engine/status_json.h"
#include "goclaw/lane/registry.h"

namespace goclaw::api::http {
namespace {

using engine::WorkflowStatusToJson;

template <typename S>  // WorkflowStatus or WorkflowSummary
boost::json::object Summary(const S& st) {
  return {{"id", st.id},
          {"name", st.name},
          {"status", engine::WorkflowStateName(st.state)},
          {"created_at", engine::FormatTime(st.created_at)}};
}

// What this server can run: its engine's lanes and registered functions. Specs that use
// anything else are refused with 400 instead of failing a task later (dag/spec_checks.h).
dag::RunEnvironment EngineEnvironment(const ApiContext& ctx) {
  engine::Engine* engine = ctx.engine;
  dag::RunEnvironment env;
  env.lane_problem = [engine](std::string_view lane) -> std::optional<std::string> {
    auto found = engine->lanes().Resolve(lane);
    if (found) return std::nullopt;
    return found.error().message() + " (this server's lanes are in GET /api/v1/lanes)";
  };
  env.function_problem = [engine](std::string_view name) -> std::optional<std::string> {
    if (engine->HasFunction(name)) return std::nullopt;
    return "no function named \"" + std::string(name) + "\" is registered on this server";
  };
  return env;
}

// Reads the spec from the body. On failure `error` holds the response to send.
std::optional<Document> ReadSpecBody(const ApiContext& ctx, const HttpRequest& req, HttpResponse* error) {
  auto format = SpecFormat(req, error);
  if (!format) return std::nullopt;
  if (req.body.empty()) {
    *error = ErrorResponse(req, 400, kBadRequest, "the body is empty; send a workflow spec");
    return std::nullopt;
  }
  DocumentLimits limits;
  limits.max_bytes = ctx.limits.max_spec_bytes;
  auto doc = ParseDocument(req.body, *format, limits);
  if (!doc) {
    *error = doc.error().code() == ErrorCode::kResourceExhausted
                 ? ErrorResponse(req, 413, kPayloadTooLarge, doc.error().message())
                 : ErrorResponse(req, 400, kBadRequest, doc.error().message(), doc.error().details());
    return std::nullopt;
  }
  return std::move(*doc);
}

// Removes the submit options (`async`, `wait`) from the spec document; the query may also set
// them (and wins).
struct SubmitOptions {
  bool async = false;
  Millis wait{0};
  std::string clamped;  // the X-Goclaw-Wait-Clamped header when `wait` was lowered
};

std::optional<SubmitOptions> TakeSubmitOptions(const ApiContext& ctx, const HttpRequest& req,
                                               Document& doc, HttpResponse* error) {
  SubmitOptions o;
  o.wait = ctx.default_wait;
  Diagnostics diag;
  if (auto* root = doc.root.if_object()) {
    if (const auto* a = root->if_contains("async")) {
      if (a->is_bool()) {
        o.async = a->get_bool();
      } else {
        diag.Add("async", "expected true or false, got " + DescribeJson(*a));
      }
      root->erase("async");
    }
    if (const auto* w = root->if_contains("wait")) {
      auto parsed = w->is_string() ? ParseDuration(w->get_string())
                    : w->is_number() ? DurationFromSeconds(w->to_number<double>())
                                     : Result<Millis>(MakeError(ErrorCode::kInvalidArgument, "expected a duration such as \"30s\", got " + DescribeJson(*w)));
      if (parsed) {
        o.wait = *parsed;
      } else {
        diag.Add("wait", parsed.error().message());
      }
      root->erase("wait");
    }
  }
  QueryReader q(req, diag);
  q.Bool("async", &o.async);
  q.Duration("wait", &o.wait);
  q.Allow({"async", "wait"});
  if (o.wait > ctx.max_wait) diag.Add("wait", "must be at most " + FormatDuration(ctx.max_wait));
  if (diag.empty() && o.wait > ctx.wait_limit) {
    // Longer would be cut with 504 by server.request_timeout: wait that long, answer 202 if
    // still running, and say so.
    o.clamped = FormatDuration(ctx.wait_limit) + " (server.request_timeout; requested " + FormatDuration(o.wait) + ")";
    o.wait = ctx.wait_limit;
  }
  if (!diag.empty()) {
    Error e = diag.ToError("submit options");
    *error = ErrorResponse(req, 400, kValidationFailed, e.message(), e.details());
    return std::nullopt;
  }
  return o;
}

// The lineage depth of a submit: the Goclaw-Lineage header that http tasks send (their
// workflow's depth + 1), 0 without it. Past limits.max_lineage_depth the submit is refused, so
// a workflow that submits copies of itself stops fanning out. The depth is recorded in the
// spec's metadata (kLineageDepthKey, replacing whatever the spec says there) and stored with it.
std::optional<int> TakeLineage(const ApiContext& ctx, const HttpRequest& req, Document& doc,
                               HttpResponse* error) {
  std::string_view header = req.Header("goclaw-lineage");
  int depth = 0;
  if (!header.empty()) {
    const bool digits = header.size() <= 6 &&
                        header.find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits) {
      *error = ErrorResponse(req, 400, kBadRequest,
                             "the Goclaw-Lineage header must be a non-negative integer (the "
                             "lineage depth set by goclaw's http tasks), got \"" +
                                 std::string(header.substr(0, 32)) + "\"");
      return std::nullopt;
    }
    depth = std::stoi(std::string(header));
  }
  if (depth > ctx.max_lineage_depth) {
    *error = ErrorResponse(req, 400, kLineageLimit,
                           "refused: this workflow would be " + std::to_string(depth) +
                               " submits deep (Goclaw-Lineage), more than "
                               "limits.max_lineage_depth = " +
                               std::to_string(ctx.max_lineage_depth) +
                               "; a workflow whose http tasks submit workflows is likely "
                               "calling itself");
    return std::nullopt;
  }
  if (auto* root = doc.root.if_object()) {
    const std::string_view key = engine::kLineageDepthKey;
    if (depth > 0) {
      boost::json::value& metadata = (*root)["metadata"];
      if (metadata.is_null()) metadata.emplace_object();
      if (auto* m = metadata.if_object()) (*m)[key] = depth;  // not an object: the compiler says so
    } else if (auto* m = root->contains("metadata") ? (*root)["metadata"].if_object() : nullptr) {
      m->erase(key);
    }
  }
  return depth;
}

HttpResponse SubmitWorkflow(const ApiContext& ctx, HttpRequest& req) {
  HttpResponse error;
  auto doc = ReadSpecBody(ctx, req, &error);
  if (!doc) return error;
  if (!TakeLineage(ctx, req, *doc, &error)) return error;
  auto options = TakeSubmitOptions(ctx, req, *doc, &error);
  if (!options) return error;
  auto plan = dag::CompileDocument(*doc, ctx.limits, EngineEnvironment(ctx));
  if (!plan) return ErrorResponse(req, 400, kValidationFailed, plan.error().message(), plan.error().details());
  HttpRequest who;  // what the error bodies need (the request id), without the spec
  who.request_id = req.request_id;
  auto shared_plan = std::make_shared<const dag::Plan>(std::move(*plan));
  // The answer comes once the workflow is durable (from the store's thread), and then maybe
  // after waiting for it to finish (on the handler pool).
  HttpResponse deferred;
  deferred.defer = [&ctx, who, shared_plan, options = *options](HttpResponse::Reply reply) {
    ctx.engine->SubmitAsync(shared_plan, {}, [&ctx, who, options, reply](Result<std::string> id) {
      if (!id) {
        // Refused by the engine (an executor that is off or not available): still the spec's fault.
        const ErrorCode code = id.error().code();
        if (code == ErrorCode::kFailedPrecondition || code == ErrorCode::kInvalidArgument) {
          reply(ErrorResponse(who, 400, kValidationFailed, id.error().message(), id.error().details()));
        } else {
          reply(ErrorResponse(who, id.error()));
        }
        return;
      }
      auto accepted = [&ctx, who, id = *id]() {
        auto st = ctx.engine->Summary(id);
        if (!st) return ErrorResponse(who, st.error());
        HttpResponse res = HttpResponse::Json(202, Summary(*st));
        res.SetHeader("Location", "/api/v1/workflows/" + id);
        return res;
      };
      if (options.async) {
        reply(accepted());
        return;
      }
      // Waiting blocks: the server runs this part on its handler pool.
      HttpResponse pending;
      pending.wait = [&ctx, who, id = *id, wait = options.wait, clamped = options.clamped, accepted]() {
        auto done = ctx.engine->Wait(id, wait);
        HttpResponse res = done ? HttpResponse::Json(201, WorkflowStatusToJson(*done, ctx.max_status_bytes))
                           : done.error().code() != ErrorCode::kDeadlineExceeded ? ErrorResponse(who, done.error())
                                                                                 : accepted();
        if (!clamped.empty()) res.SetHeader("X-Goclaw-Wait-Clamped", clamped);
        return res;
      };
      reply(std::move(pending));
    });
  };
  return deferred;
}

HttpResponse ValidateWorkflow(const ApiContext& ctx, HttpRequest& req) {
  HttpResponse error;
  auto doc = ReadSpecBody(ctx, req, &error);
  if (!doc) return error;
  auto plan = dag::CompileDocument(*doc, ctx.limits, EngineEnvironment(ctx));
  if (!plan) return ErrorResponse(req, 400, kValidationFailed, plan.error().message(), plan.error().details());
  boost::json::array order;
  for (auto i : plan->topo_order()) order.emplace_back(plan->task(i).id);
  return HttpResponse::Json(200, boost::json::object{{"valid", true},
                                                     {"name", plan->spec().name},
                                                     {"tasks", plan->task_count()},
                                                     {"order", std::move(order)}});
}

HttpResponse ListWorkflows(const ApiContext& ctx, HttpRequest& req) {
  Diagnostics diag;
  engine::ListFilter f;
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
  q.Int("limit", &limit, 1, 1000);
  q.Int("offset", &offset, 0, 1000000000);
  std::string cursor;
  if (q.String("cursor", &cursor) && !ValidId(cursor)) diag.Add("cursor", "not a cursor returned by this API");
  q.Allow({"status", "name", "created_after", "created_before", "limit", "offset", "cursor"});
  if (!diag.empty()) {
    Error e = diag.ToError("query");
    return ErrorResponse(req, 400, kValidationFailed, e.message(), e.details());
  }
  f.limit = static_cast<std::size_t>(limit);
  f.offset = static_cast<std::size_t>(offset);
  f.after_id = cursor;
  engine::ListResult r = ctx.engine->List(f);
  boost::json::array items;
  for (const auto& w : r.workflows) {
    items.push_back({{"id", w.id},
                     {"name", w.name},
                     {"status", engine::WorkflowStateName(w.state)},
                     {"created_at", engine::FormatTime(w.created_at)},
                     {"tasks", w.task_count}});
  }
  boost::json::object out{{"workflows", std::move(items)}, {"total", r.total}, {"limit", limit}, {"offset", offset}};
  out["next_cursor"] = r.workflows.size() == f.limit ? boost::json::value(r.workflows.back().id) : nullptr;
  return HttpResponse::Json(200, out);
}

// The {id} parameter, checked; on failure `error` is set.
bool WorkflowId(const HttpRequest& req, std::string* id, HttpResponse* error) {
  *id = req.params.at("id");
  if (ValidId(*id)) return true;
  *error = ErrorResponse(req, 400, kValidationFailed,
                         "invalid workflow id; ids look like \"wf-0190f0a1-...\" (letters, digits, '-', '_', '.', ':')",
                         {{"id", "invalid workflow id", 0, ""}});
  return false;
}

HttpResponse GetWorkflow(const ApiContext& ctx, HttpRequest& req) {
  std::string id;
  HttpResponse error;
  if (!WorkflowId(req, &id, &error)) return error;
  auto st = ctx.engine->Get(id);
  if (!st) return ErrorResponse(req, st.error());
  return HttpResponse::Json(200, WorkflowStatusToJson(*st, ctx.max_status_bytes));
}

HttpResponse WorkflowEvents(const ApiContext& ctx, HttpRequest& req) {
  std::string id;
  HttpResponse error;
  if (!WorkflowId(req, &id, &error)) return error;
  Diagnostics diag;
  QueryReader q(req, diag);
  std::int64_t since = 0;
  q.Int("since", &since, 0, std::numeric_limits<std::int64_t>::max());
  q.Allow({"since"});
  if (!diag.empty()) {
    Error e = diag.ToError("query");
    return ErrorResponse(req, 400, kValidationFailed, e.message(), e.details());
  }
  auto events = ctx.engine->Events(id);
  if (!events) return ErrorResponse(req, events.error());
  boost::json::array out;
  for (const auto& e : *events) {
    if (static_cast<std::int64_t>(e.seq) > since) out.push_back(engine::EventToJson(e));
  }
  return HttpResponse::Json(200, boost::json::object{{"workflow_id", id}, {"events", std::move(out)}});
}

HttpResponse TaskResult(const ApiContext& ctx, HttpRequest& req) {
  std::string id;
  HttpResponse error;
  if (!WorkflowId(req, &id, &error)) return error;
  const std::string& task_id = req.params.at("task");
  auto st = ctx.engine->Get(id);
  if (!st) return ErrorResponse(req, st.error());
  auto it = std::find_if(st->tasks.begin(), st->tasks.end(), [&](const auto& t) { return t.id == task_id; });
  if (it == st->tasks.end()) {
    return ErrorResponse(req, 404, kNotFound, "workflow \"" + id + "\" has no task \"" + task_id + "\"");
  }
  if (it->state != engine::TaskState::kCompleted) {
    return ErrorResponse(req, 409, kConflict,
                         "task \"" + task_id + "\" is " + std::string(engine::TaskStateName(it->state)) +
                             (it->error.empty() ? "; it has no result" : ": " + it->error));
  }
  return HttpResponse::Json(200, boost::json::object{{"workflow_id", id},
                                                     {"task_id", task_id},
                                                     {"status", "completed"},
                                                     {"result", it->output}});
}

HttpResponse CancelWorkflow(const ApiContext& ctx, HttpRequest& req) {
  std::string id;
  HttpResponse error;
  if (!WorkflowId(req, &id, &error)) return error;
  HttpRequest who;
  who.request_id = req.request_id;
  // Answered once the cancellation is durable.
  HttpResponse deferred;
  deferred.defer = [&ctx, who, id](HttpResponse::Reply reply) {
    ctx.engine->CancelAsync(id, [&ctx, who, id, reply](Status s) {
      if (!s) {
        reply(ErrorResponse(who, s.error()));
        return;
      }
      auto st = ctx.engine->Summary(id);
      reply(st ? HttpResponse::Json(200, Summary(*st)) : ErrorResponse(who, st.error()));
    });
  };
  return deferred;
}

}  // namespace

void AddWorkflowRoutes(Router& router, const ApiContext& ctx) {
  const ApiContext* c = &ctx;
  router.Add("POST", "/api/v1/workflows", "Submit a workflow (JSON or YAML spec); async or wait for the result", [c](HttpRequest& r) { return SubmitWorkflow(*c, r); });
  router.Add("GET", "/api/v1/workflows", "List workflows: status, name, created_after/before, limit, offset, cursor", [c](HttpRequest& r) { return ListWorkflows(*c, r); });
  router.Add("POST", "/api/v1/workflows/validate", "Validate a workflow spec without running it", [c](HttpRequest& r) { return ValidateWorkflow(*c, r); });
  router.Add("GET", "/api/v1/workflows/{id}", "A workflow with every task: state, attempts, timings, error, result", [c](HttpRequest& r) { return GetWorkflow(*c, r); });
  router.Add("GET", "/api/v1/workflows/{id}/events", "The event history of a workflow (since=<seq> for the later ones)", [c](HttpRequest& r) { return WorkflowEvents(*c, r); });
  router.Add("GET", "/api/v1/workflows/{id}/tasks/{task}/result", "The output of one completed task", [c](HttpRequest& r) { return TaskResult(*c, r); });
  router.Add("POST", "/api/v1/workflows/{id}/cancel", "Cancel a workflow (409 once finished)", [c](HttpRequest& r) { return CancelWorkflow(*c, r); });
}

}  // namespace goclaw::api::http
