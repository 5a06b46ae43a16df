// `goclaw admin snapshot DIR` and `goclaw admin inspect`: operating a data directory.
//
//   snapshot DIR              asks the running server (--server, or --grpc with --transport grpc)
//                             for an online snapshot into DIR
//   snapshot DIR --data-dir D snapshots a store no server has open
//   inspect [--data-dir D]    format version and counts per state; opens the store read-only,
//                             so it also works on the directory of a running server
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "goclaw/core/json_format.h"
#include "goclaw/engine/engine.h"
#include "goclaw/engine/states.h"
#include "goclaw/store/store.h"
#include "terminal_text.h"
#include "transport.h"

namespace goclaw::cli {
namespace {

constexpr engine::WorkflowState kWorkflowStates[] = {
    engine::WorkflowState::kPending,   engine::WorkflowState::kScheduled, engine::WorkflowState::kRunning,
    engine::WorkflowState::kCompleted, engine::WorkflowState::kFailed,    engine::WorkflowState::kCancelled};

std::string DataDir(const std::string& flag, const config::Config& config) {
  return flag.empty() ? config.storage.path : flag;
}

void RegisterSnapshot(CLI::App& admin, Context& ctx) {
  CLI::App* cmd = admin.add_subcommand("snapshot", "Consistent copy of the store into a new directory");
  struct Opts : ClientOptions {
    Opts() { timeout = "2m"; }
    std::string dir;
    std::string data_dir;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("dir", o->dir, "Where the snapshot goes (must not exist)")->required()->check(NonEmptyPath());
  cmd->add_option("--data-dir", o->data_dir, "Snapshot this data directory directly (no server may have it open)")
      ->check(NonEmptyPath());
  cmd->add_option("--server", o->server, "The running server to ask")->envname("GOCLAW_SERVER")->capture_default_str();
  cmd->add_option("--timeout", o->timeout, "With the server: how long to wait for it to connect and answer")
      ->check(PositiveDuration())
      ->capture_default_str();
  AddTransportOptions(cmd, *o);
  cmd->callback([&ctx, o] {
    auto config = ctx.LoadConfig();
    if (!config) return;
    std::error_code ec;
    const std::string dir = std::filesystem::absolute(o->dir, ec).lexically_normal().string();
    if (!o->data_dir.empty()) {
      auto store = store::OpenRocksDbStore({.path = o->data_dir, .tables = engine::StoreTables()});
      Status s = store ? (*store)->Checkpoint(dir) : Status(MakeError(store.error()));
      if (!s) {
        PrintError(std::cerr, "goclaw admin snapshot", s.error());
        ctx.exit_code = kExitFailure;
        return;
      }
      std::cout << "snapshot of " << Shown(o->data_dir) << " written to " << Shown(dir) << "\n";
      return;
    }
    if (Status s = MakeTransport(*o)->Snapshot(dir); !s) {
      PrintError(std::cerr, "goclaw admin snapshot", s.error());
      ctx.exit_code = kExitFailure;
      return;
    }
    std::cout << "snapshot written to " << Shown(dir) << "\n";
  });
}

void RegisterInspect(CLI::App& admin, Context& ctx) {
  CLI::App* cmd = admin.add_subcommand("inspect", "Format version and counts per state of a data directory");
  struct Opts {
    std::string data_dir;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  cmd->add_option("--data-dir", o->data_dir, "The data directory (default: storage.path)")->check(NonEmptyPath());
  cmd->add_flag("--json", o->json, "Print JSON");
  cmd->callback([&ctx, o] {
    auto config = ctx.LoadConfig();
    if (!config) return;
    const std::string path = DataDir(o->data_dir, *config);
    auto fail = [&](const Error& e) {
      PrintError(std::cerr, "goclaw admin inspect", e);
      ctx.exit_code = kExitFailure;
    };
    auto store = store::OpenRocksDbStore({.path = path, .read_only = true});
    if (!store) return fail(store.error());
    auto workflows = (*store)->Workflows({});
    if (!workflows) return fail(workflows.error());
    std::array<std::uint64_t, engine::kWorkflowStateCount> by_state{};
    std::array<std::uint64_t, engine::kTaskStateCount> tasks{};
    for (const auto& w : *workflows) {
      if (w.state < by_state.size()) ++by_state[w.state];
      auto records = (*store)->Tasks(w.id);
      if (!records) return fail(records.error());
      tasks[static_cast<std::size_t>(engine::TaskState::kPending)] += w.task_count - records->size();
      for (const auto& t : *records) {
        if (t.state < tasks.size()) ++tasks[t.state];
      }
    }
    boost::json::object wf, tk;
    for (auto s : kWorkflowStates) wf[engine::WorkflowStateName(s)] = by_state[static_cast<std::size_t>(s)];
    for (std::size_t i = 0; i < tasks.size(); ++i) tk[engine::TaskStateName(static_cast<engine::TaskState>(i))] = tasks[i];
    if (o->json) {
      std::cout << ShownBlock(PrettyJson(boost::json::object{{"path", path},
                                                  {"format_version", (*store)->format_version()},
                                                  {"workflows", wf},
                                                  {"tasks", tk}}));
      return;
    }
    std::cout << "store       " << Shown(path) << "\nformat      " << (*store)->format_version() << "\nworkflows   "
              << workflows->size() << "\n";
    for (const auto& kv : wf) std::cout << "  " << kv.key() << " " << kv.value().as_uint64() << "\n";
    std::cout << "tasks\n";
    for (const auto& kv : tk) std::cout << "  " << kv.key() << " " << kv.value().as_uint64() << "\n";
  });
}

}  // namespace

void RegisterAdmin(CLI::App& app, Context& ctx) {
  CLI::App* admin = app.add_subcommand("admin", "Operate a data directory: snapshot, inspect");
  admin->require_subcommand(1);
  RegisterSnapshot(*admin, ctx);
  RegisterInspect(*admin, ctx);
}

}  // namespace goclaw::cli
