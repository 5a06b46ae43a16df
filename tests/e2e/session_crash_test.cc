// The crash test for session queues (issue 14): the real `goclaw server` with a followup session
// kind, on a RocksDB data dir. Each round posts inputs to a few sessions as fast as it can
// (recording every acknowledged one) while their runs (a short sleep, then an echo of the input)
// end and start the next waiting input, and is killed with SIGKILL at a random moment. After the
// last round the server restarts, every session drains, and the runs, read back in creation
// order per session (the session is in each run's metadata), show every acknowledged input ran,
// in the order it was acknowledged in: waiting inputs are stored before the answer and survive
// kill -9, and a run's end starts the next one across restarts.
//
// No waiting input runs twice: a start's run id and inputs are recorded before the start
// (signal/session_tables.h, `starting`), so a crash between the two is resolved at restart.
//
// GOCLAW_SESSION_CRASH_ITERATIONS sets the number of kills (default 8).
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/client/test_http_client.h"
#include "crash_rounds.h"
#include "run_command.h"
#include "server_process.h"

namespace goclaw::testing {
namespace {

using client::testing::TestHttpClient;

constexpr int kSessions = 3;
constexpr const char* kConfig = R"(
sessions:
  - match: "q:*"
    queue_mode: followup
    cap: 100000
    workflow:
      name: queued
      tasks:
        - {id: pause, config: {op: sleep, duration: 5ms}}
        - {id: echo, depends_on: [pause], config: {op: echo}}
)";

TEST(SessionCrashTest, KillNineLosesNoAcknowledgedSessionInput) {
  const int iterations = EnvInt("GOCLAW_SESSION_CRASH_ITERATIONS", 8);
  std::mt19937 rng(20261203);
  std::uniform_int_distribution<int> delay_ms(30, 300);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const std::vector<std::string> args = {"--config", dir.Write("goclaw.yaml", kConfig)};
  std::map<std::string, std::vector<std::int64_t>> acked;  // session -> inputs, in answer order
  std::int64_t next_n = 0;

  for (int i = 0; i < iterations; ++i) {
    ServerProcess server(args, data);
    ASSERT_GT(server.port(), 0) << "restart " << i << " failed:\n" << server.Stderr();
    SendUntilKilled(server, std::chrono::milliseconds(delay_ms(rng)), [&](TestHttpClient& c, const std::atomic<bool>& stop) {
      while (!stop.load()) {
        const std::int64_t n = next_n++;
        const std::string session = "q:s" + std::to_string(n % kSessions);
        auto r = c.PostJson("/api/v1/sessions/" + session + "/input", R"({"input": {"n": )" + std::to_string(n) + "}}");
        if (r.status == 0) return;  // killed mid-request: not acknowledged
        ASSERT_EQ(r.status, 202) << r.body;
        acked[session].push_back(n);
      }
    });
  }
  ASSERT_FALSE(acked.empty());

  ServerProcess server(args, data);
  ASSERT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  // Every session drains.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (const auto& [session, sent] : acked) {
    while (true) {
      const boost::json::value view = client.Get("/api/v1/sessions/" + session).Json();
      if (view.at("active_run").is_null() && view.at("waiting").as_array().empty()) break;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << session << " did not drain: " << view;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  // Every run, oldest first (ids sort by creation), by session: what it echoed.
  std::map<std::string, std::vector<std::int64_t>> ran;
  std::string cursor;
  while (true) {
    const boost::json::value page =
        client.Get("/api/v1/workflows?name=queued&limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor)).Json();
    for (const auto& w : page.at("workflows").as_array()) {
      const boost::json::value st = client.Get("/api/v1/workflows/" + std::string(w.at("id").as_string())).Json();
      ASSERT_EQ(st.at("status"), "completed") << st;
      const std::string session(st.at("metadata").at("session").as_string());
      for (const auto& t : st.at("tasks").as_array()) {
        if (t.at("id") == "echo") ran[session].push_back(t.at("result").at("n").as_int64());
      }
    }
    if (page.at("next_cursor").is_null()) break;
    cursor = std::string(page.at("next_cursor").as_string());
  }
  std::size_t inputs = 0, repeats = 0;
  for (const auto& [session, sent] : acked) {
    inputs += sent.size();
    // Every acknowledged input ran, in the order acknowledged (inputs whose answer the kill
    // took may have run too); a repeat is only ever of the run just before.
    std::vector<std::int64_t> unique;
    for (std::int64_t n : ran[session]) {
      if (!unique.empty() && unique.back() == n) {
        ++repeats;
      } else {
        unique.push_back(n);
      }
    }
    std::size_t at = 0;
    for (std::int64_t n : sent) {
      while (at < unique.size() && unique[at] != n) ++at;
      ASSERT_LT(at, unique.size()) << session << ": acknowledged input " << n << " was lost or ran out of order";
    }
  }
  std::printf("session crash test: %zu inputs acknowledged to %d sessions across %d kills; %zu ran twice\n", inputs,
              kSessions, iterations, repeats);
  EXPECT_EQ(repeats, 0u) << "a waiting input ran twice";
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
}

}  // namespace
}  // namespace goclaw::testing
