// Field-by-field decoding of workflow specs.
#include "goclaw/dag/spec_decoder.h"

#include <algorithm>
#include <array>

#include "goclaw/core/names.h"
#include "goclaw/core/suggest.h"
#include "goclaw/core/text.h"

namespace goclaw::dag {
namespace {

constexpr std::array<std::string_view, 2> kBackoffs{"fixed", "exponential"};
constexpr std::array<std::string_view, 2> kOnFailure{"fail", "continue"};
constexpr std::array<std::string_view, 2> kOnInterrupt{"fail", "restart"};
constexpr std::int64_t kMaxRetries = 1000;
constexpr std::int64_t kMaxPriority = 1000000;
constexpr double kMaxEstimate = 1e12;
constexpr std::size_t kMaxNameLength = 256;

bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.';
}

// Settings that `defaults` supplies to tasks that do not set them.
struct TaskDefaults {
  std::optional<std::string> type;
  std::optional<Millis> timeout;
  std::optional<RetryPolicy> retries;
  std::optional<std::string> lane;
  std::optional<std::int64_t> priority;
  std::optional<OnFailure> on_failure;
};

// The form of the name only: which types exist is checked against the executor registry
// (task_types.h), which also resolves aliases.
bool DecodeType(ObjectReader& r, std::string* out) {
  const boost::json::value* v = r.Get("type");
  if (v == nullptr) return false;
  if (!v->is_string()) {
    r.diag().Add(r.PathOf("type"), "expected a task type name (e.g. builtin, function, http, exec), got " +
                                       DescribeJson(*v));
    return false;
  }
  std::string name(v->get_string());
  if (!IsValidTaskTypeName(name)) {
    r.diag().Add(r.PathOf("type"), "invalid task type " + QuoteForMessage(name) +
                                       "; a type name is lower-case letters, digits, '_' and '-', "
                                       "starting with a letter (e.g. builtin, http, exec)");
    return false;
  }
  *out = std::move(name);
  return true;
}

// `retries`: a count of retries, or a policy object.
bool DecodeRetries(ObjectReader& r, RetryPolicy* out) {
  const boost::json::value* v = r.Get("retries");
  if (v == nullptr) return false;
  std::string path = r.PathOf("retries");
  Diagnostics& diag = r.diag();
  if (v->is_object()) {
    RetryPolicy p;
    ObjectReader pr(*v, path, diag, "retries");
    std::string backoff = "exponential";
    bool ok = pr.Int("max", &p.max_retries, 0, kMaxRetries);
    ok &= pr.Enum("backoff", &backoff, kBackoffs);
    ok &= pr.Duration("initial", &p.initial);
    ok &= pr.Duration("max_delay", &p.max_delay);
    ok &= pr.Double("multiplier", &p.multiplier, 1.0, 100.0);
    ok &= pr.Bool("jitter", &p.jitter);
    p.backoff = backoff == "fixed" ? Backoff::kFixed : Backoff::kExponential;
    if (ok && p.max_delay < p.initial) {
      diag.Add(JoinPath(path, "max_delay"), "must not be shorter than initial (" +
                                                FormatDuration(p.initial) + ")");
      ok = false;
    }
    if (ok) *out = p;
    return ok;
  }
  double count = 0;
  if (JsonNumber(*v, &count)) {
    if (count < 0 || count > kMaxRetries || count != static_cast<double>(static_cast<std::int64_t>(count))) {
      diag.Add(path, "expected a retry count from 0 to " + std::to_string(kMaxRetries) +
                         " or a policy {max, backoff, initial, max_delay}, got " +
                         DescribeJson(*v));
      return false;
    }
    out->max_retries = static_cast<std::int64_t>(count);
    return true;
  }
  diag.Add(path, "expected a retry count or a policy {max, backoff, initial, max_delay}, got " +
                     DescribeJson(*v));
  return false;
}

bool DecodeOnFailure(ObjectReader& r, OnFailure* out) {
  std::string s;
  if (!r.Enum("on_failure", &s, kOnFailure) || !r.Has("on_failure")) return false;
  *out = s == "continue" ? OnFailure::kContinue : OnFailure::kFail;
  return true;
}

bool DecodeLane(ObjectReader& r, std::string* out) {
  std::string lane;
  if (!r.String("lane", &lane) || !r.Has("lane")) return false;
  if (!IsValidLaneName(lane)) {
    r.diag().Add(r.PathOf("lane"),
                 "invalid lane name " + QuoteForMessage(lane) + "; " + std::string(kLaneNameRule));
    return false;
  }
  *out = std::move(lane);
  return true;
}

TaskDefaults DecodeDefaults(const boost::json::value& v, Diagnostics& diag) {
  TaskDefaults d;
  ObjectReader r(v, "defaults", diag, "defaults");
  std::string type;
  if (DecodeType(r, &type)) d.type = std::move(type);
  Millis timeout{0};
  if (r.Duration("timeout", &timeout) && r.Has("timeout")) d.timeout = timeout;
  RetryPolicy retries;
  if (DecodeRetries(r, &retries)) d.retries = retries;
  std::string lane;
  if (DecodeLane(r, &lane)) d.lane = lane;
  std::int64_t priority = 0;
  if (r.Int("priority", &priority, -kMaxPriority, kMaxPriority) && r.Has("priority")) {
    d.priority = priority;
  }
  OnFailure on_failure;
  if (DecodeOnFailure(r, &on_failure)) d.on_failure = on_failure;
  return d;
}

void DecodeDependsOn(ObjectReader& r, const SpecLimits& limits, TaskSpec& task) {
  const boost::json::value* v = r.Get("depends_on");
  if (v == nullptr || v->is_null()) return;
  // Paths are built only for problems: this runs once per task of specs with 1M tasks.
  auto path = [&r] { return r.PathOf("depends_on"); };
  if (v->is_string()) {  // a single dependency may be written without a list
    task.depends_on.emplace_back(v->get_string());
    return;
  }
  const boost::json::array* arr = v->if_array();
  if (arr == nullptr) {
    r.diag().Add(path(), "expected a list of task ids, got " + DescribeJson(*v));
    return;
  }
  if (arr->size() > limits.max_deps_per_task) {
    r.diag().Add(path(), "has " + std::to_string(arr->size()) + " dependencies; the limit is " +
                             std::to_string(limits.max_deps_per_task));
    return;
  }
  task.depends_on.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const boost::json::value& dep = (*arr)[i];
    if (!dep.is_string()) {
      r.diag().Add(IndexPath(path(), i), "expected a task id (string), got " + DescribeJson(dep));
      continue;
    }
    task.depends_on.emplace_back(dep.get_string());
  }
}

