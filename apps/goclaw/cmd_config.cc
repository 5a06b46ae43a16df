// `goclaw config print` and `goclaw config check FILE`, and `goclaw version`.
#include <iostream>

#include "cli.h"
#include "goclaw/config/schema.h"
#include "goclaw/core/json_format.h"
#include "goclaw/core/version.h"

namespace goclaw::cli {

void RegisterConfig(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("config", "Show or check configuration");
  cmd->require_subcommand(1);

  auto* print = cmd->add_subcommand(
      "print", "Print the effective config (defaults < --config file < GOCLAW_* env < flags)");
  auto format = std::make_shared<std::string>("yaml");
  print->add_option("--format", *format, "yaml or json")->check(CLI::IsMember({"yaml", "json"}));
  print->callback([&ctx, format] {
    auto config = ctx.LoadConfig();
    if (!config) return;
    boost::json::value encoded = config::EncodeConfig(*config);
    std::cout << (*format == "json" ? PrettyJson(encoded) : ToYaml(encoded));
  });

  auto* check = cmd->add_subcommand("check", "Validate a config file and report every problem");
  auto file = std::make_shared<std::string>();
  check->add_option("file", *file, "Config file (YAML or JSON)")->required();
  check->callback([&ctx, file] {
    ctx.config_file = *file;
    if (ctx.LoadConfig()) std::cout << *file << ": ok\n";
  });
}

void RegisterVersion(CLI::App& app, Context&) {
  auto* cmd = app.add_subcommand("version", "Print the version");
  cmd->callback([] { std::cout << "goclaw " << kVersion << " (" << kGitCommit << ")\n"; });
}

}  // namespace goclaw::cli
