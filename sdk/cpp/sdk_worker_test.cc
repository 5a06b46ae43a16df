// Integration tests of sdk::Worker against the real server in process: `type: remote` tasks
// run by the handler with progress and logs, capacity as flow control, a signal mid-task
// (acknowledged), a cancel mid-task, heartbeats that keep a long attempt alive, and a server
// restart under a running attempt (abandoned locally, run again as the next attempt after the
// worker reconnects).
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <mutex>

#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/engine/engine.h"

#include "sdk_test_fixture.h"

namespace goclaw::sdk::testing {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

// `count` remote tasks of queue `queue`, each with config {queue, n: i}.
std::string RemoteSpec(const std::string& queue, int count, const std::string& extra = "") {
  std::string spec = "name: remote\ntasks:\n";
  for (int i = 0; i < count; ++i) {
    spec += "  - {id: t" + std::to_string(i) + ", type: remote" + extra +
            ", config: {queue: " + queue + ", n: " + std::to_string(i) + "}}\n";
  }
  return spec;
}

WorkerOptions Options(const std::string& target, int capacity = 1) {
  return {.target = target,
          .name = "sdk-test",
          .capacity = capacity,
          .labels = {{"test", "sdk"}},
          .initial_backoff = milliseconds(50),
          .max_backoff = milliseconds(500),
          .seed = 1,
          // GOCLAW_SDK_TEST_LOG=1 shows what the worker says (connects, refusals).
          .log = [](std::string_view line) {
            if (std::getenv("GOCLAW_SDK_TEST_LOG") != nullptr)
              std::cerr << "worker: " << line << "\n";
          }};
}

class WorkerTest : public SdkServerTest {
 protected:
  void SetUp() override { Restart(Config()); }
};

TEST_F(WorkerTest, RunsRemoteTasksWithProgressAndLogs) {
  RunningWorker w(Options(Target(), 2), "q", [](Task& task) {
    task.Progress(0.5, "half way");
    task.Log("working on " + task.task_id());
    auto config = boost::json::parse(task.config_json());
    return Outcome::Success(R"({"n": )" + std::to_string(config.at("n").as_int64()) +
                            R"(, "attempt": )" + std::to_string(task.attempt()) + "}");
  });
  auto submitted = client_->SubmitWorkflow(RemoteSpec("q", 3), {},
                                           {.wait = true, .wait_for = milliseconds(20000)});
  ASSERT_TRUE(submitted) << submitted.error().ToString();
  ASSERT_TRUE(submitted->final_status);
  ASSERT_EQ(submitted->final_status->status(), v1::WORKFLOW_STATUS_COMPLETED)
      << submitted->final_status->DebugString();
  for (int i = 0; i < 3; ++i) {
    auto r = client_->GetTaskResult(submitted->workflow_id, "t" + std::to_string(i));
    ASSERT_TRUE(r);
    auto out = boost::json::parse(r->result_data());
    EXPECT_EQ(out.at("n"), i);
    EXPECT_EQ(out.at("attempt"), 1);
  }
  auto logs = server_->engine().Logs(submitted->workflow_id, "t1");
  ASSERT_TRUE(logs) << logs.error().ToString();
  std::string text;
  for (const auto& line : logs->lines) text += line.stream + ": " + line.text + "\n";
  EXPECT_THAT(text, HasSubstr("log: working on t1"));
  EXPECT_THAT(text, HasSubstr("half way"));
  EXPECT_TRUE(WaitUntil([&] { return w.worker().stats().results_accepted == 3; }));
  const WorkerStats stats = w.worker().stats();
  EXPECT_TRUE(stats.connected);
  EXPECT_EQ(stats.connections, 1);
  EXPECT_EQ(stats.assignments, 3);
  EXPECT_EQ(stats.results_refused, 0);
  EXPECT_THAT(stats.worker_id, ::testing::Not(::testing::IsEmpty()));
  EXPECT_TRUE(w.Stop());
}

TEST_F(WorkerTest, CapacityBoundsWhatRunsAtOnce) {
  std::atomic<int> running{0}, most{0};
  RunningWorker w(Options(Target(), 2), "q", [&](Task& task) {
    const int now = ++running;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    task.WaitCancelled(milliseconds(100));
    --running;
    return Outcome::Success();
  });
  auto submitted = client_->SubmitWorkflow(RemoteSpec("q", 6), {},
                                           {.wait = true, .wait_for = milliseconds(20000)});
  ASSERT_TRUE(submitted) << submitted.error().ToString();
  ASSERT_EQ(submitted->final_status->status(), v1::WORKFLOW_STATUS_COMPLETED);
  EXPECT_EQ(most.load(), 2);
}

TEST_F(WorkerTest, ASignalMidTaskReachesTheHandlerAndIsAcknowledged) {
  std::atomic<bool> started{false};
  RunningWorker w(Options(Target()), "q", [&](Task& task) {
    started = true;
    std::optional<Signal> s = task.WaitSignal(milliseconds(15000));
    if (!s) return Outcome::Failure("no signal", false);
    return Outcome::Success(R"({"kind": ")" + s->kind + R"(", "payload": )" + s->payload_json +
                            "}");
  });
  auto submitted = client_->SubmitWorkflow(RemoteSpec("q", 1));
  ASSERT_TRUE(submitted) << submitted.error().ToString();
  ASSERT_TRUE(WaitUntil([&] { return started.load(); }));
  auto sent = client_->Signal(submitted->workflow_id, "t0", "steer",
                              R"({"parameters": {"focus": "costs"}})");
  ASSERT_TRUE(sent) << sent.error().ToString();
  ASSERT_EQ(Finished(submitted->workflow_id).status(), v1::WORKFLOW_STATUS_COMPLETED);
  auto r = client_->GetTaskResult(submitted->workflow_id, "t0");
  ASSERT_TRUE(r);
  auto out = boost::json::parse(r->result_data());
  EXPECT_EQ(out.at("kind"), "steer");
  EXPECT_EQ(out.at("payload").at("parameters").at("focus"), "costs");
  auto listed = client_->ListSignals(submitted->workflow_id);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->signals_size(), 1);
  ASSERT_EQ(listed->signals(0).deliveries_size(), 1);
  EXPECT_EQ(listed->signals(0).deliveries(0).state(), "acknowledged");
  EXPECT_EQ(w.worker().stats().signals_received, 1);
}

