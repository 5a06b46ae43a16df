// Workflow spec text -> LoadWorkflow (parse JSON or YAML, decode, compile). The first byte picks
// the format: '{' / '[' and anything else go through kAuto; '\x01' forces JSON and '\x02'
// YAML on the rest (so YAML that starts with a brace and JSON fed to the YAML parser are tried).
//
// Invariants: errors carry a message; a loaded plan is consistent (every task once in the
// topological order, Find() finds every id); the normalized spec (SpecToJsonText) loads again
// into a plan with the same tasks, and into an equal spec when the input was JSON (YAML numbers
// may come back one unit in the last place away, see spec_encoder.h).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "goclaw/dag/loader.h"
#include "goclaw/dag/plan_format.h"
#include "goclaw/dag/spec_encoder.h"

#include "fuzz_check.h"

namespace {

void CheckPlan(const goclaw::dag::Plan& plan) {
  FUZZ_CHECK(plan.topo_order().size() == plan.task_count(), "topological order size");
  std::size_t in_layers = 0;
  for (std::size_t k = 0; k < plan.layer_count(); ++k) in_layers += plan.layer(k).size();
  FUZZ_CHECK(in_layers == plan.task_count(), "layers cover every task");
  for (goclaw::dag::Plan::Index i = 0; i < plan.task_count(); ++i) {
    auto found = plan.Find(plan.task(i).id);
    FUZZ_CHECK(found && *found == i, "Find(" + plan.task(i).id + ")");
    for (auto up : plan.upstream(i)) {
      FUZZ_CHECK(plan.layer_of(up) < plan.layer_of(i), "an upstream task is in an earlier layer");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  goclaw::dag::LoadOptions options;
  // Smaller than the defaults so that one input cannot run for seconds (10k tasks is plenty).
  options.limits.max_tasks = 10000;
  options.limits.max_spec_bytes = 1u << 20;
  if (!text.empty() && (text[0] == '\x01' || text[0] == '\x02')) {
    options.format =
        text[0] == '\x01' ? goclaw::DocumentFormat::kJson : goclaw::DocumentFormat::kYaml;
    text.remove_prefix(1);
  }

  auto plan = goclaw::dag::LoadWorkflow(text, options);
  if (!plan) {
    FUZZ_CHECK(!plan.error().message().empty(), "an error without a message");
    for (const auto& d : plan.error().details()) {
      FUZZ_CHECK(!d.message.empty(), "a detail without a message at " + d.path);
    }
    return 0;
  }
  CheckPlan(*plan);
  (void)goclaw::dag::FormatPlanText(*plan);
  (void)goclaw::dag::FormatPlanDot(*plan);
  (void)goclaw::dag::PlanToJson(*plan);

  const std::string normalized = goclaw::dag::SpecToJsonText(plan->spec());
  goclaw::dag::LoadOptions again_options;
  again_options.format = goclaw::DocumentFormat::kJson;
  auto again = goclaw::dag::LoadWorkflow(normalized, again_options);
  FUZZ_CHECK(again.has_value(),
             "the normalized spec does not load: " + (again ? "" : again.error().ToString()) +
                 "\n  text: " + normalized.substr(0, 2000));
  FUZZ_CHECK(again->task_count() == plan->task_count(), "task count after the round trip");
  for (goclaw::dag::Plan::Index i = 0; i < plan->task_count(); ++i) {
    FUZZ_CHECK(again->task(i).id == plan->task(i).id, "task ids after the round trip");
    FUZZ_CHECK(again->upstream(i).size() == plan->upstream(i).size(), "edges after the round trip");
  }
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  const bool json_input =
      options.format == goclaw::DocumentFormat::kJson ||
      (options.format == goclaw::DocumentFormat::kAuto && first != std::string_view::npos &&
       (text[first] == '{' || text[first] == '['));
  if (json_input) {
    FUZZ_CHECK(again->spec() == plan->spec(),
               "the spec changed in the round trip: " + normalized.substr(0, 2000));
  } else {
    // The normalized text was JSON: from there on the round trip is exact.
    auto third =
        goclaw::dag::LoadWorkflow(goclaw::dag::SpecToJsonText(again->spec()), again_options);
    FUZZ_CHECK(third && third->spec() == again->spec(),
               "the normalized spec is not a fixed point: " + normalized.substr(0, 2000));
  }
  return 0;
}
