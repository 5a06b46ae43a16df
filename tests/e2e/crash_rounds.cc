// The crash tests' shared pieces (crash_rounds.h).
#include "crash_rounds.h"

#include <signal.h>
#include <stdlib.h>

#include <thread>

#include <gtest/gtest.h>

namespace goclaw::testing {

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atoi(v) : fallback;
}

void SendUntilKilled(ServerProcess& server, std::chrono::milliseconds before_kill,
                     const std::function<void(client::testing::TestHttpClient&, const std::atomic<bool>& stop)>& send) {
  std::atomic<bool> stop{false};
  std::thread sender([&, port = server.port()] {
    try {
      client::testing::TestHttpClient c(port);
      send(c, stop);
    } catch (const std::exception&) {
      // connection refused: the server is gone
    }
  });
  std::this_thread::sleep_for(before_kill);
  EXPECT_EQ(server.Stop(SIGKILL), -1);
  stop = true;
  sender.join();
}

}  // namespace goclaw::testing