TEST_F(WorkerTest, ACancelMidTaskStopsTheHandler) {
  std::atomic<bool> started{false};
  std::mutex mu;
  std::string reason;
  RunningWorker w(Options(Target()), "q", [&](Task& task) {
    started = true;
    const bool cancelled = task.WaitCancelled(milliseconds(15000));
    std::lock_guard lock(mu);
    reason = cancelled ? task.cancel_reason() : "not cancelled";
    return Outcome::Failure("stopped");
  });
  auto submitted = client_->SubmitWorkflow(RemoteSpec("q", 1));
  ASSERT_TRUE(submitted);
  ASSERT_TRUE(WaitUntil([&] { return started.load(); }));
  ASSERT_TRUE(client_->CancelWorkflow(submitted->workflow_id));
  EXPECT_EQ(Finished(submitted->workflow_id).status(), v1::WORKFLOW_STATUS_CANCELLED);
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard lock(mu);
    return !reason.empty();
  }));
  std::lock_guard lock(mu);
  EXPECT_EQ(reason, "cancelled");
  EXPECT_EQ(w.worker().stats().results_sent, 0);  // goclaw took the credit back: nothing to send
}

TEST_F(WorkerTest, HeartbeatsKeepALongAttemptAlive) {
  // Longer than workers.heartbeat_timeout (2 s): only the heartbeats keep the worker.
  RunningWorker w(Options(Target()), "q", [](Task& task) {
    task.WaitCancelled(milliseconds(2600));
    return task.cancelled() ? Outcome::Failure("cancelled") : Outcome::Success(R"({"done": true})");
  });
  auto submitted = client_->SubmitWorkflow(RemoteSpec("q", 1), {},
                                           {.wait = true, .wait_for = milliseconds(20000)});
  ASSERT_TRUE(submitted) << submitted.error().ToString();
  ASSERT_EQ(submitted->final_status->status(), v1::WORKFLOW_STATUS_COMPLETED);
  EXPECT_EQ(submitted->final_status->tasks(0).attempts(), 1);
  EXPECT_EQ(w.worker().stats().attempts_abandoned, 0);
}

