// The workflow service: spec checks, lineage, the wait policy and the API's documents.
#include "goclaw/service/workflow_service.h"

#include <algorithm>
#include <limits>

#include "goclaw/core/json_text.h"
#include "goclaw/core/names.h"
#include "goclaw/dag/loader.h"
#include "goclaw/engine/status_json.h"
#include "goclaw/exec/executor.h"
#include "goclaw/service/errors.h"

namespace goclaw::service {
namespace {

template <typename S>  // WorkflowStatus or WorkflowSummary
boost::json::object SummaryJson(const S& st) {
  return {{"id", st.id},
          {"name", st.name},
          {"status", engine::WorkflowStateName(st.state)},
          {"created_at", engine::FormatTime(st.created_at)}};
}

Error Malformed(std::string message, std::vector<ErrorDetail> details = {}) {
  Error e(ErrorCode::kInvalidArgument, std::move(message), std::move(details));
  e.WithReason(std::string(kReasonMalformed));
  return e;
}

// JSON the engine stored; damaged, it is the server's problem, not the caller's.
Result<boost::json::value> ReadStoredJson(const std::string& text, std::string_view what) {
  auto v = ParseJsonText(text, what);
  if (!v) return MakeError(ErrorCode::kInternal, v.error().message());
  return v;
}

// Whatever code the compiler or the engine gave: the spec is what is wrong.
Error SpecProblem(const Error& e) {
  return Error(ErrorCode::kInvalidArgument, e.message(), e.details());
}

// Removes the submit options (`async`, `wait`) from the spec document and applies the
// request's overrides, collecting every problem before any is reported.
Result<PreparedSubmit> TakeSubmitOptions(const WorkflowPolicy& policy, SubmitRequest& request,
                                         Document& doc) {
  PreparedSubmit o;
  o.wait = policy.default_wait;
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
                    : w->is_number()
                        ? DurationFromSeconds(w->to_number<double>())
                        : Result<Millis>(MakeError(ErrorCode::kInvalidArgument,
                                                   "expected a duration such as \"30s\", got " + DescribeJson(*w)));
      if (parsed) {
        o.wait = *parsed;
      } else {
        diag.Add("wait", parsed.error().message());
      }
      root->erase("wait");
    }
  }
  diag.Merge(request.option_problems);
  if (request.async) o.async = *request.async;
  if (request.wait) o.wait = *request.wait;
  if (o.wait > policy.max_wait) diag.Add("wait", "must be at most " + FormatDuration(policy.max_wait));
  if (diag.empty() && o.wait > policy.wait_limit) {
    // Longer would be cut by the transport's request timeout: wait that long, answer with the
    // summary if still running, and say so.
    o.wait_clamped = FormatDuration(policy.wait_limit) + " (server.request_timeout; requested " +
                     FormatDuration(o.wait) + ")";
    o.wait = policy.wait_limit;
  }
  if (!diag.empty()) return MakeError(diag.ToError("submit options"));
  return o;
}

// The lineage depth of a submit: the value of goclaw's http tasks (their workflow's depth + 1),
// 0 without one. Past max_lineage_depth the submit is refused, so a workflow that submits
// copies of itself stops fanning out. The depth is recorded in the spec's metadata
// (kLineageDepthKey, replacing whatever the spec says there) and stored with it.
Result<int> TakeLineage(const WorkflowPolicy& policy, std::string_view lineage, Document& doc) {
  int depth = 0;
  if (!lineage.empty()) {
    const bool digits = lineage.size() <= 6 &&
                        lineage.find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits) {
      return MakeError(Malformed(
          "the Goclaw-Lineage header must be a non-negative integer (the lineage depth set by "
          "goclaw's http tasks), got \"" +
          std::string(lineage.substr(0, 32)) + "\""));
    }
    depth = std::stoi(std::string(lineage));
  }
  if (depth > policy.max_lineage_depth) {
    Error e(ErrorCode::kInvalidArgument,
            "refused: this workflow would be " + std::to_string(depth) +
                " submits deep (Goclaw-Lineage), more than limits.max_lineage_depth = " +
                std::to_string(policy.max_lineage_depth) +
                "; a workflow whose http tasks submit workflows is likely calling itself");
    e.WithReason(std::string(kReasonLineageLimit));
    return MakeError(std::move(e));
  }
  if (auto* root = doc.root.if_object()) {
    const std::string_view key = exec::kLineageDepthKey;
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

}  // namespace

