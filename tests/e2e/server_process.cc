// fork/exec of `goclaw server`, a thread that drains its stderr, and signal-based stops.
#include "server_process.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "goclaw/core/url.h"

namespace goclaw::testing {

namespace {

// The port of "gRPC listening on HOST:PORT " (text or JSON log line), else 0.
int GrpcPortIn(const std::string& err) {
  static constexpr std::string_view kGrpc = "gRPC listening on ";
  const std::size_t at = err.find(kGrpc);
  if (at == std::string::npos) return 0;
  const std::size_t end = err.find_first_of(" \n\"", at + kGrpc.size());
  const std::string address = err.substr(at + kGrpc.size(), end - at - kGrpc.size());
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) return 0;
  return std::atoi(address.c_str() + colon + 1);
}

}  // namespace

ServerProcess::ServerProcess(const std::vector<std::string>& args, std::string data_dir,
                             const std::string& binary)
    : data_dir_(std::move(data_dir)) {
  if (data_dir_.empty()) {
    char tmpl[] = "/tmp/goclaw-e2e-data-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();
    data_dir_ = tmpl;
    own_data_dir_ = true;
  }
  int err_pipe[2];
  if (pipe(err_pipe) != 0) std::abort();
  std::vector<std::string> all = {binary.empty() ? GOCLAW_BINARY_PATH : binary, "--set", "server.port=0", "--set", "grpc.port=0",
                                  "--set", "storage.path=" + data_dir_};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back("server");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(err_pipe[1], 2);
    close(err_pipe[0]);
    close(err_pipe[1]);
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(err_pipe[1]);
  reader_ = std::thread([this, fd = err_pipe[0]] {
    char buf[4096];
    while (true) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      {
        std::lock_guard lock(mu_);
        err_.append(buf, static_cast<std::size_t>(n));
      }
      cv_.notify_all();
    }
    close(fd);
    {
      std::lock_guard lock(mu_);
      err_ += "\n<eof>";
    }
    cv_.notify_all();
  });
  // "goclaw server listening on http://127.0.0.1:PORT  (Ctrl-C to stop)"
  static constexpr std::string_view kListening = "goclaw server listening on ";
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::seconds(30), [&] {
    std::size_t at = err_.find(kListening);
    std::size_t end = at == std::string::npos ? at : err_.find_first_of(" \n", at + kListening.size());
    if (end != std::string::npos) {  // the whole URL has arrived
      const std::size_t start = at + kListening.size();
      if (auto url = ParseUrl(std::string_view(err_).substr(start, end - start))) {
        port_ = url->port;
        grpc_port_ = GrpcPortIn(err_);  // logged before the HTTP line is printed
        return true;
      }
    }
    return err_.find("<eof>") != std::string::npos;
  });
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGKILL, 10);
  if (reader_.joinable()) reader_.join();
  if (own_data_dir_) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
}

int ServerProcess::Stop(int signal, int timeout_seconds) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal);
  int status = 0;
  for (int i = 0; i < timeout_seconds * 100; ++i) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    usleep(10000);
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

std::string ServerProcess::Stderr() {
  std::lock_guard lock(mu_);
  return err_;
}

}  // namespace goclaw::testing
