// `goclaw server`: the HTTP API over a durable engine (RocksDB at storage.path, `--ephemeral`
// for memory), until SIGINT/SIGTERM. The first signal drains (no new work starts, running
// attempts finish for up to shutdown.drain_timeout, everything is written, requests in flight
// finish for up to server.drain_timeout) and exits 0; a second one exits at once (the store is
// consistent either way: what was acknowledged is durable).
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "cli.h"
#include "goclaw/server/server.h"

namespace goclaw::cli {

void RegisterServer(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("server", "Run the goclaw server (REST API) until SIGINT/SIGTERM");
  auto port = std::make_shared<int>(-1);
  auto ephemeral = std::make_shared<bool>(false);
  auto data_dir = std::make_shared<std::string>();
  cmd->add_option("--port", *port, "Port to listen on (overrides server.port; 0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--data-dir", *data_dir, "The store's directory (overrides storage.path)")->check(NonEmptyPath());
  cmd->add_flag("--ephemeral", *ephemeral, "Keep everything in memory (storage.backend=memory): nothing survives");
  cmd->callback([&ctx, port, ephemeral, data_dir] {
    std::vector<std::string> extra;
    if (*port >= 0) extra.push_back("server.port=" + std::to_string(*port));
    if (*ephemeral) extra.push_back("storage.backend=memory");
    if (!data_dir->empty()) extra.push_back("storage.path=" + *data_dir);
    auto config = ctx.LoadConfig(extra);
    if (!config) return;
    // Every thread started from here on inherits the blocked signals; this one waits for them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    auto server = server::Server::Start(*config, [&ctx](std::string_view module) { return ctx.Logger(module); });
    if (!server) {
      PrintError(std::cerr, "goclaw server", server.error());
      ctx.exit_code = kExitFailure;
      return;
    }
    // As a URL that parses back (an IPv6 host in brackets): scripts and tests read it.
    const Url listening{.scheme = "http", .host = config->server.host,
                        .port = static_cast<std::uint16_t>((*server)->port()), .target = "/"};
    if (const int grpc_port = (*server)->grpc_port(); grpc_port != 0) {
      // Before the HTTP line, which scripts wait for: once it is out, both are known.
      const Url grpc{.scheme = "http", .host = config->grpc.host, .port = static_cast<std::uint16_t>(grpc_port), .target = "/"};
      std::cerr << "goclaw gRPC listening on " << grpc.HostHeader() << " (clients and pull workers)" << std::endl;
    }
    // The UI's address, or why there is none (before the HTTP line too).
    if (!(*server)->ui_url().empty()) {
      std::cerr << "goclaw UI on " << (*server)->ui_url() << std::endl;
    } else if (config->ui.enabled) {
      std::cerr << "goclaw UI not built: run `make ui` and restart (the log says where it looked)" << std::endl;
    }
    std::cerr << "goclaw server listening on " << listening.Origin() << "  (Ctrl-C to stop)" << std::endl;
    int sig = 0;
    sigwait(&signals, &sig);
    std::thread([signals] {
      int again = 0;
      sigwait(&signals, &again);
      std::_Exit(kExitInterrupted);  // a second signal: no more waiting
    }).detach();
    (*server)->Shutdown();
    ctx.exit_code = kExitOk;
  });
}

}  // namespace goclaw::cli