WorkflowPolicy WorkflowPolicyFromConfig(const config::Config& config) {
  WorkflowPolicy p;
  p.limits.max_tasks = static_cast<std::size_t>(config.dag.max_tasks);
  p.limits.max_spec_bytes = static_cast<std::size_t>(config.dag.max_spec_bytes);
  p.max_status_bytes = static_cast<std::size_t>(config.limits.max_status_bytes);
  p.max_lineage_depth = static_cast<int>(config.limits.max_lineage_depth);
  // A wait longer than request_timeout would be cut with 504: it is lowered to that instead.
  p.wait_limit = config.server.request_timeout;
  p.default_wait = std::min(p.default_wait, p.wait_limit);
  return p;
}

WorkflowService::WorkflowService(engine::Engine& engine, WorkflowPolicy policy, store::Store* store)
    : engine_(engine), policy_(std::move(policy)), store_(store) {}

Status WorkflowService::CheckId(std::string_view id) {
  if (IsSafeId(id)) return OkStatus();
  return MakeError(Error(ErrorCode::kInvalidArgument,
                         "invalid workflow id; ids look like \"wf-0190f0a1-...\" (letters, digits, '-', '_', '.', ':')",
                         {{"id", "invalid workflow id", 0, ""}}));
}

// What this engine can run: its lanes and its executors' task types (each checks its own
// config; function tasks name registered functions). Specs that use anything else are refused
// instead of failing a task later (dag/spec_checks.h).
dag::RunEnvironment WorkflowService::Environment() const {
  engine::Engine* engine = &engine_;
  dag::RunEnvironment env;
  env.lane_problem = [engine](std::string_view lane) -> std::optional<std::string> {
    auto found = engine->lanes().Resolve(lane);
    if (found) return std::nullopt;
    return found.error().message() + " (this server's lanes are in GET /api/v1/lanes)";
  };
  env.task_types = &engine->executors();
  return env;
}

Result<Document> WorkflowService::ReadSpec(std::string_view spec, DocumentFormat format) const {
  if (spec.empty()) return MakeError(Malformed("the body is empty; send a workflow spec"));
  DocumentLimits limits;
  limits.max_bytes = policy_.limits.max_spec_bytes;
  auto doc = ParseDocument(spec, format, limits);
  if (doc) return doc;
  if (doc.error().code() == ErrorCode::kResourceExhausted) {
    Error e(ErrorCode::kResourceExhausted, doc.error().message(), doc.error().details());
    e.WithReason(std::string(kReasonTooLarge));
    return MakeError(std::move(e));
  }
  return MakeError(Malformed(doc.error().message(), doc.error().details()));
}

Result<std::shared_ptr<const dag::Plan>> WorkflowService::Compile(const Document& doc) const {
  auto plan = dag::CompileDocument(doc, policy_.limits, Environment());
  if (!plan) return MakeError(SpecProblem(plan.error()));
  return std::make_shared<const dag::Plan>(std::move(*plan));
}

Result<PreparedSubmit> WorkflowService::Prepare(SubmitRequest request) const {
  GOCLAW_ASSIGN_OR_RETURN(Document doc, ReadSpec(request.spec, request.format));
  GOCLAW_ASSIGN_OR_RETURN(int depth, TakeLineage(policy_, request.lineage, doc));
  GOCLAW_ASSIGN_OR_RETURN(PreparedSubmit prepared, TakeSubmitOptions(policy_, request, doc));
  GOCLAW_ASSIGN_OR_RETURN(prepared.plan, Compile(doc));
  prepared.lineage_depth = depth;
  return prepared;
}

void WorkflowService::Submit(const PreparedSubmit& submit, SubmitDone done) {
  engine_.SubmitAsync(submit.plan, {}, [done = std::move(done)](Result<std::string> id) mutable {
    // Refused by the engine (an executor that is off or not available): still the spec's fault.
    if (!id && (id.error().code() == ErrorCode::kFailedPrecondition ||
                id.error().code() == ErrorCode::kInvalidArgument)) {
      done(MakeError(SpecProblem(id.error())));
      return;
    }
    done(std::move(id));
  });
}

