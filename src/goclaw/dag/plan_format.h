// Renders a Plan for people and tools: a text summary, a JSON document, or Graphviz DOT.
// Used by `goclaw plan --format text|json|dot`.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>

#include <boost/json/object.hpp>

#include "goclaw/dag/plan.h"

namespace goclaw::dag {

struct TextFormatOptions {
  std::size_t max_layers = 50;          // layers listed before "... N more layers"
  std::size_t max_tasks_per_layer = 20;  // tasks listed per layer before "... N more"
};

// Counts, critical path and layers; large plans are abbreviated as `options` says.
std::string FormatPlanText(const Plan& plan, const TextFormatOptions& options = {});

// {name, counts, critical_path {length, tasks}, layers [[ids]], tasks [{id, type, layer,
// depends_on, lane, priority, estimate}]} — complete, never abbreviated.
boost::json::object PlanToJson(const Plan& plan);

// A `digraph` with an edge from each dependency to its dependent; the critical path in red.
std::string FormatPlanDot(const Plan& plan);

}  // namespace goclaw::dag
