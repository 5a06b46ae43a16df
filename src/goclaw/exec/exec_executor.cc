// Subprocesses: spawn with pipes, feed stdin, collect stdout/stderr, reap, kill on cancel.
#include "goclaw/exec/exec_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/core/document.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/text.h"

extern char** environ;

namespace goclaw::exec {

struct ExecExecutor::Process {
  pid_t pid = -1;
  int in = -1, out = -1, err = -1;  // our ends of the child's stdin, stdout, stderr
  std::string input;                // still to write to stdin
  std::size_t written = 0;
  std::string stdout_text, stderr_text;
  bool stdout_too_big = false;
  bool killed = false;
  bool exited = false;  // reaped: its pid may belong to someone else now
  AttemptDone done;
  std::shared_ptr<AttemptChannel> channel;  // stderr lines go to the attempt's log
  std::string stderr_line;                  // the line being read
  // Signals (GOCLAW_SIGNAL_FD): our end of the command's signal pipe, the JSON lines not yet
  // written, and where each line ends with its seq (acknowledged once written whole). The
  // executor's mu_ guards them: the shard appends, the reactor writes.
  int sig = -1;
  std::string sig_out;
  std::deque<std::pair<std::size_t, std::uint64_t>> sig_ends;

  // Reports each complete stderr line (and, with `flush`, what is left) to the task's log.
  // Lines longer than kMaxLine are reported in pieces.
  void LogStderr(std::string_view data, bool flush) {
    constexpr std::size_t kMaxLine = 4096;
    for (char c : data) {
      if (c == '\n') {
        channel->Log("stderr", stderr_line);
        stderr_line.clear();
      } else {
        stderr_line.push_back(c);
        if (stderr_line.size() >= kMaxLine) {
          channel->Log("stderr", stderr_line);
          stderr_line.clear();
        }
      }
    }
    if (flush && !stderr_line.empty()) {
      channel->Log("stderr", stderr_line);
      stderr_line.clear();
    }
  }
};

namespace {

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// C strings end at NUL: an argument "a\0b" would reach the program as "a", silently.
Status CheckNoNul(std::string_view value, const std::string& path) {
  if (std::size_t at = value.find('\0'); at != std::string_view::npos) {
    return MakeError(ErrorCode::kInvalidArgument,
                     path + ": contains a NUL character at offset " + std::to_string(at) +
                         "; arguments, environment and cwd cannot carry NUL bytes");
  }
  return OkStatus();
}

Result<std::vector<std::string>> CommandOf(const boost::json::object& config) {
  const boost::json::value* cmd = config.if_contains("command");
  if (cmd == nullptr || !cmd->is_array() || cmd->as_array().empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "config.command must be a non-empty list of strings (argv, no shell)");
  }
  std::vector<std::string> argv;
  for (const auto& a : cmd->as_array()) {
    if (!a.is_string()) {
      return MakeError(ErrorCode::kInvalidArgument, "config.command: every argument must be a string");
    }
    GOCLAW_RETURN_IF_ERROR(CheckNoNul(a.get_string(), "config.command[" + std::to_string(argv.size()) + "]"));
    argv.emplace_back(a.get_string());
  }
  return argv;
}

// The parent's environment with the task's `env` replacing (not duplicating) variables.
Result<std::vector<std::string>> EnvironmentOf(const boost::json::object& config) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  const boost::json::value* overrides = config.if_contains("env");
  if (overrides == nullptr) return env;
  if (!overrides->is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "config.env must be an object of NAME: value");
  }
  for (const auto& kv : overrides->get_object()) {
    const std::string name(kv.key());
    const std::string path = "config.env." + name;
    if (name.empty() || name.find('=') != std::string::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "config.env: invalid variable name \"" + name + "\" (empty, or contains '=')");
    }
    GOCLAW_RETURN_IF_ERROR(CheckNoNul(name, "config.env"));
    std::string value = kv.value().is_string() ? std::string(kv.value().get_string())
                                               : boost::json::serialize(kv.value());
    GOCLAW_RETURN_IF_ERROR(CheckNoNul(value, path));
    const std::string prefix = name + "=";
    std::erase_if(env, [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
    env.push_back(prefix + value);
  }
  return env;
}


