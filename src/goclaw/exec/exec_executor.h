// `exec` tasks (alias `script`): run a program — argv only, never a shell — with the task's
// input as JSON on stdin; its stdout is the output (parsed as JSON when it is JSON, else a
// string), a non-zero exit fails the attempt with the exit status and the end of stderr.
// Each command runs under a helper process (a child subreaper, forked by the engine): when
// the command exits, or on timeout, cancel, the stdout limit or shutdown, the helper kills the
// command's process group and then every process the command left behind -- a grandchild that
// called setsid() included -- and the attempt finishes once all are reaped. `env` entries
// replace variables of the server's environment; NUL in command, env or cwd is refused.
//
// Off unless enabled, and then only for the commands listed in `allow` (matched exactly
// against argv[0]). The allow-list names programs; it does not restrict their arguments
// (`sh -c`, `python3 -c`), PATH lookup of bare names, or env such as LD_PRELOAD -- see
// docs/security.md for what it does not cover. One reactor thread watches every running process's pipes (poll), so many
// processes do not need a thread each.
//
//   config: {command: ["python3", "agent.py", "--fast"], env: {KEY: value}, cwd: "/tmp"}
//
// Signals sent to the attempt arrive as JSON lines {"seq", "kind", "payload"} on the file
// descriptor named by GOCLAW_SIGNAL_FD (4), in order; a line written whole acknowledges the
// signal. A task restarted by an interrupt (on_interrupt: restart) finds its payload in
// GOCLAW_INTERRUPT.
//
// Thread-safety: Start may be called from any thread.
#pragma once

#include <condition_variable>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "goclaw/exec/executor.h"

namespace goclaw::exec {

struct ExecOptions {
  bool enabled = false;
  std::vector<std::string> allow;              // permitted argv[0] values
  std::size_t max_stdout_bytes = 1u << 20;     // more fails the attempt
  std::size_t max_stderr_kept = 4096;          // tail of stderr kept for the error message
};

// `command` a non-empty list of strings whose first (when not a {{...}} placeholder) is in
// `options.allow` (when enabled).
void CheckExecConfig(const boost::json::object& config, const std::string& path, Diagnostics& diag,
                     const ExecOptions& options);

class ExecExecutor final : public Executor {
 public:
  explicit ExecExecutor(ExecOptions options);
  // Kills running processes and fails their attempts (kCancelled).
  ~ExecExecutor() override;
  ExecExecutor(const ExecExecutor&) = delete;
  ExecExecutor& operator=(const ExecExecutor&) = delete;

  void Start(Attempt attempt, AttemptDone done) override;
  // `command` a non-empty list of strings whose first is in executors.exec.allow (unless it is
  // a {{...}} placeholder, checked when the task starts).
  void CheckConfig(const boost::json::object& config, const std::string& path,
                   Diagnostics& diag) const override;
  std::optional<std::string> Unavailable() const override;
  // Kills running processes and fails their attempts (kCancelled). Idempotent.
  void Shutdown() override;

 private:
  struct Process;
  void Run(std::stop_token stop);
  void Finish(Process& p, int status);
  std::vector<std::uint64_t> WriteSignals(Process& p);
  static constexpr int kSignalFd = 4;
  void Wake();

  ExecOptions options_;
  std::mutex mu_;
  std::list<std::shared_ptr<Process>> processes_;  // pipes open
  std::list<std::shared_ptr<Process>> exiting_;    // pipes closed, not yet reaped (reactor only)
  int wake_pipe_[2] = {-1, -1};
  std::jthread reactor_;
  bool shut_down_ = false;
};

}  // namespace goclaw::exec
