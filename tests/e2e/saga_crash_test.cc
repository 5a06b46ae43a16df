// The crash test for sagas (issue 15): the real `goclaw server` on a RocksDB data dir; each
// round submits sagas as fast as it can — half of them fail at their last step — recording
// every 201, and the server is killed with SIGKILL at a random moment, while sagas run forward
// and compensate. After the last round the server restarts, and every acknowledged saga must
// settle where its spec leads: completed, or compensated with exactly its completed steps
// compensated, once each, in reverse order — nothing lost, nothing compensated twice, nothing
// compensated that did not complete.
//
// GOCLAW_SAGA_CRASH_ITERATIONS sets the number of kills (default 8).
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
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

// Four chained steps that take a little time each (so kills land mid-saga), each with a
// compensation that takes time too; `fail` makes the fourth step fail.
std::string Spec(bool fail) {
  std::string s = R"({"name": "crash", "tasks": [)";
  for (int i = 0; i < 4; ++i) {
    if (i > 0) s += ",";
    s += R"({"id": "s)" + std::to_string(i) + R"(")";
    if (i > 0) s += R"(, "depends_on": ["s)" + std::to_string(i - 1) + R"("])";
    s += (fail && i == 3) ? R"(, "config": {"op": "fail"})" : R"(, "config": {"op": "sleep", "duration": "15ms"})";
    s += R"(, "compensate": {"config": {"op": "sleep", "duration": "15ms"}}})";
  }
  return s + "]}";
}

std::vector<std::string> Strings(const boost::json::value& v) {
  std::vector<std::string> out;
  for (const auto& s : v.as_array()) out.emplace_back(s.as_string());
  return out;
}

TEST(SagaCrashTest, KillNineLosesNoSagaAndCompensatesEachCompletedStepOnce) {
  const int iterations = EnvInt("GOCLAW_SAGA_CRASH_ITERATIONS", 8);
  std::mt19937 rng(20261202);
  std::uniform_int_distribution<int> delay_ms(50, 400);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  std::vector<std::pair<std::string, bool>> acked;  // saga id, fails
  for (int i = 0; i < iterations; ++i) {
    ServerProcess server({}, data);
    ASSERT_GT(server.port(), 0) << "restart " << i << " failed:\n" << server.Stderr();
    SendUntilKilled(server, std::chrono::milliseconds(delay_ms(rng)), [&](TestHttpClient& c, const std::atomic<bool>& stop) {
      for (int n = 0; !stop.load(); ++n) {
        const bool fail = n % 2 == 1;
        auto r = c.PostJson("/api/v1/sagas", Spec(fail));
        if (r.status == 0) return;  // killed mid-request: not acknowledged
        ASSERT_EQ(r.status, 201) << r.body;
        acked.emplace_back(std::string(r.Json().at("saga_id").as_string()), fail);
      }
    });
  }
  ASSERT_FALSE(acked.empty());

  ServerProcess server({}, data);
  ASSERT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  for (const auto& [id, fail] : acked) {
    auto r = client.Get("/api/v1/sagas/" + id + "?wait=30s");
    ASSERT_EQ(r.status, 200) << id << " was acknowledged and lost: " << r.body;
    const boost::json::value st = r.Json();
    if (!fail) {
      EXPECT_EQ(st.at("state"), "completed") << st;
      EXPECT_TRUE(st.at("compensated_steps").as_array().empty()) << st;
      continue;
    }
    ASSERT_EQ(st.at("state"), "compensated") << st;
    EXPECT_EQ(st.at("failed_step"), "s3") << st;
    auto completed = Strings(st.at("completed_steps"));
    EXPECT_EQ(completed, (std::vector<std::string>{"s0", "s1", "s2"})) << st;
    std::reverse(completed.begin(), completed.end());
    EXPECT_EQ(Strings(st.at("compensated_steps")), completed) << st;  // each once, in reverse order
    // The compensation ran every step once per round; a step's attempts beyond the first are
    // the ones a kill cut short (they carried the same idempotency key).
    for (const auto& step : st.at("steps").as_array()) {
      if (step.at("id") == "s3") {
        EXPECT_EQ(step.at("compensation").at("state"), "none") << st;  // the failed step: never
        EXPECT_EQ(step.at("state"), "failed");
      } else {
        EXPECT_EQ(step.at("compensation").at("state"), "compensated") << st;
      }
    }
    if (::testing::Test::HasFailure()) break;
  }
  std::printf("saga crash test: %zu sagas acknowledged across %d kills\n", acked.size(), iterations);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
}

}  // namespace
}  // namespace goclaw::testing
