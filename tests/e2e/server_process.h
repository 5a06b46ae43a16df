// Runs the real `goclaw server` in the background for end-to-end tests: starts it on free
// ports (HTTP and gRPC) with its store in a data directory (a fresh temp dir, removed
// afterwards, unless one is given), learns the ports from what it prints and logs, keeps its
// stderr, and stops it with a signal.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace goclaw::testing {

class ServerProcess {
 public:
  // Starts `goclaw <args...> server` with --set server.port=0, grpc.port=0 (args may override
  // it) and the data dir; waits until it listens (or exits). `binary` empty: the build's goclaw
  // (GOCLAW_BINARY_PATH); else that one (an installed copy).
  explicit ServerProcess(const std::vector<std::string>& args = {}, std::string data_dir = "",
                         const std::string& binary = "");
  ~ServerProcess();  // SIGKILL if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }  // 0 if it never listened
  // The gRPC port from its "gRPC listening on HOST:PORT" log line (log.level info or lower);
  // 0 when gRPC is off or the line was not logged.
  int grpc_port() const { return grpc_port_; }
  const std::string& data_dir() const { return data_dir_; }
  pid_t pid() const { return pid_; }
  // Sends `signal` and waits up to `timeout_seconds`; returns the exit code (-1: killed).
  int Stop(int signal, int timeout_seconds = 30);
  std::string Stderr();

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  int grpc_port_ = 0;
  std::string data_dir_;
  bool own_data_dir_ = false;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string err_;
};

}  // namespace goclaw::testing
