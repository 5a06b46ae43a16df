// The crash test for signals (issue 14): the real `goclaw server` on a RocksDB data dir; each
// round submits a workflow whose collecting task has not started yet (it waits behind a gate),
// sends it `collect` signals as fast as it can (recording every 202 with its seq), and is
// killed with SIGKILL at a random moment. After the last round the server restarts, every
// gate is opened, and every workflow must show: every acknowledged signal stored once, with
// the seq it was acknowledged with; seqs 1..n without gaps; and the collector received each
// stored signal exactly once — nothing lost, nothing delivered twice under a new seq.
//
// GOCLAW_SIGNAL_CRASH_ITERATIONS sets the number of kills (default 10).
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <random>
#include <set>
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

// The collector gathers up to 1000 signals and stops 1.5 s after the gate opens.
constexpr const char* kSpec = R"({
  "name": "signal-crash",
  "tasks": [
    {"id": "gate", "config": {"op": "wait_signal", "name": "go"}},
    {"id": "collector", "depends_on": ["gate"], "config": {"op": "collect", "count": 1000, "timeout": "1500ms"}}
  ]
})";

struct Sent {
  std::string workflow;
  std::int64_t n;    // the payload's number, unique in the test
  std::int64_t seq;  // as the 202 said
};

TEST(SignalCrashTest, KillNineLosesNoAcknowledgedSignalAndRenumbersNone) {
  const int iterations = EnvInt("GOCLAW_SIGNAL_CRASH_ITERATIONS", 10);
  std::mt19937 rng(20261202);
  std::uniform_int_distribution<int> delay_ms(30, 300);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  std::vector<std::string> workflows;
  std::vector<Sent> acked;
  std::int64_t next_n = 0;

  for (int i = 0; i < iterations; ++i) {
    ServerProcess server({}, data);
    ASSERT_GT(server.port(), 0) << "restart " << i << " failed:\n" << server.Stderr();
    TestHttpClient client(server.port());
    auto r = client.Request("POST", "/api/v1/workflows?async=true", kSpec, {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 202) << r.body;
    const std::string id(r.Json().at("id").as_string());
    workflows.push_back(id);
    SendUntilKilled(server, std::chrono::milliseconds(delay_ms(rng)), [&](TestHttpClient& c, const std::atomic<bool>& stop) {
      while (!stop.load()) {
        const std::int64_t n = next_n++;
        auto s = c.PostJson("/api/v1/workflows/" + id + "/signals",
                            R"({"kind": "collect", "task": "collector", "payload": {"request_id": ")" +
                                std::to_string(n) + R"(", "result": )" + std::to_string(n) + "}}");
        if (s.status == 0) return;  // killed mid-request: not acknowledged
        ASSERT_EQ(s.status, 202) << s.body;
        acked.push_back({id, n, s.Json().at("seq").as_int64()});
      }
    });
  }
  ASSERT_FALSE(acked.empty());

  ServerProcess server({}, data);
  ASSERT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  for (const std::string& id : workflows) {
    auto go = client.PostJson("/api/v1/workflows/" + id + "/signals", R"({"kind": "go", "task": "gate"})");
    ASSERT_EQ(go.status, 202) << id << ": " << go.body;
  }
  std::map<std::string, std::map<std::int64_t, std::int64_t>> acked_by_workflow;  // n -> seq
  for (const Sent& s : acked) acked_by_workflow[s.workflow][s.n] = s.seq;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (const std::string& id : workflows) {
    boost::json::value st;
    while (true) {
      auto r = client.Get("/api/v1/workflows/" + id);
      ASSERT_EQ(r.status, 200) << r.body;
      st = r.Json();
      if (st.at("status") == "completed" || st.at("status") == "failed") break;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << id << " did not finish: " << r.body;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Stored: seqs 1..n without gaps; every acknowledged one with its seq, once.
    auto list = client.Get("/api/v1/workflows/" + id + "/signals?task=collector");
    ASSERT_EQ(list.status, 200);
    const boost::json::value listed = list.Json();
    std::map<std::int64_t, std::int64_t> stored;  // n -> seq
    std::int64_t expected_seq = 1;
    for (const auto& s : listed.at("signals").as_array()) {
      EXPECT_EQ(s.at("seq").as_int64(), expected_seq++) << id << ": a gap in the signal seqs";
      const auto n = s.at("payload").at("result").as_int64();
      EXPECT_FALSE(stored.contains(n)) << id << ": signal " << n << " stored twice";
      stored[n] = s.at("seq").as_int64();
      EXPECT_EQ(s.at("state"), "acknowledged") << id << ": " << s;
    }
    for (const auto& [n, seq] : acked_by_workflow[id]) {
      ASSERT_TRUE(stored.contains(n)) << id << ": acknowledged signal " << n << " was lost";
      EXPECT_EQ(stored[n], seq) << id << ": signal " << n << " was acknowledged as " << seq;
    }
    if (stored.empty()) {  // killed before any signal was stored: the collector timed out empty
      EXPECT_EQ(st.at("status"), "failed") << id << ": " << st;
      continue;
    }
    ASSERT_EQ(st.at("status"), "completed") << id << ": " << st;
    // Received by the collector exactly once each.
    std::multiset<std::int64_t> received;
    for (const auto& t : st.at("tasks").as_array()) {
      if (t.at("id") != "collector") continue;
      for (const auto& res : t.at("result").at("results").as_array()) received.insert(res.at("result").as_int64());
    }
    EXPECT_EQ(received.size(), stored.size()) << id;
    for (const auto& [n, seq] : stored) EXPECT_EQ(received.count(n), 1u) << id << ": signal " << n;
    if (::testing::Test::HasFailure()) break;
  }
  std::printf("signal crash test: %zu signals acknowledged to %zu workflows across %d kills\n", acked.size(),
              workflows.size(), iterations);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
}

}  // namespace
}  // namespace goclaw::testing