Result<WaitOutcome> WorkflowService::AwaitFinish(const std::string& id, Millis wait) {
  GOCLAW_RETURN_IF_ERROR(CheckId(id));
  auto done = engine_.Wait(id, wait);
  if (done) return WaitOutcome{true, engine::WorkflowStatusToJson(*done, policy_.max_status_bytes)};
  if (done.error().code() != ErrorCode::kDeadlineExceeded) return MakeError(done.error());
  GOCLAW_ASSIGN_OR_RETURN(boost::json::object summary, Summary(id));
  return WaitOutcome{false, std::move(summary)};
}

Result<boost::json::object> WorkflowService::Validate(std::string_view spec, DocumentFormat format) const {
  GOCLAW_ASSIGN_OR_RETURN(Document doc, ReadSpec(spec, format));
  auto plan = dag::CompileDocument(doc, policy_.limits, Environment());
  if (!plan) return MakeError(SpecProblem(plan.error()));
  boost::json::array order;
  for (auto i : plan->topo_order()) order.emplace_back(plan->task(i).id);
  return boost::json::object{{"valid", true},
                             {"name", plan->spec().name},
                             {"tasks", plan->task_count()},
                             {"order", std::move(order)}};
}

Result<boost::json::object> WorkflowService::List(const ListRequest& request) const {
  const engine::ListFilter& f = request.filter;
  Diagnostics diag;
  if (f.limit < 1 || f.limit > static_cast<std::size_t>(kMaxListLimit)) {
    diag.Add("limit", "expected an integer from 1 to " + std::to_string(kMaxListLimit) + ", got " +
                          std::to_string(f.limit));
  }
  if (f.offset > static_cast<std::size_t>(kMaxListOffset)) {
    diag.Add("offset", "expected an integer from 0 to " + std::to_string(kMaxListOffset) + ", got " +
                           std::to_string(f.offset));
  }
  if (!f.after_id.empty() && !IsSafeId(f.after_id)) diag.Add("cursor", "not a cursor returned by this API");
  if (!diag.empty()) return MakeError(diag.ToError("list request"));
  engine::ListResult r = engine_.List(f);
  boost::json::array items;
  for (const auto& w : r.workflows) {
    items.push_back({{"id", w.id},
                     {"name", w.name},
                     {"status", engine::WorkflowStateName(w.state)},
                     {"created_at", engine::FormatTime(w.created_at)},
                     {"tasks", w.task_count}});
    if (!w.error.empty()) items.back().as_object()["error"] = w.error;
  }
  boost::json::object out{{"workflows", std::move(items)},
                          {"total", r.total},
                          {"limit", static_cast<std::int64_t>(f.limit)},
                          {"offset", static_cast<std::int64_t>(f.offset)}};
  out["next_cursor"] = r.workflows.size() == f.limit ? boost::json::value(r.workflows.back().id) : nullptr;
  return out;
}

Result<boost::json::object> WorkflowService::Summary(const std::string& id) const {
  GOCLAW_RETURN_IF_ERROR(CheckId(id));
  GOCLAW_ASSIGN_OR_RETURN(engine::WorkflowSummary st, engine_.Summary(id));
  return SummaryJson(st);
}

Result<boost::json::object> WorkflowService::Get(const std::string& id, GetOptions options) {
  GOCLAW_RETURN_IF_ERROR(CheckId(id));
  GOCLAW_ASSIGN_OR_RETURN(engine::WorkflowStatus st, engine_.Get(id));
  boost::json::object out = engine::WorkflowStatusToJson(st, policy_.max_status_bytes);
  if (options.input) {
    out["input"] = nullptr;
    if (store_ != nullptr) {
      // Written with the workflow at submit, so live and evicted runs answer alike.
      GOCLAW_ASSIGN_OR_RETURN(store::SpecRecord record, StoredSpec(id));
      GOCLAW_ASSIGN_OR_RETURN(out["input"], ReadStoredJson(record.input_json, "the stored input"));
    }
  }
  return out;
}

