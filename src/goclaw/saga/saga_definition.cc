// Reading a saga document (saga_definition.h).
#include "goclaw/saga/saga_definition.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "goclaw/core/suggest.h"

namespace goclaw::saga {
namespace {

constexpr std::array<std::string_view, 6> kCompensateKeys{"type", "config", "timeout", "retries", "lane", "priority"};
constexpr std::array<std::string_view, 5> kReferenceStepKeys{"delay_ms", "should_fail", "timeout_ms",
                                                             "enable_compensation", "skip_compensation"};

std::optional<std::int64_t> PositiveInt(const boost::json::value& v, std::int64_t min) {
  if (v.is_int64() && v.get_int64() >= min) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  return std::nullopt;
}

// "  Manual " -> "manual" (the reference reads its policy this way).
std::string Normalized(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string MsText(std::int64_t ms) { return std::to_string(ms) + "ms"; }

// A reference step (delay_ms, should_fail, ...) as a builtin task with a builtin compensation.
void MapReferenceStep(boost::json::object& task, const std::string& path, Diagnostics& diag) {
  bool any = false;
  for (auto key : kReferenceStepKeys) any |= task.contains(key);
  if (!any) return;
  std::int64_t delay = 0;
  bool should_fail = false, enable = false, skip = false;
  if (const auto* v = task.if_contains("delay_ms")) {
    auto n = PositiveInt(*v, 0);
    if (!n) diag.Add(JoinPath(path, "delay_ms"), "expected a whole number of milliseconds >= 0, got " + DescribeJson(*v));
    delay = n.value_or(0);
  }
  auto flag = [&](std::string_view key, bool* out) {
    if (const auto* v = task.if_contains(key)) {
      if (!v->is_bool()) diag.Add(JoinPath(path, key), "expected true or false, got " + DescribeJson(*v));
      *out = v->is_bool() && v->get_bool();
    }
  };
  flag("should_fail", &should_fail);
  flag("enable_compensation", &enable);
  flag("skip_compensation", &skip);
  if (const auto* v = task.if_contains("timeout_ms")) {
    auto n = PositiveInt(*v, 1);
    if (!n) diag.Add(JoinPath(path, "timeout_ms"), "expected a whole number of milliseconds >= 1, got " + DescribeJson(*v));
    if (n && !task.contains("timeout")) task["timeout"] = MsText(*n);
  }
  const bool synthetic = task.contains("delay_ms") || task.contains("should_fail");
  if (synthetic && (task.contains("type") || task.contains("config"))) {
    diag.Add(JoinPath(path, "should_fail"),
             "delay_ms and should_fail describe a synthetic step; give either them or type and config");
  } else if (synthetic || !task.contains("type")) {
    const std::string id = task.contains("id") && task.at("id").is_string() ? std::string(task.at("id").get_string()) : "";
    task["type"] = "builtin";
    if (should_fail) {
      task["config"] = boost::json::object{{"op", "fail"}, {"message", "step " + id + " failed by request"}};
    } else if (delay > 0) {
      task["config"] = boost::json::object{{"op", "sleep"}, {"duration", MsText(delay)}};
    } else {
      task["config"] = boost::json::object{{"op", "echo"}, {"step_id", id}, {"status", "ok"}};
    }
  }
  if (skip) {
    task.erase("compensate");
  } else if (enable && !task.contains("compensate")) {
    task["compensate"] = boost::json::object{
        {"type", "builtin"},
        {"config", delay > 0 ? boost::json::object{{"op", "sleep"}, {"duration", MsText(delay)}}
                             : boost::json::object{{"op", "noop"}}}};
  }
  for (auto key : kReferenceStepKeys) task.erase(key);
}

void TakeCompensate(boost::json::object& task, const std::string& path, const std::string& id, SagaDefinition& d,
                    Diagnostics& diag) {
  Compensation c;
  bool has = false;
  if (const auto* v = task.if_contains("compensate")) {
    const std::string cpath = JoinPath(path, "compensate");
    if (!v->is_object()) {
      diag.Add(cpath, "expected a task {type, config, timeout, retries, lane}, got " + DescribeJson(*v));
    } else {
      for (const auto& kv : v->get_object()) {
        if (std::find(kCompensateKeys.begin(), kCompensateKeys.end(), kv.key()) == kCompensateKeys.end()) {
          diag.Add(JoinPath(cpath, kv.key()), "unknown key; accepted: type, config, timeout, retries, lane, priority" +
                                                  DidYouMean(kv.key(), kCompensateKeys));
        }
      }
      c.task = v->get_object();
      has = true;
    }
    task.erase("compensate");
  }
  if (const auto* v = task.if_contains("on_compensation_failure")) {
    const std::string fpath = JoinPath(path, "on_compensation_failure");
    if (v->is_string() && v->get_string() == "retry") {
      c.on_failure = OnCompensationFailure::kRetry;
    } else if (v->is_string() && v->get_string() == "fail") {
      c.on_failure = OnCompensationFailure::kFail;
    } else {
      diag.Add(fpath, "expected retry or fail, got " + DescribeJson(*v));
    }
    if (!has && !task.contains("compensate")) diag.Add(fpath, "this step has no compensate block");
    task.erase("on_compensation_failure");
  }
  if (const auto* v = task.if_contains("on_failure"); v && !(v->is_string() && v->get_string() == "fail")) {
    diag.Add(JoinPath(path, "on_failure"),
             "a saga stops at its first failed step, so on_failure may only be fail, got " + DescribeJson(*v));
  }
  if (has && !id.empty()) d.compensations[id] = std::move(c);
}

}  // namespace

SagaDefinition TakeSagaKeys(Document& doc, Diagnostics& diag) {
  SagaDefinition d;
  boost::json::object* root = doc.root.if_object();
  if (root == nullptr) {
    diag.Add("", "expected a saga spec (an object with name and tasks), got " + DescribeJson(doc.root));
    return d;
  }
  if (const auto* v = root->if_contains("policy")) {
    std::string p = v->is_string() ? Normalized(v->get_string()) : "";
    if (p == "auto") d.policy = Policy::kAuto;
    else if (p == "manual") d.policy = Policy::kManual;
    else if (p == "skip") d.policy = Policy::kSkip;
    else diag.Add("policy", "expected auto, manual or skip, got " + DescribeJson(*v));
    root->erase("policy");
  }
  {
    // Only the saga's duration keys (a reader reports every key it did not read).
    boost::json::object durations;
    for (auto key : {"timeout", "compensation_timeout"}) {
      if (const auto* v = root->if_contains(key)) durations[key] = *v;
    }
    const boost::json::value view(std::move(durations));
    ObjectReader r(view, "", diag);
    Millis timeout{0};
    if (r.Has("timeout") && r.Duration("timeout", &timeout)) d.timeout = timeout;
    r.Duration("compensation_timeout", &d.compensation_timeout);
  }
  if (const auto* v = root->if_contains("timeout_ms")) {
    auto n = PositiveInt(*v, 1);
    if (!n) diag.Add("timeout_ms", "expected a whole number of milliseconds >= 1, got " + DescribeJson(*v));
    if (root->contains("timeout")) diag.Add("timeout_ms", "give timeout or timeout_ms, not both");
    if (n) d.timeout = Millis(*n);
  }
  if (d.timeout && d.timeout->count() <= 0) diag.Add("timeout", "must be longer than 0");
  if (d.compensation_timeout.count() <= 0) diag.Add("compensation_timeout", "must be longer than 0");
  if (const auto* v = root->if_contains("step_timeout_ms")) {
    auto n = PositiveInt(*v, 1);
    if (!n) {
      diag.Add("step_timeout_ms", "expected a whole number of milliseconds >= 1, got " + DescribeJson(*v));
    } else {
      boost::json::value& defaults = (*root)["defaults"];
      if (defaults.is_null()) defaults = boost::json::object();
      if (auto* o = defaults.if_object(); o && !o->contains("timeout")) (*o)["timeout"] = MsText(*n);
    }
  }
  for (auto key : {"timeout", "timeout_ms", "compensation_timeout", "step_timeout_ms"}) root->erase(key);
  if (root->contains("steps")) {
    if (root->contains("tasks")) {
      diag.Add("steps", "give tasks or steps (the same list), not both");
    } else {
      (*root)["tasks"] = std::move((*root)["steps"]);
    }
    root->erase("steps");
  }
  if (const auto* n = root->if_contains("name"); n && n->is_string()) d.name = std::string(n->get_string());
  if (auto* tasks = root->if_contains("tasks"); tasks && tasks->is_array()) {
    auto& list = tasks->get_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      auto* task = list[i].if_object();
      if (task == nullptr) continue;  // the workflow loader says what is wrong with it
      const std::string path = IndexPath("tasks", i);
      const auto* idv = task->if_contains("id");
      const std::string id = idv && idv->is_string() ? std::string(idv->get_string()) : "";
      MapReferenceStep(*task, path, diag);
      TakeCompensate(*task, path, id, d, diag);
    }
  }
  return d;
}

std::vector<std::string> SagaDefinition::Steps() const {
  std::vector<std::string> out;
  if (const auto* tasks = workflow.if_contains("tasks"); tasks && tasks->is_array()) {
    for (const auto& t : tasks->get_array()) {
      if (const auto* id = t.is_object() ? t.get_object().if_contains("id") : nullptr; id && id->is_string()) {
        out.emplace_back(id->get_string());
      }
    }
  }
  return out;
}

std::map<std::string, std::vector<std::string>> SagaDefinition::Dependencies() const {
  std::map<std::string, std::vector<std::string>> out;
  if (const auto* tasks = workflow.if_contains("tasks"); tasks && tasks->is_array()) {
    for (const auto& t : tasks->get_array()) {
      if (!t.is_object()) continue;
      const auto* id = t.get_object().if_contains("id");
      if (id == nullptr || !id->is_string()) continue;
      auto& deps = out[std::string(id->get_string())];
      const auto* d = t.get_object().if_contains("depends_on");
      if (d == nullptr) continue;
      if (d->is_string()) deps.emplace_back(d->get_string());
      if (d->is_array()) {
        for (const auto& dep : d->get_array()) {
          if (dep.is_string()) deps.emplace_back(dep.get_string());
        }
      }
    }
  }
  return out;
}

boost::json::object DefinitionToJson(const SagaDefinition& d) {
  boost::json::object comps;
  for (const auto& [step, c] : d.compensations) {
    comps[step] = boost::json::object{{"task", c.task}, {"on_failure", OnCompensationFailureName(c.on_failure)}};
  }
  boost::json::object out{{"name", d.name},
                          {"policy", PolicyName(d.policy)},
                          {"compensation_timeout_ms", d.compensation_timeout.count()},
                          {"workflow", d.workflow},
                          {"compensations", std::move(comps)}};
  if (d.timeout) out["timeout_ms"] = d.timeout->count();
  return out;
}

Result<SagaDefinition> DefinitionFromJson(const boost::json::value& v) {
  auto bad = [](std::string what) { return MakeError(ErrorCode::kInternal, "stored saga definition: " + what); };
  const auto* o = v.if_object();
  if (o == nullptr) return bad("not an object");
  SagaDefinition d;
  try {
    d.name = std::string(o->at("name").as_string());
    const std::string_view policy = o->at("policy").as_string();
    d.policy = policy == "manual" ? Policy::kManual : policy == "skip" ? Policy::kSkip : Policy::kAuto;
    d.compensation_timeout = Millis(o->at("compensation_timeout_ms").to_number<std::int64_t>());
    if (const auto* t = o->if_contains("timeout_ms")) d.timeout = Millis(t->to_number<std::int64_t>());
    d.workflow = o->at("workflow").as_object();
    for (const auto& kv : o->at("compensations").as_object()) {
      Compensation c;
      c.task = kv.value().at("task").as_object();
      c.on_failure = kv.value().at("on_failure").as_string() == "fail" ? OnCompensationFailure::kFail
                                                                       : OnCompensationFailure::kRetry;
      d.compensations[std::string(kv.key())] = std::move(c);
    }
  } catch (const std::exception& e) {
    return bad(e.what());
  }
  return d;
}

}  // namespace goclaw::saga
