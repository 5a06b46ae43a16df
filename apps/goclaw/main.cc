// The `goclaw` command: parses the command line and hands off to one command. Thin on
// purpose; each command lives in its own cmd_*.cc and calls the libraries.
#include <csignal>
#include <iostream>

#include "cli.h"
#include "goclaw/core/version.h"

int main(int argc, char** argv) {
  // The one place SIGPIPE is handled, for the whole process: a peer or a pipe that goes away
  // (a client closing its socket, `goclaw ... | head`, a command that does not read its input)
  // makes the write fail with EPIPE, which the code handles, instead of ending the server.
  std::signal(SIGPIPE, SIG_IGN);
  using namespace goclaw::cli;
  CLI::App app{"goclaw — multi-agent orchestration engine", "goclaw"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", std::string("goclaw ") + goclaw::kVersion);

  Context ctx;
  app.add_option("--config", ctx.config_file, "Config file (YAML or JSON)")
      ->envname("GOCLAW_CONFIG");
  app.add_option("--set", ctx.sets, "Override a config key: --set server.port=9090")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--log-level", ctx.log_level, "Log level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--log-format", ctx.log_format, "Log format")
      ->check(CLI::IsMember({"auto", "text", "json"}));

  RegisterValidate(app, ctx);
  RegisterPlan(app, ctx);
  RegisterRun(app, ctx);
  RegisterServer(app, ctx);
  RegisterClientCommands(app, ctx);
  RegisterSaga(app, ctx);
  RegisterMemory(app, ctx);
  RegisterAdmin(app, ctx);
  RegisterConfig(app, ctx);
  RegisterVersion(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  return ctx.exit_code;
}
