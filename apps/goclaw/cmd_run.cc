// `goclaw run SPEC [--input k=v ...] [--input-file F] [--json] [--data-dir D]`: runs a workflow
// in an engine embedded in this process and shows its progress — on a terminal one updating
// line per running task under a progress bar, otherwise one line per event — then a summary.
// Exit 0 on success, 1 on failure, 130 after Ctrl-C.
//
// Without --data-dir the run lives in memory and Ctrl-C cancels it. With --data-dir the run is
// durable (RocksDB in D): Ctrl-C (or a crash) stops it without cancelling, and the same command
// again resumes it — completed tasks stay completed — instead of starting over.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>

#include <boost/json/serialize.hpp>

#include "cli.h"
#include "goclaw/core/document.h"
#include "goclaw/core/json_format.h"
#include "goclaw/dag/loader.h"
#include "goclaw/dag/spec_encoder.h"
#include "goclaw/engine/engine.h"
#include "goclaw/engine/status_json.h"
#include "goclaw/server/executors.h"
#include "goclaw/server/runtime.h"
#include "terminal_text.h"

namespace goclaw::cli {
namespace {

std::atomic<bool> g_interrupted{false};
// A second Ctrl-C does not wait for the drain or the cancel: it exits at once (with --data-dir
// the store stays consistent; what ran but was not written runs again next time).
extern "C" void OnSigint(int) {
  if (g_interrupted.exchange(true)) std::_Exit(130);
}

double Seconds(Clock::WallTime from, Clock::WallTime to) {
  return std::chrono::duration<double>(to - from).count();
}

// Live progress from engine events (called on shard threads).
class Progress {
 public:
  Progress(std::size_t total, bool tty) : total_(total), tty_(tty) {}

  void OnEvent(const engine::Event& e) {
    std::lock_guard lock(mu_);
    if (e.task_id.empty()) {
      if (!tty_) std::printf("workflow %s %s\n", Shown(e.workflow_id).c_str(), std::string(e.to_name()).c_str());
      return;
    }
    using engine::TaskState;
    const TaskState to = e.task_to();
    if (to == TaskState::kRunning) {
      running_[e.task_id] = {e.attempt, e.time};
    } else if (e.task_from() == TaskState::kRunning) {
      running_.erase(e.task_id);
    }
    if (to == TaskState::kCompleted) ++done_;
    if (to == TaskState::kFailed || to == TaskState::kSkipped || to == TaskState::kCancelled) ++failed_;
    if (!tty_) {
      std::printf("%s task %s %s", engine::FormatTime(e.time).c_str() + 11, Shown(e.task_id).c_str(),
                  std::string(e.to_name()).c_str());
      if (e.attempt > 0 && (to == TaskState::kRunning || to == TaskState::kRetrying)) {
        std::printf(" (attempt %d)", e.attempt);
      }
      if (!e.error.empty()) std::printf(": %s", Shown(e.error).c_str());
      std::printf("\n");
      std::fflush(stdout);
    }
  }

  // Redraws the bar and the running tasks in place (terminal only).
  void Draw(Clock::WallTime now, Clock::WallTime start) {
    if (!tty_) return;
    std::lock_guard lock(mu_);
    std::string out;
    if (lines_ > 0) out += "\x1b[" + std::to_string(lines_) + "A\x1b[J";
    const int width = 30;
    int filled = total_ == 0 ? width : static_cast<int>(width * (done_ + failed_) / total_);
    out += "[" + std::string(static_cast<std::size_t>(filled), '#') +
           std::string(static_cast<std::size_t>(width - filled), '.') + "] ";
    char buf[160];
    std::snprintf(buf, sizeof buf, "%zu/%zu done, %zu failed, %zu running, %.1fs\n", done_,
                  total_, failed_, running_.size(), Seconds(start, now));
    out += buf;
    lines_ = 1;
    std::size_t shown = 0;
    for (const auto& [task, r] : running_) {
      if (shown++ == 10) {
        out += "  ... " + std::to_string(running_.size() - 10) + " more running\n";
        ++lines_;
        break;
      }
      out += "  > " + Shown(task);
      std::snprintf(buf, sizeof buf, " (attempt %d) %.1fs\n", r.attempt, Seconds(r.since, now));
      out += buf;
      ++lines_;
    }
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
  }