TaskSpec DecodeTask(const boost::json::value& v, const std::string& path,
                    const TaskDefaults& defaults, const SpecLimits& limits, Diagnostics& diag) {
  TaskSpec task;
  ObjectReader r(v, path, diag, "a task");
  if (!r.is_object()) return task;

  if (r.String("id", &task.id, /*required=*/true) && r.Has("id")) {
    if (task.id.empty()) {
      diag.Add(r.PathOf("id"), "must not be empty");
    } else if (task.id.size() > limits.max_id_length) {
      diag.Add(r.PathOf("id"), "is " + std::to_string(task.id.size()) +
                                   " characters long; the limit is " +
                                   std::to_string(limits.max_id_length));
    } else if (!IsValidTaskId(task.id)) {
      diag.Add(r.PathOf("id"),
               "invalid task id " + QuoteForMessage(task.id) +
                   "; use letters, digits, '_', '-' and '.', starting with a letter, digit or "
                   "'_'");
    }
  }
  if (r.String("name", &task.name) && task.name.size() > kMaxNameLength) {
    diag.Add(r.PathOf("name"), "is longer than " + std::to_string(kMaxNameLength) + " characters");
  }
  if (task.name.empty()) task.name = task.id;

  if (!DecodeType(r, &task.type) && !r.Has("type") && defaults.type) task.type = *defaults.type;
  DecodeDependsOn(r, limits, task);
  r.Object("config", &task.config);

  Millis timeout{0};
  if (r.Duration("timeout", &timeout) && r.Has("timeout")) {
    task.timeout = timeout;
  } else if (!r.Has("timeout")) {
    task.timeout = defaults.timeout;
  }
  if (!DecodeRetries(r, &task.retries) && !r.Has("retries") && defaults.retries) {
    task.retries = *defaults.retries;
  }
  if (!DecodeLane(r, &task.lane) && !r.Has("lane") && defaults.lane) task.lane = *defaults.lane;
  if (r.Int("priority", &task.priority, -kMaxPriority, kMaxPriority) && !r.Has("priority") &&
      defaults.priority) {
    task.priority = *defaults.priority;
  }
  if (r.String("session", &task.session) && task.session.size() > kMaxNameLength) {
    diag.Add(r.PathOf("session"), "is longer than " + std::to_string(kMaxNameLength) +
                                      " characters");
  }
  r.Double("estimate", &task.estimate, 0.0, kMaxEstimate);
  if (!DecodeOnFailure(r, &task.on_failure) && !r.Has("on_failure") && defaults.on_failure) {
    task.on_failure = *defaults.on_failure;
  }
  std::string on_interrupt;
  if (r.Enum("on_interrupt", &on_interrupt, kOnInterrupt) && r.Has("on_interrupt")) {
    task.on_interrupt = on_interrupt == "restart" ? OnInterrupt::kRestart : OnInterrupt::kFail;
  }
  r.Allow({"description"});

  return task;
}

}  // namespace

