// Template references, lanes and functions of a compiled plan.
#include "goclaw/dag/spec_checks.h"

#include <algorithm>
#include <span>
#include <vector>

#include "goclaw/core/document.h"
#include "goclaw/core/suggest.h"
#include "goclaw/core/text.h"

namespace goclaw::dag {
namespace {

using Index = Plan::Index;

// Work bound for the upstream checks (edges visited); a spec past it is not checked for
// non-upstream references (the engine still fails such a task when it starts).
constexpr std::size_t kMaxUpstreamWork = 50'000'000;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// A {{tasks.<id>...}} placeholder: where it is and what it names.
struct TaskReference {
  Index task;               // the task whose config holds it
  std::string path;         // "tasks[2].config.args.text"
  std::string placeholder;  // "tasks.x.output.body"
  std::string id;           // "x"
};

class ReferenceScanner {
 public:
  ReferenceScanner(Index task, Diagnostics& diag, std::vector<TaskReference>& out)
      : task_(task), diag_(diag), out_(out) {}

  void ScanObject(const boost::json::object& o, const std::string& path) {
    for (const auto& kv : o) Scan(kv.value(), JoinPath(path, kv.key()));
  }

  void Scan(const boost::json::value& v, const std::string& path) {
    if (const auto* s = v.if_string()) {
      ScanString(*s, path);
    } else if (const auto* o = v.if_object()) {
      ScanObject(*o, path);
    } else if (const auto* a = v.if_array()) {
      for (std::size_t i = 0; i < a->size(); ++i) Scan((*a)[i], IndexPath(path, i));
    }
  }

 private:
  // The same placeholder syntax as engine/templating.cc: "{{" expr "}}", spaces trimmed.
  void ScanString(std::string_view s, const std::string& path) {
    std::size_t pos = 0;
    while (true) {
      const std::size_t open = s.find("{{", pos);
      if (open == std::string_view::npos) return;
      const std::size_t close = s.find("}}", open + 2);
      if (close == std::string_view::npos) return;
      Check(Trim(s.substr(open + 2, close - open - 2)), path);
      pos = close + 2;
    }
  }

  void Check(std::string_view e, const std::string& path) {
    const std::string shown = "{{" + std::string(e) + "}}";
    if (e == "input" || e.rfind("input.", 0) == 0) return;
    if (e.rfind("tasks.", 0) != 0) {
      diag_.Add(path, shown +
                          " is not a reference goclaw knows; use {{input.<path>}} or "
                          "{{tasks.<id>.output.<path>}}");
      return;
    }
    std::string_view rest = e.substr(6);
    const std::size_t dot = rest.find('.');
    std::string_view id = rest.substr(0, dot);
    std::string_view after = dot == std::string_view::npos ? "" : rest.substr(dot + 1);
    if (id.empty() || (after != "output" && after.rfind("output.", 0) != 0)) {
      diag_.Add(path, shown + ": expected {{tasks.<id>.output}} or {{tasks.<id>.output.<path>}}");
      return;
    }
    out_.push_back({task_, path, std::string(e), std::string(id)});
  }

  Index task_;
  Diagnostics& diag_;
  std::vector<TaskReference>& out_;
};

// For each referenced task, the tasks downstream of it (transitively), marked by a walk over
// the downstream edges; a reference is good when its user is among them.
void CheckReferences(const Plan& plan, std::vector<TaskReference>& refs, Diagnostics& diag) {
  std::vector<std::string> ids;
  auto suggest = [&](std::string_view id) {
    if (ids.empty()) {
      ids.reserve(plan.task_count());
      for (const TaskSpec& t : plan.spec().tasks) ids.push_back(t.id);
    }
    auto near = NearestName(id, std::span<const std::string>(ids));
    return near ? "; did you mean \"" + std::string(*near) + "\"?" : std::string();
  };
  // Group by the referenced task so that each one is walked once.
  std::stable_sort(refs.begin(), refs.end(),
                   [](const TaskReference& a, const TaskReference& b) { return a.id < b.id; });
  // mark[t] == stamp: t is downstream of the current target.
  std::vector<std::uint32_t> mark(plan.task_count(), 0);
  std::uint32_t stamp = 0;
  std::size_t work = 0;
  std::vector<Index> stack;
  for (std::size_t k = 0; k < refs.size();) {
    std::size_t end = k;
    while (end < refs.size() && refs[end].id == refs[k].id) ++end;
    const std::string& id = refs[k].id;
    const std::optional<Index> target = plan.Find(id);
    if (!target) {
      for (std::size_t r = k; r < end; ++r) {
        diag.Add(refs[r].path, "{{" + refs[r].placeholder + "}} refers to " + QuoteForMessage(id) +
                                   ", which is not a task of this workflow" + suggest(id));
      }
      k = end;
      continue;
    }
    if (work <= kMaxUpstreamWork) {
      ++stamp;
      stack.assign(1, *target);
      while (!stack.empty()) {
        const Index t = stack.back();
        stack.pop_back();
        for (Index d : plan.downstream(t)) {
          ++work;
          if (mark[d] == stamp) continue;
          mark[d] = stamp;
          stack.push_back(d);
        }
      }
      for (std::size_t r = k; r < end; ++r) {
        if (mark[refs[r].task] == stamp) continue;
        const std::string& user = plan.task(refs[r].task).id;
        diag.Add(refs[r].path, "{{" + refs[r].placeholder + "}} refers to " + QuoteForMessage(id) +
                                   (refs[r].task == *target
                                        ? ", the task itself"
                                        : ", which is not upstream of " + QuoteForMessage(user)) +
                                   "; add it to depends_on of " + QuoteForMessage(user) +
                                   " (directly or through another dependency)");
      }
    }
    k = end;
  }
}

}  // namespace

void CheckPlan(const Plan& plan, const RunEnvironment& env, Diagnostics& diag) {
  std::vector<TaskReference> refs;
  for (Index i = 0; i < plan.task_count(); ++i) {
    const TaskSpec& task = plan.task(i);
    const std::string path = IndexPath("tasks", i);
    if (!task.config.empty()) {
      ReferenceScanner(i, diag, refs).ScanObject(task.config, JoinPath(path, "config"));
    }
    // 0 would time every attempt out at once; negative durations are refused when decoding.
    if (task.timeout && task.timeout->count() <= 0) {
      diag.Add(JoinPath(path, "timeout"),
               "must be more than 0 (e.g. 30s); leave timeout out (here and in defaults) for no "
               "timeout");
    }
    if (env.lane_problem) {
      if (auto problem = env.lane_problem(task.lane)) diag.Add(JoinPath(path, "lane"), *problem);
    }
  }
  if (!refs.empty()) CheckReferences(plan, refs, diag);
}

}  // namespace goclaw::dag