// The helper process between the engine and the command (it runs in a forked copy of a
// multi-threaded process, so only async-signal-safe calls, no allocation). It is a child
// subreaper (PR_SET_CHILD_SUBREAPER): whatever the command starts and orphans -- including a
// grandchild that called setsid() to leave the process group -- is re-parented to the helper,
// not to init. When the command exits, or the engine sends SIGTERM (cancel, timeout, stdout
// limit, shutdown), the helper kills the command's process group, then kills and reaps every
// child it has until none is left, and exits with the command's status. Pipes held by a
// daemonized grandchild therefore close, and nothing the task started outlives the attempt.
[[noreturn]] void ExitLike(int status) {
  if (WIFEXITED(status)) ::_exit(WEXITSTATUS(status));
  const int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
  rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);  // the command's crash already happened; no second core
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(sig, &dfl, nullptr);
  sigset_t all;
  sigfillset(&all);
  ::sigprocmask(SIG_UNBLOCK, &all, nullptr);
  ::kill(::getpid(), sig);
  ::_exit(128 + sig);
}

// Kills every child of this process listed in /proc (CONFIG_PROC_CHILDREN). Returns false
// when the list cannot be read.
bool KillChildren() {
  char path[64] = "/proc/self/task/";
  char num[16];
  int n = 0;
  for (pid_t self = ::getpid(); self > 0; self /= 10) num[n++] = static_cast<char>('0' + self % 10);
  std::size_t len = std::strlen(path);
  for (int i = n - 1; i >= 0; --i) path[len++] = num[i];
  std::memcpy(path + len, "/children", 10);
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[4096];
  pid_t pid = 0;
  ssize_t got;
  while ((got = ::read(fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < got; ++i) {
      if (buf[i] >= '0' && buf[i] <= '9') {
        pid = pid * 10 + (buf[i] - '0');
      } else if (pid > 0) {
        ::kill(pid, SIGKILL);
        pid = 0;
      }
    }
  }
  if (pid > 0) ::kill(pid, SIGKILL);
  ::close(fd);
  return true;
}

// Closes every descriptor from `first` on (close_range, or one by one on older kernels).
void CloseFrom(int first) {
  if (::syscall(SYS_close_range, first, ~0U, 0) == 0) return;
  rlimit limit{};
  const rlim_t max = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 ? std::min<rlim_t>(limit.rlim_cur, 1 << 20) : 4096;
  for (rlim_t fd = static_cast<rlim_t>(first); fd < max; ++fd) ::close(static_cast<int>(fd));
}

[[noreturn]] void RunHelper(char* const* argv, char* const* envp, const char* cwd, int status_fd,
                            const sigset_t& signals, const sigset_t& old_mask) {
  ::setpgid(0, 0);  // off the engine's process group (a terminal's ^C is not for tasks)
  ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  const pid_t command = ::fork();
  if (command == 0) {
    ::setpgid(0, 0);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &dfl, nullptr);  // goclaw ignores SIGPIPE; the command should not
    ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
    sigset_t pipe_signal;  // nor have it blocked (the reactor thread blocks it)
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    ::sigprocmask(SIG_UNBLOCK, &pipe_signal, nullptr);
    if (cwd != nullptr && ::chdir(cwd) != 0) {
      int e = errno;
      (void)!::write(status_fd, &e, sizeof e);
      ::_exit(127);
    }
    ::execvpe(argv[0], argv, envp);
    int e = errno;
    (void)!::write(status_fd, &e, sizeof e);
    ::_exit(127);
  }
  ::close(status_fd);  // the engine sees EOF once the command exec'd (CLOEXEC) or failed
  if (command < 0) ::_exit(127);
  ::setpgid(command, command);  // also here, so the kill below cannot race the child's own
  int status = 0;
  bool exited = false;
  while (!exited) {
    const int sig = ::sigwaitinfo(&signals, nullptr);
    if (sig == SIGTERM) {
      status = SIGKILL;  // WIFSIGNALED, WTERMSIG == SIGKILL
      break;
    }
    int st = 0;
    pid_t r;
    while ((r = ::waitpid(-1, &st, WNOHANG)) > 0) {
      if (r == command) {
        status = st;
        exited = true;
      }
    }
  }
  // Contain: the command's group, then every child (re-parented orphans included) until none.
  ::kill(-command, SIGKILL);
  while (true) {
    if (!KillChildren()) {
      // No /proc children list: the process group was all we could reach.
      while (::waitpid(-1, nullptr, WNOHANG) > 0) {
      }
      break;
    }
    int st = 0;
    const pid_t r = ::waitpid(-1, &st, 0);
    if (r < 0 && errno == ECHILD) break;
    if (r == command && !exited) status = SIGKILL;
  }
  ExitLike(status);
}

}  // namespace

