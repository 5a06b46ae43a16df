// For the SDK's tests: bounded polling (the events come from other threads: a server's and the
// worker's; never a fixed sleep), a free loopback port, and a Worker run on a thread of its own.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "goclaw/sdk/worker.h"

namespace goclaw::sdk::testing {

// Polls `done` every 5 ms for up to `limit`: true once it holds.
inline bool WaitUntil(const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// A loopback port nothing listens on right now (bound, then released), for a server that must
// come back on the same port after a restart.
inline int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// A Worker and the thread its Run blocks.
class RunningWorker {
 public:
  RunningWorker(WorkerOptions options, const std::string& queue, Handler handler)
      : worker_(std::move(options)) {
    worker_.Handle(queue, std::move(handler));
    thread_ = std::thread([this] { done_ = worker_.Run(); });
  }
  ~RunningWorker() {
    IgnoreError(Stop(), "the test checked what it needed; this only stops the thread");
  }
  Worker& worker() { return worker_; }
  Status Stop() {
    worker_.Stop();
    if (thread_.joinable()) thread_.join();
    return done_;
  }

 private:
  Worker worker_;
  Status done_;
  std::thread thread_;
};

}  // namespace goclaw::sdk::testing
