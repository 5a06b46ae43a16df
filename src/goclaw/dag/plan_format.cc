// Text, JSON and DOT renderings of a Plan.
#include "goclaw/dag/plan_format.h"

#include <cstdio>
#include <vector>

#include <boost/json/array.hpp>

namespace goclaw::dag {
namespace {

std::string FormatNumber(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string DotQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

boost::json::array IdList(const Plan& plan, std::span<const Plan::Index> tasks) {
  boost::json::array out;
  out.reserve(tasks.size());
  for (Plan::Index i : tasks) out.emplace_back(plan.task(i).id);
  return out;
}

}  // namespace

std::string FormatPlanText(const Plan& plan, const TextFormatOptions& options) {
  const WorkflowSpec& spec = plan.spec();
  std::string out;
  out += "workflow: " + (spec.name.empty() ? std::string("(unnamed)") : spec.name) + "\n";
  out += "tasks: " + std::to_string(plan.task_count()) +
         "  dependencies: " + std::to_string(plan.edge_count()) +
         "  layers: " + std::to_string(plan.layer_count()) +
         "  widest layer: " + std::to_string(plan.max_layer_width()) + "\n";
  auto path = plan.critical_path();
  out += "critical path: length " + FormatNumber(plan.critical_path_length()) + ", " +
         std::to_string(path.size()) + (path.size() == 1 ? " task: " : " tasks: ");
  const std::size_t max_path = options.max_tasks_per_layer;
  for (std::size_t k = 0; k < path.size() && k < max_path; ++k) {
    if (k > 0) out += " -> ";
    out += plan.task(path[k]).id;
  }
  if (path.size() > max_path) {
    out += " -> ... (" + std::to_string(path.size() - max_path) + " more)";
  }
  out += "\nlayers:\n";
  for (std::size_t k = 0; k < plan.layer_count(); ++k) {
    if (k == options.max_layers) {
      out += "  ... " + std::to_string(plan.layer_count() - k) + " more layers\n";
      break;
    }
    auto layer = plan.layer(k);
    out += "  " + std::to_string(k) + ": ";
    for (std::size_t t = 0; t < layer.size(); ++t) {
      if (t == options.max_tasks_per_layer) {
        out += ", ... (" + std::to_string(layer.size() - t) + " more)";
        break;
      }
      if (t > 0) out += ", ";
      out += plan.task(layer[t]).id;
    }
    out += "\n";
  }
  return out;
}

boost::json::object PlanToJson(const Plan& plan) {
  boost::json::object out;
  out["name"] = plan.spec().name;
  out["task_count"] = plan.task_count();
  out["edge_count"] = plan.edge_count();
  out["layer_count"] = plan.layer_count();
  out["max_layer_width"] = plan.max_layer_width();
  boost::json::object critical;
  critical["length"] = plan.critical_path_length();
  critical["tasks"] = IdList(plan, plan.critical_path());
  out["critical_path"] = std::move(critical);
  boost::json::array layers;
  layers.reserve(plan.layer_count());
  for (std::size_t k = 0; k < plan.layer_count(); ++k) layers.emplace_back(IdList(plan, plan.layer(k)));
  out["layers"] = std::move(layers);
  boost::json::array tasks;
  tasks.reserve(plan.task_count());
  for (Plan::Index i = 0; i < plan.task_count(); ++i) {
    const TaskSpec& t = plan.task(i);
    boost::json::object task;
    task["id"] = t.id;
    task["type"] = t.type;
    task["layer"] = plan.layer_of(i);
    task["depends_on"] = IdList(plan, plan.upstream(i));
    task["lane"] = t.lane;
    task["priority"] = t.priority;
    task["estimate"] = t.estimate;
    tasks.emplace_back(std::move(task));
  }
  out["tasks"] = std::move(tasks);
  return out;
}

std::string FormatPlanDot(const Plan& plan) {
  // For each task on the critical path, its predecessor on the path (or kNotOnPath).
  constexpr Plan::Index kNotOnPath = ~Plan::Index{0};
  std::vector<Plan::Index> path_pred(plan.task_count(), kNotOnPath);
  std::vector<bool> critical(plan.task_count(), false);
  auto path = plan.critical_path();
  for (std::size_t k = 0; k < path.size(); ++k) {
    critical[path[k]] = true;
    if (k > 0) path_pred[path[k]] = path[k - 1];
  }
  std::string out = "digraph " + DotQuote(plan.spec().name.empty() ? "workflow" : plan.spec().name) +
                    " {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  for (Plan::Index i = 0; i < plan.task_count(); ++i) {
    const TaskSpec& t = plan.task(i);
    out += "  " + DotQuote(t.id) + " [label=" +
           DotQuote(t.id + "\n" + t.type) +
           (critical[i] ? ", color=red, penwidth=2" : "") + "];\n";
  }
  for (Plan::Index i = 0; i < plan.task_count(); ++i) {
    for (Plan::Index dep : plan.upstream(i)) {
      bool on_path = path_pred[i] == dep;
      out += "  " + DotQuote(plan.task(dep).id) + " -> " + DotQuote(plan.task(i).id) +
             (on_path ? " [color=red, penwidth=2]" : "") + ";\n";
    }
  }
  out += "}\n";
  return out;
}

}  // namespace goclaw::dag