ExecExecutor::ExecExecutor(ExecOptions options) : options_(std::move(options)) {
  if (::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
  reactor_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

ExecExecutor::~ExecExecutor() { Shutdown(); }

std::optional<std::string> ExecExecutor::Unavailable() const {
  if (options_.enabled) return std::nullopt;
  return "exec tasks are disabled; set executors.exec.enabled: true and list the command in "
         "executors.exec.allow";
}

void ExecExecutor::CheckConfig(const boost::json::object& config, const std::string& path,
                               Diagnostics& diag) const {
  CheckExecConfig(config, path, diag, options_);
}

void CheckExecConfig(const boost::json::object& config, const std::string& path, Diagnostics& diag,
                     const ExecOptions& options_) {
  auto argv = CommandOf(config);
  if (!argv) {
    std::string message = argv.error().message();
    if (message.rfind("config.command", 0) == 0) message = message.substr(std::string("config.command").size());
    if (!message.empty() && message[0] == ':') message = message.substr(1);
    while (!message.empty() && message[0] == ' ') message = message.substr(1);
    diag.Add(JoinPath(path, "command"), message);
    return;
  }
  const std::string& program = (*argv)[0];
  if (options_.enabled && program.find("{{") == std::string::npos &&
      std::find(options_.allow.begin(), options_.allow.end(), program) == options_.allow.end()) {
    diag.Add(JoinPath(path, "command[0]"),
             "command " + QuoteForMessage(program) + " is not in executors.exec.allow");
  }
}

void ExecExecutor::Shutdown() {
  if (std::exchange(shut_down_, true)) return;
  reactor_.request_stop();
  Wake();
  reactor_.join();
  processes_.splice(processes_.end(), exiting_);
  for (auto& p : processes_) {
    ::kill(p->pid, SIGTERM);
    ::waitpid(p->pid, nullptr, 0);
    CloseFd(p->in);
    CloseFd(p->out);
    CloseFd(p->err);
    if (p->done) p->done(AttemptResult::Fail(ErrorCode::kCancelled, "engine shut down", true));
  }
  CloseFd(wake_pipe_[0]);
  CloseFd(wake_pipe_[1]);
}

void ExecExecutor::Wake() {
  char c = 1;
  if (wake_pipe_[1] >= 0) (void)!::write(wake_pipe_[1], &c, 1);
}

void ExecExecutor::Start(Attempt attempt, AttemptDone done) {
  if (!options_.enabled) {
    done(AttemptResult::Fail(ErrorCode::kFailedPrecondition,
                             "exec tasks are disabled; set executors.exec.enabled: true", false));
    return;
  }
  const boost::json::object* config = attempt.config.if_object();
  static const boost::json::object kEmpty;
  if (config == nullptr) config = &kEmpty;
  auto argv = CommandOf(*config);
  if (!argv) {
    done(AttemptResult{tl::unexpected<Error>(argv.error()), false});
    return;
  }
  if (std::find(options_.allow.begin(), options_.allow.end(), (*argv)[0]) == options_.allow.end()) {
    done(AttemptResult::Fail(ErrorCode::kFailedPrecondition,
                             "command \"" + (*argv)[0] +
                                 "\" is not in executors.exec.allow",
                             false));
    return;
  }
  auto env_strings = EnvironmentOf(*config);
  if (!env_strings) {
    done(AttemptResult{tl::unexpected<Error>(env_strings.error()), false});
    return;
  }
  std::string cwd;
  if (const auto* c = config->if_contains("cwd"); c && c->is_string()) {
    cwd = std::string(c->get_string());
    if (Status s = CheckNoNul(cwd, "config.cwd"); !s) {
      done(AttemptResult{tl::unexpected<Error>(s.error()), false});
      return;
    }
  }

  env_strings->push_back("GOCLAW_SIGNAL_FD=" + std::to_string(kSignalFd));
  env_strings->push_back("GOCLAW_IDEMPOTENCY_KEY=" + attempt.idempotency_key);
  env_strings->push_back("GOCLAW_ATTEMPT=" + std::to_string(attempt.number));
  if (!attempt.interrupt.is_null()) env_strings->push_back("GOCLAW_INTERRUPT=" + JsonText(attempt.interrupt));
  int in_pipe[2], out_pipe[2], err_pipe[2], status_pipe[2], sig_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe, O_CLOEXEC) != 0 || ::pipe2(status_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(sig_pipe, O_CLOEXEC) != 0) {
    done(AttemptResult::Fail(ErrorCode::kUnavailable,
                             std::string("cannot create pipes: ") + std::strerror(errno), true));
    return;
  }
  std::vector<char*> args, envp;
  for (auto& a : *argv) args.push_back(a.data());
  args.push_back(nullptr);
  for (auto& e : *env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  // The signals the helper waits for; blocked before the fork so none is lost.
  sigset_t helper_signals, old_mask;
  sigemptyset(&helper_signals);
  sigaddset(&helper_signals, SIGCHLD);
  sigaddset(&helper_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &helper_signals, &old_mask);
  pid_t pid = ::fork();
  if (pid == 0) {
    // The helper: pipes on 0/1/2, then it runs the command and contains what the command
    // starts (see RunHelper). Only async-signal-safe calls from here on.
    // The helper never execs, so O_CLOEXEC does not protect the engine's other descriptors
    // (other tasks' pipes: a stdin write end held here would keep that task's EOF away).
    // Keep 0/1/2, the status pipe (as 3) and the signal pipe's read end (as 4, inherited by
    // the command), close everything else.
    int status_fd = ::fcntl(status_pipe[1], F_DUPFD_CLOEXEC, 3);
    const int sig_fd = ::fcntl(sig_pipe[0], F_DUPFD, kSignalFd + 1);  // above what dup2 below overwrites
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    if (status_fd != 3) {
      ::dup2(status_fd, 3);
      ::fcntl(3, F_SETFD, FD_CLOEXEC);
    }
    ::dup2(sig_fd, kSignalFd);  // without FD_CLOEXEC
    CloseFrom(kSignalFd + 1);
    RunHelper(args.data(), envp.data(), cwd.empty() ? nullptr : cwd.c_str(), 3, helper_signals,
              old_mask);
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(status_pipe[1]);
  ::close(sig_pipe[0]);
  if (pid < 0) {
    ::close(sig_pipe[1]);
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    ::close(status_pipe[0]);
    done(AttemptResult::Fail(ErrorCode::kUnavailable,
                             std::string("cannot start a process: ") + std::strerror(errno), true));
    return;
  }
  // The status pipe closes on a successful exec (CLOEXEC) or carries the child's errno.
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(status_pipe[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(status_pipe[0]);
  if (n == sizeof child_errno) {
    ::waitpid(pid, nullptr, 0);
    ::close(sig_pipe[1]);
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    done(AttemptResult::Fail(ErrorCode::kFailedPrecondition,
                             "cannot run \"" + (*argv)[0] + "\": " + std::strerror(child_errno),
                             false));
    return;
  }
  auto p = std::make_shared<Process>();
  p->pid = pid;
  p->in = in_pipe[1];
  p->out = out_pipe[0];
  p->err = err_pipe[0];
  p->sig = sig_pipe[1];
  for (int fd : {p->in, p->out, p->err, p->sig}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  p->input = boost::json::serialize(*attempt.input);
  p->done = std::move(done);
  p->channel = attempt.channel;
  std::weak_ptr<Process> weak = p;
  {
    std::lock_guard lock(mu_);
    processes_.push_back(p);
  }
  attempt.channel->OnCancel([this, weak] {
    std::lock_guard lock(mu_);
    if (auto proc = weak.lock(); proc && !proc->exited && !proc->killed) {
      proc->killed = true;
      ::kill(proc->pid, SIGTERM);  // the helper kills the command and everything it started
    }
  });
  // Each signal becomes one JSON line on the command's GOCLAW_SIGNAL_FD.
  attempt.channel->OnMessage([this, weak](const ChannelMessage& m) {
    {
      std::lock_guard lock(mu_);
      auto proc = weak.lock();
      if (!proc || proc->sig < 0) return;
      proc->sig_out += JsonText(boost::json::object{{"seq", m.seq}, {"kind", m.kind}, {"payload", m.payload}});
      proc->sig_out += '\n';
      proc->sig_ends.emplace_back(proc->sig_out.size(), m.seq);
    }
    Wake();
  });
  Wake();
}

// Writes what is waiting for the command's signal pipe; returns the seqs written whole.
std::vector<std::uint64_t> ExecExecutor::WriteSignals(Process& p) {
  std::vector<std::uint64_t> written;
  std::lock_guard lock(mu_);
  if (p.sig < 0 || p.sig_out.empty()) return written;
  const ssize_t n = ::write(p.sig, p.sig_out.data(), p.sig_out.size());
  if (n < 0) {
    if (errno != EAGAIN) {  // the command closed its end: it wants no signals
      CloseFd(p.sig);
      p.sig_out.clear();
      p.sig_ends.clear();
    }
    return written;
  }
  const auto done = static_cast<std::size_t>(n);
  p.sig_out.erase(0, done);
  for (auto& [end, seq] : p.sig_ends) end -= std::min(end, done);
  while (!p.sig_ends.empty() && p.sig_ends.front().first == 0) {
    written.push_back(p.sig_ends.front().second);
    p.sig_ends.pop_front();
  }
  return written;
}

void ExecExecutor::Run(std::stop_token stop) {
  // Only this thread writes to the commands' stdin. A command that exits without reading all
  // of it must not end the process with SIGPIPE: blocked here, the write fails with EPIPE and
  // the signal stays pending on this thread (cleared below), whatever the process's SIGPIPE
  // disposition (main ignores it in goclaw; a program embedding the engine need not).
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
  std::vector<pollfd> fds;
  std::vector<std::pair<std::shared_ptr<Process>, int*>> owners;
  char buf[65536];
  while (!stop.stop_requested()) {
    fds.clear();
    owners.clear();
    fds.push_back({wake_pipe_[0], POLLIN, 0});
    owners.emplace_back(nullptr, nullptr);
    {
      std::lock_guard lock(mu_);
      for (auto& p : processes_) {
        if (p->in >= 0) {
          fds.push_back({p->in, POLLOUT, 0});
          owners.emplace_back(p, &p->in);
        }
        if (p->out >= 0) {
          fds.push_back({p->out, POLLIN, 0});
          owners.emplace_back(p, &p->out);
        }
        if (p->err >= 0) {
          fds.push_back({p->err, POLLIN, 0});
          owners.emplace_back(p, &p->err);
        }
        if (p->sig >= 0 && !p->sig_out.empty()) {
          fds.push_back({p->sig, POLLOUT, 0});
          owners.emplace_back(p, &p->sig);
        }
      }
    }
    // Processes whose pipes closed are reaped without blocking; poll briefly until they exit.
    int ready = ::poll(fds.data(), fds.size(), exiting_.empty() ? 1000 : 5);
    if (ready < 0 && errno != EINTR) break;
    if (fds[0].revents) {
      while (::read(wake_pipe_[0], buf, sizeof buf) > 0) {
      }
    }
    for (std::size_t k = 1; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      Process& p = *owners[k].first;
      int* fd = owners[k].second;
      if (fd == &p.sig) {
        for (std::uint64_t seq : WriteSignals(p)) p.channel->Ack(seq);
        const timespec now{0, 0};
        ::sigtimedwait(&pipe_signal, nullptr, &now);  // a closed reader raised SIGPIPE: consumed
        continue;
      }
      if (fd == &p.in) {
        ssize_t n = ::write(p.in, p.input.data() + p.written, p.input.size() - p.written);
        const int write_error = n < 0 ? errno : 0;
        if (n > 0) p.written += static_cast<std::size_t>(n);
        if (write_error == EPIPE) {
          const timespec now{0, 0};
          ::sigtimedwait(&pipe_signal, nullptr, &now);  // consume the pending SIGPIPE, if any
        }
        if (n < 0 && write_error != EAGAIN) p.written = p.input.size();  // reader gone
        if (p.written == p.input.size()) CloseFd(p.in);
        continue;
      }
      ssize_t n = ::read(*fd, buf, sizeof buf);
      if (n > 0) {
        if (fd == &p.out) {
          if (p.stdout_text.size() + static_cast<std::size_t>(n) > options_.max_stdout_bytes) {
            p.stdout_too_big = true;
            ::kill(p.pid, SIGTERM);
          } else {
            p.stdout_text.append(buf, static_cast<std::size_t>(n));
          }
        } else {
          p.stderr_text.append(buf, static_cast<std::size_t>(n));
          p.LogStderr(std::string_view(buf, static_cast<std::size_t>(n)), false);
          if (p.stderr_text.size() > 2 * options_.max_stderr_kept) {
            p.stderr_text.erase(0, p.stderr_text.size() - options_.max_stderr_kept);
          }
        }
      } else if (n == 0 || errno != EAGAIN) {
        if (fd == &p.err) p.LogStderr({}, true);
        CloseFd(*fd);
      }
    }
    // A process is done once its output pipes closed and it exited.
    {
      std::lock_guard lock(mu_);
      for (auto it = processes_.begin(); it != processes_.end();) {
        if ((*it)->out < 0 && (*it)->err < 0) {
          CloseFd((*it)->in);
          CloseFd((*it)->sig);
          exiting_.push_back(*it);
          it = processes_.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto it = exiting_.begin(); it != exiting_.end();) {
      int status = 0;
      pid_t r = ::waitpid((*it)->pid, &status, WNOHANG);
      if (r == 0) {
        ++it;
        continue;
      }
      {
        std::lock_guard lock(mu_);
        (*it)->exited = true;
      }
      Finish(**it, status);
      it = exiting_.erase(it);
    }
  }
}

void ExecExecutor::Finish(Process& p, int status) {
  std::string tail = p.stderr_text.size() > options_.max_stderr_kept
                         ? p.stderr_text.substr(p.stderr_text.size() - options_.max_stderr_kept)
                         : p.stderr_text;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) tail.pop_back();
  bool killed;
  {
    std::lock_guard lock(mu_);
    killed = p.killed;
  }
  AttemptDone done = std::move(p.done);
  if (killed) {
    done(AttemptResult::Fail(ErrorCode::kCancelled, "process killed", true));
  } else if (p.stdout_too_big) {
    done(AttemptResult::Fail(ErrorCode::kResourceExhausted,
                             "stdout is larger than " + std::to_string(options_.max_stdout_bytes) +
                                 " bytes; the process was killed",
                             false));
  } else if (WIFSIGNALED(status)) {
    done(AttemptResult::Fail(ErrorCode::kAborted,
                             "process killed by signal " + std::to_string(WTERMSIG(status)) +
                                 (tail.empty() ? "" : "; stderr: " + tail),
                             true));
  } else if (WEXITSTATUS(status) != 0) {
    done(AttemptResult::Fail(ErrorCode::kAborted,
                             "process exited with status " + std::to_string(WEXITSTATUS(status)) +
                                 (tail.empty() ? "" : "; stderr: " + tail),
                             true));
  } else {
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(p.stdout_text, ec);
    done(AttemptResult::Ok(ec ? boost::json::value(p.stdout_text) : std::move(parsed)));
  }
}

}  // namespace goclaw::exec
