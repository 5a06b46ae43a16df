// Subprocesses: spawn with pipes, feed stdin, collect stdout/stderr, reap, kill on cancel.
#include "goclaw/engine/exec_executor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

extern char** environ;

namespace goclaw::engine {

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
};

namespace {

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
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
    argv.emplace_back(a.get_string());
  }
  return argv;
}

}  // namespace

ExecExecutor::ExecExecutor(ExecOptions options) : options_(std::move(options)) {
  // A child that exits without reading all of its input must not kill the engine with SIGPIPE
  // when we write to it; the write then fails with EPIPE instead.
  ::signal(SIGPIPE, SIG_IGN);
  if (::pipe2(wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) wake_pipe_[0] = wake_pipe_[1] = -1;
  reactor_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

ExecExecutor::~ExecExecutor() {
  reactor_.request_stop();
  Wake();
  reactor_.join();
  processes_.splice(processes_.end(), exiting_);
  for (auto& p : processes_) {
    ::kill(-p->pid, SIGKILL);
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
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  if (const auto* env = config->if_contains("env"); env && env->is_object()) {
    for (const auto& kv : env->get_object()) {
      std::string value = kv.value().is_string() ? std::string(kv.value().get_string())
                                                  : boost::json::serialize(kv.value());
      env_strings.push_back(std::string(kv.key()) + "=" + value);
    }
  }
  std::string cwd;
  if (const auto* c = config->if_contains("cwd"); c && c->is_string()) cwd = std::string(c->get_string());

  int in_pipe[2], out_pipe[2], err_pipe[2], status_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe, O_CLOEXEC) != 0 || ::pipe2(status_pipe, O_CLOEXEC) != 0) {
    done(AttemptResult::Fail(ErrorCode::kUnavailable,
                             std::string("cannot create pipes: ") + std::strerror(errno), true));
    return;
  }
  std::vector<char*> args, envp;
  for (auto& a : *argv) args.push_back(a.data());
  args.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid == 0) {
    // Child: own process group, pipes on 0/1/2, then exec. Only async-signal-safe calls.
    ::setpgid(0, 0);
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) {
      int e = errno;
      (void)!::write(status_pipe[1], &e, sizeof e);
      ::_exit(127);
    }
    ::execvpe(args[0], args.data(), envp.data());
    int e = errno;
    (void)!::write(status_pipe[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(status_pipe[1]);
  if (pid < 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    ::close(err_pipe[0]);
    ::close(status_pipe[0]);
    done(AttemptResult::Fail(ErrorCode::kUnavailable,
                             std::string("cannot start a process: ") + std::strerror(errno), true));
    return;
  }
  ::setpgid(pid, pid);  // also from the parent, so a kill cannot race the child's own setpgid
  // The status pipe closes on a successful exec (CLOEXEC) or carries the child's errno.
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(status_pipe[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(status_pipe[0]);
  if (n == sizeof child_errno) {
    ::waitpid(pid, nullptr, 0);
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
  for (int fd : {p->in, p->out, p->err}) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  p->input = boost::json::serialize(*attempt.input);
  p->done = std::move(done);
  std::weak_ptr<Process> weak = p;
  {
    std::lock_guard lock(mu_);
    processes_.push_back(p);
  }
  attempt.cancel->OnCancel([this, weak] {
    std::lock_guard lock(mu_);
    if (auto proc = weak.lock(); proc && !proc->exited && !proc->killed) {
      proc->killed = true;
      ::kill(-proc->pid, SIGKILL);
    }
  });
  Wake();
}

void ExecExecutor::Run(std::stop_token stop) {
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
      if (fd == &p.in) {
        ssize_t n = ::write(p.in, p.input.data() + p.written, p.input.size() - p.written);
        if (n > 0) p.written += static_cast<std::size_t>(n);
        if (n < 0 && errno != EAGAIN) p.written = p.input.size();  // reader gone
        if (p.written == p.input.size()) CloseFd(p.in);
        continue;
      }
      ssize_t n = ::read(*fd, buf, sizeof buf);
      if (n > 0) {
        if (fd == &p.out) {
          if (p.stdout_text.size() + static_cast<std::size_t>(n) > options_.max_stdout_bytes) {
            p.stdout_too_big = true;
            ::kill(-p.pid, SIGKILL);
          } else {
            p.stdout_text.append(buf, static_cast<std::size_t>(n));
          }
        } else {
          p.stderr_text.append(buf, static_cast<std::size_t>(n));
          if (p.stderr_text.size() > 2 * options_.max_stderr_kept) {
            p.stderr_text.erase(0, p.stderr_text.size() - options_.max_stderr_kept);
          }
        }
      } else if (n == 0 || errno != EAGAIN) {
        CloseFd(*fd);
      }
    }
    // A process is done once its output pipes closed and it exited.
    {
      std::lock_guard lock(mu_);
      for (auto it = processes_.begin(); it != processes_.end();) {
        if ((*it)->out < 0 && (*it)->err < 0) {
          CloseFd((*it)->in);
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

}  // namespace goclaw::engine
