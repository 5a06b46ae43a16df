// SubmitWorkflowRequest -> spec text (submit_request.h).
#include "goclaw/api/grpc/submit_request.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "goclaw/core/document.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/core/json_text.h"
#include "goclaw/service/errors.h"

namespace goclaw::api::grpc {
namespace {

// Reads a JSON text field that must hold an object; "" is {}.
boost::json::object ObjectField(const std::string& text, const std::string& path, Diagnostics& diag, bool* malformed) {
  if (text.empty()) return {};
  auto parsed = ParseJsonText(text, path);
  if (!parsed) {
    diag.Add(path, "is not valid JSON: " + parsed.error().message());
    *malformed = true;
    return {};
  }
  if (!parsed->is_object()) {
    diag.Add(path, "expected a JSON object, got " + DescribeJson(*parsed));
    return {};
  }
  return std::move(parsed->get_object());
}

std::string Ms(std::int64_t ms) { return std::to_string(ms) + "ms"; }

boost::json::object TaskJson(const v1::TaskDefinition& t, const std::string& path, Diagnostics& diag, bool* malformed) {
  boost::json::object task;
  task["id"] = t.id();
  if (!t.name().empty()) task["name"] = t.name();
  if (t.dependencies_size() > 0) {
    boost::json::array deps;
    for (const std::string& d : t.dependencies()) deps.emplace_back(d);
    task["depends_on"] = std::move(deps);
  }
  if (!t.type().empty()) task["type"] = t.type();
  if (!t.config_json().empty()) task["config"] = ObjectField(t.config_json(), path + ".config_json", diag, malformed);
  if (t.timeout_ms() < 0) diag.Add(path + ".timeout_ms", "must not be negative (0: no timeout)");
  if (t.timeout_ms() > 0) task["timeout"] = Ms(t.timeout_ms());
  if (t.has_retries()) {
    const v1::RetryPolicy& r = t.retries();
    boost::json::object retries{{"max", r.max_retries()}};
    if (!r.backoff().empty()) retries["backoff"] = r.backoff();
    if (r.initial_delay_ms() < 0) diag.Add(path + ".retries.initial_delay_ms", "must not be negative");
    if (r.max_delay_ms() < 0) diag.Add(path + ".retries.max_delay_ms", "must not be negative");
    if (r.initial_delay_ms() > 0) retries["initial"] = Ms(r.initial_delay_ms());
    if (r.max_delay_ms() > 0) retries["max_delay"] = Ms(r.max_delay_ms());
    task["retries"] = std::move(retries);
  }
  if (!t.lane().empty()) task["lane"] = t.lane();
  return task;
}

void MergeStrings(const google::protobuf::Map<std::string, std::string>& from, boost::json::value& into) {
  if (from.empty()) return;
  if (into.is_null()) into.emplace_object();
  boost::json::object* o = into.if_object();
  if (o == nullptr) return;  // not an object: the spec's own problem, Prepare reports it
  for (const auto& [k, v] : from) (*o)[k] = v;
}

Error RequestError(const Diagnostics& diag, bool malformed) {
  Error e = diag.ToError("workflow request");
  if (malformed) e.WithReason(std::string(service::kReasonMalformed));
  return e;
}

// The spec text with the request's name, metadata and input applied to it.
Result<std::string> OverrideSpec(const v1::SubmitWorkflowRequest& request, const service::WorkflowService& workflows) {
  Diagnostics diag;
  bool malformed = false;
  boost::json::object input = ObjectField(request.input_json(), "input_json", diag, &malformed);
  if (!diag.empty()) return MakeError(RequestError(diag, malformed));
  GOCLAW_ASSIGN_OR_RETURN(Document doc, workflows.ReadSpec(request.spec(), DocumentFormat::kAuto));
  boost::json::object* root = doc.root.if_object();
  if (root == nullptr) return JsonText(doc.root);  // Prepare says what is wrong with it
  if (!request.name().empty()) (*root)["name"] = request.name();
  if (!request.metadata().empty()) MergeStrings(request.metadata(), (*root)["metadata"]);
  if (!input.empty()) {
    boost::json::value& spec_input = (*root)["input"];
    if (spec_input.is_null()) spec_input.emplace_object();
    if (boost::json::object* o = spec_input.if_object()) {
      for (auto& kv : input) (*o)[kv.key()] = std::move(kv.value());
    }
  }
  return JsonText(doc.root);
}

}  // namespace

Result<service::SubmitRequest> ToSubmitRequest(const v1::SubmitWorkflowRequest& request,
                                               const service::WorkflowService& workflows, std::string_view lineage) {
  service::SubmitRequest out;
  out.lineage = std::string(lineage);
  if (!request.spec().empty()) {
    if (request.tasks_size() > 0) {
      Diagnostics diag;
      diag.Add("tasks", "give the tasks in `spec` or in `tasks`, not both");
      return MakeError(RequestError(diag, false));
    }
    out.format = DocumentFormat::kAuto;
    if (request.name().empty() && request.metadata().empty() && request.input_json().empty()) {
      out.spec = request.spec();
      return out;
    }
    GOCLAW_ASSIGN_OR_RETURN(out.spec, OverrideSpec(request, workflows));
    out.format = DocumentFormat::kJson;
    return out;
  }
  Diagnostics diag;
  bool malformed = false;
  if (request.tasks_size() == 0) diag.Add("tasks", "is required: give a whole spec in `spec`, or at least one task");
  boost::json::object spec;
  if (!request.name().empty()) spec["name"] = request.name();
  boost::json::value metadata;
  MergeStrings(request.metadata(), metadata);
  boost::json::array tasks;
  boost::json::object task_metadata;
  for (int i = 0; i < request.tasks_size(); ++i) {
    const v1::TaskDefinition& t = request.tasks(i);
    const std::string path = IndexPath("tasks", static_cast<std::size_t>(i));
    tasks.push_back(TaskJson(t, path, diag, &malformed));
    if (!t.metadata().empty()) {
      boost::json::value m;
      MergeStrings(t.metadata(), m);
      task_metadata[t.id()] = std::move(m);
    }
  }
  if (!task_metadata.empty()) {
    if (metadata.is_null()) metadata.emplace_object();
    metadata.as_object()["task_metadata"] = std::move(task_metadata);
  }
  boost::json::object input = ObjectField(request.input_json(), "input_json", diag, &malformed);
  if (!diag.empty()) return MakeError(RequestError(diag, malformed));
  if (!metadata.is_null()) spec["metadata"] = std::move(metadata);
  if (!input.empty()) spec["input"] = std::move(input);
  spec["tasks"] = std::move(tasks);
  out.spec = JsonText(spec);
  out.format = DocumentFormat::kJson;
  return out;
}

}  // namespace goclaw::api::grpc