bool IsValidTaskId(std::string_view id) {
  if (id.empty()) return false;
  char first = id.front();
  if (first == '-' || first == '.') return false;
  for (char c : id) {
    if (!IsIdChar(c)) return false;
  }
  return true;
}

WorkflowSpec DecodeSpec(const boost::json::value& root, const SpecLimits& limits,
                        Diagnostics& diag) {
  WorkflowSpec spec;
  ObjectReader r(root, "", diag, "the workflow spec");
  if (!r.is_object()) return spec;

  if (r.String("name", &spec.name) && spec.name.size() > kMaxNameLength) {
    diag.Add("name", "is longer than " + std::to_string(kMaxNameLength) + " characters");
  }
  r.String("description", &spec.description);
  r.Object("metadata", &spec.metadata);
  r.Object("input", &spec.input);

  TaskDefaults defaults;
  if (const boost::json::value* d = r.Get("defaults")) defaults = DecodeDefaults(*d, diag);

  const boost::json::value* tasks = r.Get("tasks");
  if (tasks == nullptr) {
    diag.Add("tasks", "is required: list the workflow's tasks");
    return spec;
  }
  const boost::json::array* arr = tasks->if_array();
  if (arr == nullptr) {
    diag.Add("tasks", "expected a list of tasks, got " + DescribeJson(*tasks));
    return spec;
  }
  if (arr->empty()) {
    diag.Add("tasks", "must contain at least one task");
    return spec;
  }
  if (arr->size() > limits.max_tasks) {
    diag.Add("tasks", "has " + std::to_string(arr->size()) + " tasks; the limit is " +
                          std::to_string(limits.max_tasks) + " (dag.max_tasks)");
    return spec;
  }
  spec.tasks.reserve(arr->size());
  for (std::size_t i = 0; i < arr->size(); ++i) {
    spec.tasks.push_back(DecodeTask((*arr)[i], IndexPath("tasks", i), defaults, limits, diag));
  }
  return spec;
}

}  // namespace goclaw::dag