TEST_F(WorkerTest, AServerRestartAbandonsTheAttemptAndTheWorkerComesBackForTheNextOne) {
  const int port = FreePort();
  Restart(Config(port));
  std::mutex mu;
  std::vector<std::string> seen;  // "<attempt>:<how it ended>"
  RunningWorker w(Options(Target()), "q", [&](Task& task) {
    if (task.attempt() == 1) {
      task.WaitCancelled(milliseconds(30000));  // until goclaw goes away
      std::lock_guard lock(mu);
      seen.push_back("1:" + task.cancel_reason());
      return Outcome::Failure("cut short");
    }
    std::lock_guard lock(mu);
    seen.push_back(std::to_string(task.attempt()) + ":ran");
    return Outcome::Success(R"({"attempt": )" + std::to_string(task.attempt()) + "}");
  });
  auto submitted = client_->SubmitWorkflow(RemoteSpec("q", 1));
  ASSERT_TRUE(submitted);
  ASSERT_TRUE(WaitUntil([&] { return w.worker().stats().assignments == 1; }));
  Restart(Config(port));  // the first server stops (the attempt is lost), a new one resumes
  EXPECT_EQ(Finished(submitted->workflow_id).status(), v1::WORKFLOW_STATUS_COMPLETED);
  auto r = client_->GetTaskResult(submitted->workflow_id, "t0");
  ASSERT_TRUE(r);
  EXPECT_EQ(boost::json::parse(r->result_data()).at("attempt"), 2);
  std::lock_guard lock(mu);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_THAT(seen[0], ::testing::AnyOf("1:shutdown", "1:disconnected"));
  EXPECT_EQ(seen[1], "2:ran");
  const WorkerStats stats = w.worker().stats();
  EXPECT_EQ(stats.connections, 2);
  EXPECT_EQ(stats.results_accepted, 1);
}

TEST_F(WorkerTest, AHandlerThatThrowsFailsItsTaskNotTheWorker) {
  RunningWorker w(Options(Target()), "q",
                  [](Task&) -> Outcome { throw std::runtime_error("boom"); });
  auto submitted = client_->SubmitWorkflow(RemoteSpec("q", 1, ", retries: 0"), {},
                                           {.wait = true, .wait_for = milliseconds(20000)});
  ASSERT_TRUE(submitted) << submitted.error().ToString();
  ASSERT_EQ(submitted->final_status->status(), v1::WORKFLOW_STATUS_FAILED);
  EXPECT_THAT(submitted->final_status->tasks(0).error_message(),
              HasSubstr("the handler threw: boom"));
  EXPECT_TRUE(w.worker().stats().connected);
}

TEST_F(WorkerTest, AWorkerOfAnotherQueueGetsNothing) {
  RunningWorker w(Options(Target()), "other", [](Task&) { return Outcome::Success(); });
  auto submitted = client_->SubmitWorkflow(RemoteSpec("q", 1));
  ASSERT_TRUE(submitted);
  ASSERT_TRUE(WaitUntil([&] { return w.worker().stats().connected; }));
  auto status = client_->GetWorkflowStatus(submitted->workflow_id);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status(), v1::WORKFLOW_STATUS_RUNNING);  // waiting for a worker of "q"
  EXPECT_EQ(w.worker().stats().assignments, 0);
  ASSERT_TRUE(client_->CancelWorkflow(submitted->workflow_id));
}

}  // namespace
}  // namespace goclaw::sdk::testing
