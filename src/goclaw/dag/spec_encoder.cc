// Spec -> document; the exact text is core/json_text.h.
#include "goclaw/dag/spec_encoder.h"

#include <string_view>

#include <boost/json/value.hpp>

#include "goclaw/core/duration.h"
#include "goclaw/core/json_text.h"

namespace goclaw::dag {
namespace {

std::string_view OnFailureName(OnFailure f) {
  return f == OnFailure::kContinue ? "continue" : "fail";
}

boost::json::object RetriesToJson(const RetryPolicy& p) {
  boost::json::object out;
  out.reserve(6);
  out["max"] = p.max_retries;
  out["backoff"] = BackoffName(p.backoff);
  out["initial"] = FormatDuration(p.initial);
  out["max_delay"] = FormatDuration(p.max_delay);
  out["multiplier"] = p.multiplier;
  out["jitter"] = p.jitter;
  return out;
}

boost::json::object TaskToJson(const TaskSpec& task) {
  boost::json::object out;
  out.reserve(12);
  out["id"] = task.id;
  out["name"] = task.name;
  out["type"] = task.type;
  boost::json::array& deps = out["depends_on"].emplace_array();
  deps.reserve(task.depends_on.size());
  for (const std::string& dep : task.depends_on) deps.emplace_back(dep);
  out["config"] = task.config;
  if (task.timeout) out["timeout"] = FormatDuration(*task.timeout);
  out["retries"] = RetriesToJson(task.retries);
  out["lane"] = task.lane;
  out["priority"] = task.priority;
  if (!task.session.empty()) out["session"] = task.session;
  out["estimate"] = task.estimate;
  out["on_failure"] = OnFailureName(task.on_failure);
  if (task.on_interrupt == OnInterrupt::kRestart) out["on_interrupt"] = "restart";
  return out;
}

}  // namespace

boost::json::object SpecToJson(const WorkflowSpec& spec) {
  boost::json::object out;
  out.reserve(5);
  out["name"] = spec.name;
  out["description"] = spec.description;
  out["metadata"] = spec.metadata;
  out["input"] = spec.input;
  boost::json::array& tasks = out["tasks"].emplace_array();
  tasks.reserve(spec.tasks.size());
  for (const TaskSpec& task : spec.tasks) tasks.emplace_back(TaskToJson(task));
  return out;
}

std::string SpecToJsonText(const WorkflowSpec& spec) {
  boost::json::value doc = SpecToJson(spec);
  return JsonText(doc);
}

}  // namespace goclaw::dag
