// The crash test (issue 6): the real `goclaw server` on a RocksDB data dir, workflows submitted
// continuously over REST (every id acknowledged with 201/202 recorded), kill -9 at a random
// moment, restart on the same dir, again and again. Then: the store opened cleanly every time,
// every acknowledged workflow exists and completes, every task's final state agrees with its
// dependencies, each task's history is an unbroken attempt sequence (a second `running` only
// after a recorded `retrying`), no task completes twice, and event seqs run 1..n without gaps.
//
// GOCLAW_CRASH_ITERATIONS sets the number of kills (default 20; `make crash-test` runs 200);
// GOCLAW_CRASH_SEED the random seed (default: fixed, printed).
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
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

// Sleeps so that kills land while attempts run, a fan-in, a task that fails its first attempt
// and succeeds on retry (so retries and crashes interleave), and outputs near every size limit
// (issue 12): d's output is just under limits.max_output_bytes, e's resolved config just under
// limits.max_config_bytes, and the workflow's outputs together just under
// limits.max_workflow_output_bytes (the server runs with the limits below).
constexpr std::size_t kLimit = 64 * 1024;
constexpr std::size_t kPad = kLimit - 200;
const std::vector<std::string> kLimitArgs = {
    "--set", "limits.max_output_bytes=" + std::to_string(kLimit),
    "--set", "limits.max_config_bytes=" + std::to_string(kLimit),
    "--set", "limits.max_workflow_output_bytes=" + std::to_string(2 * kLimit + 1024)};

const std::string& Spec() {
  static const std::string spec = R"({
  "name": "crash",
  "tasks": [
    {"id": "a", "config": {"op": "sleep", "duration": "20ms"}},
    {"id": "b", "depends_on": ["a"], "config": {"op": "sleep", "duration": "40ms"}},
    {"id": "c", "depends_on": ["a"], "config": {"op": "fail", "times": 1},
     "retries": {"max": 3, "backoff": "fixed", "initial": "10ms"}},
    {"id": "d", "depends_on": ["b", "c"], "config": {"op": "echo", "x": ")" + std::string(kPad, 'd') + R"("}},
    {"id": "e", "depends_on": ["d"], "config": {"op": "echo", "copy": "{{tasks.d.output.x}}"}}
  ]
})";
  return spec;
}

const std::map<std::string, std::vector<std::string>> kDeps = {
    {"a", {}}, {"b", {"a"}}, {"c", {"a"}}, {"d", {"b", "c"}}, {"e", {"d"}}};