Result<store::SpecRecord> WorkflowService::StoredSpec(const std::string& id) const {
  auto record = store_->Spec(id);
  if (!record) {
    return MakeError(ErrorCode::kUnavailable, "cannot read the spec of " + id + ": " + record.error().message());
  }
  if (!*record) return MakeError(ErrorCode::kNotFound, "no workflow \"" + id + "\"");
  return std::move(**record);
}

Result<boost::json::object> WorkflowService::Spec(const std::string& id) const {
  GOCLAW_RETURN_IF_ERROR(CheckId(id));
  if (store_ == nullptr) {
    return MakeError(ErrorCode::kFailedPrecondition, "this server keeps no store, so no specs to read back");
  }
  GOCLAW_ASSIGN_OR_RETURN(store::SpecRecord record, StoredSpec(id));
  GOCLAW_ASSIGN_OR_RETURN(boost::json::value spec, ReadStoredJson(record.spec_json, "the stored spec"));
  GOCLAW_ASSIGN_OR_RETURN(boost::json::value input, ReadStoredJson(record.input_json, "the stored input"));
  if (auto* o = spec.if_object()) (*o)["input"] = input;
  return boost::json::object{{"workflow_id", id}, {"spec", std::move(spec)}, {"input", std::move(input)}};
}

Result<boost::json::object> WorkflowService::Events(const std::string& id, std::uint64_t since) {
  GOCLAW_RETURN_IF_ERROR(CheckId(id));
  GOCLAW_ASSIGN_OR_RETURN(std::vector<engine::Event> events, engine_.Events(id));
  boost::json::array out;
  for (const auto& e : events) {
    if (e.seq > since) out.push_back(engine::EventToJson(e));
  }
  return boost::json::object{{"workflow_id", id}, {"events", std::move(out)}};
}

Result<boost::json::object> WorkflowService::TaskResult(const std::string& id, const std::string& task_id) {
  GOCLAW_RETURN_IF_ERROR(CheckId(id));
  GOCLAW_ASSIGN_OR_RETURN(engine::WorkflowStatus st, engine_.Get(id));
  auto it = std::find_if(st.tasks.begin(), st.tasks.end(), [&](const auto& t) { return t.id == task_id; });
  if (it == st.tasks.end()) {
    return MakeError(ErrorCode::kNotFound, "workflow \"" + id + "\" has no task \"" + task_id + "\"");
  }
  if (it->state != engine::TaskState::kCompleted) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "task \"" + task_id + "\" is " + std::string(engine::TaskStateName(it->state)) +
                         (it->error.empty() ? "; it has no result" : ": " + it->error));
  }
  return boost::json::object{{"workflow_id", id},
                             {"task_id", task_id},
                             {"status", "completed"},
                             {"result", std::move(it->output)}};
}

Result<boost::json::object> WorkflowService::TaskLogs(const std::string& id, const std::string& task_id,
                                                     int attempt) {
  GOCLAW_RETURN_IF_ERROR(CheckId(id));
  GOCLAW_ASSIGN_OR_RETURN(engine::TaskLogs logs, engine_.Logs(id, task_id));
  boost::json::array lines;
  for (const engine::TaskLogLine& l : logs.lines) {
    if (attempt != 0 && l.attempt != attempt) continue;
    lines.push_back(boost::json::object{{"attempt", l.attempt},
                                        {"time", engine::FormatTime(l.time)},
                                        {"stream", l.stream},
                                        {"text", l.text}});
  }
  boost::json::array truncated;
  for (int a : logs.truncated) {
    if (attempt == 0 || a == attempt) truncated.push_back(a);
  }
  return boost::json::object{{"workflow_id", id},
                             {"task_id", task_id},
                             {"lines", std::move(lines)},
                             {"truncated_attempts", std::move(truncated)}};
}

void WorkflowService::Cancel(const std::string& id, SummaryDone done) {
  if (Status s = CheckId(id); !s) {
    done(MakeError(s.error()));
    return;
  }
  engine_.CancelAsync(id, [this, id, done = std::move(done)](Status s) mutable {
    if (!s) {
      done(MakeError(s.error()));
      return;
    }
    done(Summary(id));
  });
}

}  // namespace goclaw::service
