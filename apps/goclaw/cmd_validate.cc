// `goclaw validate SPEC...` and `goclaw plan SPEC`: load workflow specs with the configured
// limits and report every problem, or show the compiled plan.
#include <chrono>
#include <iostream>

#include <boost/json/value.hpp>

#include "cli.h"
#include "goclaw/server/executors.h"
#include "goclaw/core/json_format.h"
#include "goclaw/dag/loader.h"
#include "goclaw/dag/plan_format.h"
#include "terminal_text.h"

namespace goclaw::cli {
namespace {

struct SpecOptions {
  std::string input_format = "auto";
  std::int64_t max_tasks = 0;
  std::int64_t max_spec_bytes = 0;

  void AddTo(CLI::App* cmd) {
    cmd->add_option("--input-format", input_format, "Spec format (default: by file extension)")
        ->check(CLI::IsMember({"auto", "json", "yaml"}));
    cmd->add_option("--max-tasks", max_tasks, "Override dag.max_tasks")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--max-spec-bytes", max_spec_bytes, "Override dag.max_spec_bytes")
        ->check(CLI::PositiveNumber);
  }

  std::vector<std::string> ConfigFlags() const {
    std::vector<std::string> flags;
    if (max_tasks > 0) flags.push_back("dag.max_tasks=" + std::to_string(max_tasks));
    if (max_spec_bytes > 0) flags.push_back("dag.max_spec_bytes=" + std::to_string(max_spec_bytes));
    return flags;
  }
};

dag::LoadOptions MakeLoadOptions(const config::Config& config, const SpecOptions& opts,
                                 const std::string& path) {
  dag::LoadOptions load;
  load.limits.max_tasks = static_cast<std::size_t>(config.dag.max_tasks);
  load.limits.max_spec_bytes = static_cast<std::size_t>(config.dag.max_spec_bytes);
  if (opts.input_format == "json") {
    load.format = DocumentFormat::kJson;
  } else if (opts.input_format == "yaml") {
    load.format = DocumentFormat::kYaml;
  } else {
    load.format = DocumentFormatFromPath(path);
  }
  return load;
}

Result<dag::Plan> LoadSpecFile(const std::string& path, const dag::LoadOptions& load,
                               const log::Logger& logger) {
  auto start = std::chrono::steady_clock::now();
  GOCLAW_ASSIGN_OR_RETURN(std::string text,
                          ReadInput(path, load.limits.max_spec_bytes, "dag.max_spec_bytes"));
  auto plan = dag::LoadWorkflow(text, load);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                  .count();
  logger.With("spec", path).Debug("loaded {} bytes in {:.3f} ms: {}", text.size(), ms,
                                  plan ? "valid" : "invalid");
  return plan;
}

std::string DisplayName(const std::string& path) { return path == "-" ? "<stdin>" : path; }

}  // namespace

void RegisterValidate(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("validate", "Check workflow specs and report every problem");
  auto files = std::make_shared<std::vector<std::string>>();
  auto opts = std::make_shared<SpecOptions>();
  cmd->add_option("spec", *files, "Workflow spec files (YAML or JSON; - for stdin)")->required();
  opts->AddTo(cmd);
  cmd->callback([&ctx, files, opts] {
    auto config = ctx.LoadConfig(opts->ConfigFlags());
    if (!config) return;
    // Task types as configured here; functions are the server's business (unknown offline).
    const auto types = server::ValidationRegistry(*config);
    for (const std::string& path : *files) {
      // Lanes as configured here.
      dag::LoadOptions load = MakeLoadOptions(*config, *opts, path);
      load.environment = LocalEnvironment(*config, types.get());
      auto plan = LoadSpecFile(path, load, ctx.Logger("dag"));
      if (!plan) {
        PrintError(std::cerr, DisplayName(path), plan.error());
        ctx.exit_code = kExitFailure;
        continue;
      }
      std::cout << Shown(DisplayName(path)) << ": ok (" << plan->task_count() << " tasks, "
                << plan->edge_count() << " dependencies, " << plan->layer_count()
                << " layers)\n";
    }
  });
}

void RegisterPlan(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "plan", "Compile a workflow spec and show its layers and critical path");
  auto file = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("text");
  auto opts = std::make_shared<SpecOptions>();
  cmd->add_option("spec", *file, "Workflow spec file (YAML or JSON; - for stdin)")->required();
  cmd->add_option("--format", *format, "Output format: text, json or dot")
      ->check(CLI::IsMember({"text", "json", "dot"}));
  opts->AddTo(cmd);
  cmd->callback([&ctx, file, format, opts] {
    auto config = ctx.LoadConfig(opts->ConfigFlags());
    if (!config) return;
    auto plan = LoadSpecFile(*file, MakeLoadOptions(*config, *opts, *file), ctx.Logger("dag"));
    if (!plan) {
      PrintError(std::cerr, DisplayName(*file), plan.error());
      ctx.exit_code = kExitFailure;
      return;
    }
    if (*format == "json") {
      std::cout << ShownBlock(PrettyJson(dag::PlanToJson(*plan)));
    } else if (*format == "dot") {
      std::cout << ShownBlock(dag::FormatPlanDot(*plan));
    } else {
      std::cout << ShownBlock(dag::FormatPlanText(*plan));
    }
  });
}

}  // namespace goclaw::cli