// Submits until the server goes away; records what was acknowledged.
void Submitter(int port, std::atomic<bool>& stop, std::mutex& mu, std::vector<std::string>& acked) {
  try {
    TestHttpClient client(port);
    while (!stop.load()) {
      auto r = client.Request("POST", "/api/v1/workflows?async=true", Spec(), {{"Content-Type", "application/json"}});
      if (r.status == 0) return;  // the server died mid-request: not acknowledged
      if (r.status == 201 || r.status == 202) {
        std::lock_guard lock(mu);
        acked.push_back(std::string(r.Json().at("id").as_string()));
      }
      // A steady stream rather than a flood: the check afterwards reads every workflow back.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  } catch (const std::exception&) {
    // connection refused: the server is gone
  }
}

void CheckHistory(const std::string& id, const boost::json::array& events) {
  std::map<std::string, int> completed, last_attempt;
  std::map<std::string, bool> retried;  // a retrying event since the last running
  std::map<std::string, std::uint64_t> completed_at, first_running_at;
  for (std::size_t k = 0; k < events.size(); ++k) {
    const auto& e = events[k].as_object();
    ASSERT_EQ(e.at("seq").as_int64(), static_cast<std::int64_t>(k + 1)) << id << ": a gap in the history";
    if (!e.contains("task_id")) continue;  // the workflow's own event
    const std::string task(e.at("task_id").as_string());
    const std::string to(e.at("to").as_string());
    const int attempt = e.contains("attempt") ? static_cast<int>(e.at("attempt").as_int64()) : 0;
    if (to == "running") {
      if (last_attempt.contains(task)) {
        EXPECT_TRUE(retried[task]) << id << ": " << task << " ran again without a recorded retry";
        EXPECT_EQ(attempt, last_attempt[task] + 1) << id << ": " << task << " skipped an attempt number";
      } else {
        first_running_at[task] = k + 1;
      }
      last_attempt[task] = attempt;
      retried[task] = false;
    } else if (to == "retrying") {
      retried[task] = true;
    } else if (to == "completed") {
      ++completed[task];
      completed_at[task] = k + 1;
    }
  }
  for (const auto& [task, deps] : kDeps) {
    EXPECT_EQ(completed[task], 1) << id << ": " << task << " completed " << completed[task] << " times";
    for (const std::string& dep : deps) {
      EXPECT_LT(completed_at[dep], first_running_at[task]) << id << ": " << task << " ran before " << dep
                                                           << " completed";
    }
  }
}

TEST(CrashTest, KillNineLosesNothingAcknowledged) {
  const int iterations = EnvInt("GOCLAW_CRASH_ITERATIONS", 20);
  const unsigned seed = static_cast<unsigned>(EnvInt("GOCLAW_CRASH_SEED", 20261201));
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> delay_ms(50, 600);
  TempDir dir;
  const std::string data = dir.path() + "/data";
  std::mutex mu;
  std::vector<std::string> acked;
  std::printf("crash test: %d kills, seed %u, data dir %s\n", iterations, seed, data.c_str());

  for (int i = 0; i < iterations; ++i) {
    ServerProcess server(kLimitArgs, data);
    ASSERT_GT(server.port(), 0) << "restart " << i << " failed:\n" << server.Stderr();
    std::atomic<bool> stop{false};
    std::vector<std::thread> submitters;
    for (int t = 0; t < 2; ++t) {
      submitters.emplace_back([&, port = server.port()] { Submitter(port, stop, mu, acked); });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    EXPECT_EQ(server.Stop(SIGKILL), -1);  // killed, not exited
    stop = true;
    for (auto& t : submitters) t.join();
  }
  ASSERT_FALSE(acked.empty());

  ServerProcess server(kLimitArgs, data);
  ASSERT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  std::set<std::string> unique(acked.begin(), acked.end());
  EXPECT_EQ(unique.size(), acked.size()) << "an id was acknowledged twice";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (const std::string& id : acked) {
    boost::json::value st;
    while (true) {
      auto r = client.Get("/api/v1/workflows/" + id);
      ASSERT_EQ(r.status, 200) << "acknowledged workflow " << id << " is missing: " << r.body;
      st = r.Json();
      const std::string state(st.at("status").as_string());
      if (state == "completed" || state == "failed" || state == "cancelled") break;
      ASSERT_LT(std::chrono::steady_clock::now(), deadline)
          << id << " did not finish: " << state << "\n" << r.body << "\n"
          << client.Get("/api/v1/workflows/" + id + "/events").body;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_EQ(st.at("status"), "completed") << id << ": " << st.at("error");
    for (const auto& t : st.at("tasks").as_array()) {
      EXPECT_EQ(t.at("status"), "completed") << id << " task " << t.at("id");
    }
    // The outputs near the limits came through every crash whole.
    for (const auto& t : st.at("tasks").as_array()) {
      if (t.at("id") == "d") {
        EXPECT_EQ(t.at("result").at("x").as_string().size(), kPad) << id;
      } else if (t.at("id") == "e") {
        EXPECT_EQ(t.at("result").at("copy").as_string().size(), kPad) << id;
      }
    }
    auto events = client.Get("/api/v1/workflows/" + id + "/events");
    ASSERT_EQ(events.status, 200);
    CheckHistory(id, events.Json().at("events").as_array());
    if (::testing::Test::HasFailure()) break;  // one broken workflow tells the story
  }
  std::printf("crash test: %zu workflows acknowledged across %d kills, all completed\n", acked.size(), iterations);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
}

}  // namespace
}  // namespace goclaw::testing