 private:
  struct Running {
    int attempt;
    Clock::WallTime since;
  };
  std::mutex mu_;
  std::size_t total_;
  bool tty_;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
  std::map<std::string, Running> running_;
  int lines_ = 0;
};

void PrintSummary(const engine::WorkflowStatus& st) {
  double total = st.finished_at ? Seconds(st.created_at, *st.finished_at) : 0;
  std::printf("\nworkflow %s (%s) %s in %.3fs\n", Shown(st.id).c_str(),
              st.name.empty() ? "unnamed" : Shown(st.name).c_str(),
              std::string(engine::WorkflowStateName(st.state)).c_str(), total);
  if (!st.error.empty()) std::printf("error: %s\n", Shown(st.error).c_str());
  std::size_t width = 4;
  for (const auto& t : st.tasks) width = std::max(width, Shown(t.id).size());
  std::printf("%-*s  %-10s  %8s  %9s\n", static_cast<int>(width), "TASK", "STATE", "ATTEMPTS",
              "DURATION");
  const std::size_t max_rows = 50;
  for (std::size_t k = 0; k < st.tasks.size(); ++k) {
    const auto& t = st.tasks[k];
    if (k == max_rows) {
      std::printf("... %zu more tasks (use --json for all)\n", st.tasks.size() - max_rows);
      break;
    }
    double d = t.started_at && t.finished_at ? Seconds(*t.started_at, *t.finished_at) : 0;
    std::printf("%-*s  %-10s  %8d  %8.3fs", static_cast<int>(width), Shown(t.id).c_str(),
                std::string(engine::TaskStateName(t.state)).c_str(), t.attempts, d);
    if (!t.error.empty()) std::printf("  %s", Shown(t.error).c_str());
    std::printf("\n");
  }
  std::printf("outputs:\n");
  std::size_t shown = 0;
  for (const auto& t : st.tasks) {
    if (t.state != engine::TaskState::kCompleted || t.output.is_null()) continue;
    if (shown++ == max_rows) {
      std::printf("  ... (use --json for all)\n");
      break;
    }
    std::string text = CompactJson(t.output);
    if (text.size() > 200) text = text.substr(0, 200) + "...";
    std::printf("  %s: %s\n", Shown(t.id).c_str(), Shown(text).c_str());
  }
}

// The newest unfinished workflow in the store with this spec and input, or "".
std::string FindInterrupted(engine::Engine& engine, store::Store& store, const std::string& spec_json,
                            const std::string& input_json) {
  engine::ListFilter all;
  all.limit = std::numeric_limits<std::size_t>::max();
  const auto list = engine.List(all);
  for (auto it = list.workflows.rbegin(); it != list.workflows.rend(); ++it) {
    if (engine::IsTerminal(it->state)) continue;
    auto spec = store.Spec(it->id);
    if (spec && *spec && (*spec)->spec_json == spec_json && (*spec)->input_json == input_json) return it->id;
  }
  return "";
}

}  // namespace

void RegisterRun(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("run", "Run a workflow in an embedded engine, with live progress");
  struct Options {
    std::string spec;
    std::vector<std::string> inputs;
    std::string input_file;
    bool json = false;
    std::string data_dir;
  };
  auto opts = std::make_shared<Options>();
  cmd->add_option("spec", opts->spec, "Workflow spec file (YAML or JSON; - for stdin)")->required();
  cmd->add_option("--input", opts->inputs, "Input value key=value (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--input-file", opts->input_file, "Input object from a JSON or YAML file");
  cmd->add_flag("--json", opts->json, "Print the final status as JSON instead of a summary");
  cmd->add_option("--data-dir", opts->data_dir,
                  "Keep the run in this store; run again to resume it after Ctrl-C or a crash")
      ->check(NonEmptyPath());
  cmd->callback([&ctx, opts] {
    auto config = ctx.LoadConfig();
    if (!config) return;
    dag::LoadOptions load;
    load.limits.max_tasks = static_cast<std::size_t>(config->dag.max_tasks);
    load.limits.max_spec_bytes = static_cast<std::size_t>(config->dag.max_spec_bytes);
    load.format = DocumentFormatFromPath(opts->spec);
    // This process's engine: the configured lanes and executors, and no registered functions.
    const auto types = server::ValidationRegistry(
        *config, "here (`goclaw run` registers none; submit it to a server whose program registers it)");
    load.environment = LocalEnvironment(*config, types.get());
    std::string source = opts->spec == "-" ? "<stdin>" : opts->spec;
    auto text = ReadInput(opts->spec, load.limits.max_spec_bytes, "dag.max_spec_bytes");
    Result<dag::Plan> plan = text ? dag::LoadWorkflow(*text, load) : MakeError(text.error());
    if (!plan) {
      PrintError(std::cerr, source, plan.error());
      ctx.exit_code = kExitFailure;
      return;
    }
    auto input = ParseInputs(opts->inputs, opts->input_file);
    if (!input) {
      PrintError(std::cerr, "goclaw run", input.error());
      ctx.exit_code = kExitFailure;
      return;
    }
    // Before the runtime: the engine calls it until it is gone.
    const bool tty = !opts->json && ::isatty(STDOUT_FILENO) == 1;
    Progress progress(plan->task_count(), tty);
    // With --data-dir a RocksDB store there; without, no store at all (not even memory).
    config::Config run_config = *config;
    if (!opts->data_dir.empty()) {
      run_config.storage.backend = config::StorageBackend::kRocksDb;
      run_config.storage.path = opts->data_dir;
    }
    auto runtime = server::Runtime::Build(
        run_config, {.loggers = [&ctx](std::string_view module) { return ctx.Logger(module); },
                     .persist = !opts->data_dir.empty()});
    if (!runtime) {
      PrintError(std::cerr, "goclaw run", runtime.error());
      ctx.exit_code = kExitFailure;
      return;
    }
    engine::Engine& embedded = (*runtime)->engine();
    store::Store* store = (*runtime)->store();
    // An interrupted run of the same spec and input in this store is resumed, not repeated.
    std::string resumed;
    if (store) {
      boost::json::object merged = plan->spec().input;
      for (const auto& kv : *input) merged[kv.key()] = kv.value();
      resumed = FindInterrupted(embedded, *store, dag::SpecToJsonText(plan->spec()),
                                boost::json::serialize(boost::json::value(std::move(merged))));
    }
    if (!opts->json) {
      embedded.Subscribe([&progress](const engine::Event& e) { progress.OnEvent(e); });
    }
    (*runtime)->Resume();
    std::signal(SIGINT, OnSigint);
    SystemClock clock;
    const auto start = clock.Now();
    Result<std::string> id = resumed;
    if (resumed.empty()) {
      id = embedded.Submit(std::make_shared<const dag::Plan>(std::move(*plan)), std::move(*input));
    } else if (!opts->json) {
      std::printf("resuming %s from %s\n", Shown(resumed).c_str(), Shown(opts->data_dir).c_str());
    }
    if (!id) {
      PrintError(std::cerr, source, id.error());
      ctx.exit_code = kExitFailure;
      return;
    }
    bool cancelled = false;
    Result<engine::WorkflowStatus> status = MakeError(ErrorCode::kInternal, "not finished");
    while (true) {
      status = embedded.Wait(*id, std::chrono::milliseconds(100));
      if (status) break;
      progress.Draw(clock.Now(), start);
      if (g_interrupted.load() && !cancelled) {
        cancelled = true;
        if (store) {
          // Durable: stop without cancelling, so that the same command resumes the run.
          std::fprintf(stderr,
                       "\ninterrupted: stopping %s (waiting up to %s for running tasks; Ctrl-C again to "
                       "stop now); run the same command again to resume it\n",
                       id->c_str(), FormatDuration(config->shutdown.drain_timeout).c_str());
          (*runtime)->Drain(config->shutdown.drain_timeout);
          ctx.exit_code = kExitInterrupted;
          return;
        }
        std::fprintf(stderr, "\ninterrupted: cancelling %s\n", id->c_str());
        // kFailedPrecondition: it finished meanwhile, and the summary below says how.
        if (Status st = embedded.Cancel(*id); !st && st.error().code() != ErrorCode::kFailedPrecondition) {
          PrintError(std::cerr, "goclaw run", st.error());
        }
      }
    }
    std::signal(SIGINT, SIG_DFL);
    progress.Draw(clock.Now(), start);
    if (opts->json) {
      std::cout << ShownBlock(PrettyJson(engine::WorkflowStatusToJson(*status)));
    } else {
      PrintSummary(*status);
    }
    if (cancelled) {
      ctx.exit_code = kExitInterrupted;
    } else if (status->state != engine::WorkflowState::kCompleted) {
      ctx.exit_code = kExitFailure;
    }
  });
}

}  // namespace goclaw::cli
