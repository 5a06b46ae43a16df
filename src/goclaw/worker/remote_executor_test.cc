// The remote executor: its config check, the assignment it builds, and what it says without a
// hub (`goclaw run`).
#include "goclaw/worker/remote_executor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/worker/worker_test_util.h"

namespace goclaw::worker {
namespace {

using testing::FakeLink;
using ::testing::HasSubstr;
using testing::MakeHello;
using testing::Probe;

std::vector<ErrorDetail> Check(const boost::json::object& config) {
  Diagnostics diag;
  CheckRemoteConfig(config, "tasks[0].config", diag);
  return diag.details();
}

TEST(RemoteConfigTest, NeedsAQueueNameAndLeavesTheRestToWorkers) {
  EXPECT_TRUE(Check({{"queue", "research"}, {"topic", "lanes"}, {"depth", 2}}).empty());
  EXPECT_TRUE(Check({{"queue", "{{input.queue}}"}}).empty());  // checked once resolved
  auto missing = Check({{"topic", "x"}});
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].path, "tasks[0].config.queue");
  EXPECT_THAT(missing[0].message, HasSubstr("names the queue"));
  auto bad = Check({{"queue", "no spaces"}});
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_THAT(bad[0].message, HasSubstr("got \"no spaces\""));
  EXPECT_THAT(Check({{"queue", 7}})[0].message, HasSubstr("got number 7"));
  EXPECT_EQ(Check({{"queue", ""}}).size(), 1u);
}

TEST(RemoteExecutorTest, WithoutAHubTasksCannotRunAndSaySo) {
  RemoteExecutor executor(nullptr);
  ASSERT_TRUE(executor.Unavailable());
  EXPECT_EQ(*executor.Unavailable(),
            "remote tasks need `goclaw server` (workers connect to its gRPC port)");
  Probe p;
  exec::Attempt a;
  a.config = boost::json::object{{"queue", "q"}};
  a.input = std::make_shared<const boost::json::value>();
  a.channel = p.channel();
  executor.Start(std::move(a), p.Done());
  EXPECT_EQ(p.result()->output.error().code(), ErrorCode::kFailedPrecondition);
  executor.Shutdown();
}

TEST(RemoteExecutorTest, AnAttemptBecomesAnAssignment) {
  FakeClock clock;
  ManualTimerQueue timers(clock);
  auto hub = WorkerHub::Create({.clock = &clock, .timers = &timers});
  RemoteExecutor executor(hub);
  EXPECT_FALSE(executor.Unavailable());
  auto link = std::make_shared<FakeLink>();
  ASSERT_TRUE(hub->Connect(MakeHello("w", {"research"}, 4), link));

  Probe p;
  exec::Attempt a;
  a.workflow_id = "wf-9";
  a.task_id = "dig";
  a.number = 3;
  a.idempotency_key = "saga-1/dig/compensate";
  a.config = boost::json::object{{"queue", "research"}, {"topic", "lanes"}};
  a.input = std::make_shared<const boost::json::value>(boost::json::object{{"who", "me"}});
  a.interrupt = boost::json::object{{"reason", "new facts"}};
  a.lineage_depth = 2;
  a.channel = p.channel();
  executor.Start(std::move(a), p.Done());
  auto assigned = link->Of<Assignment>();
  ASSERT_EQ(assigned.size(), 1u);
  const Assignment& got = assigned[0];
  EXPECT_EQ(got.attempt_id, "wf-9/dig/3");
  EXPECT_EQ(got.workflow_id, "wf-9");
  EXPECT_EQ(got.task_id, "dig");
  EXPECT_EQ(got.attempt, 3);
  EXPECT_EQ(got.queue, "research");
  EXPECT_EQ(got.config_json, "{\"queue\":\"research\",\"topic\":\"lanes\"}");
  EXPECT_EQ(got.input_json, "{\"who\":\"me\"}");
  EXPECT_EQ(got.idempotency_key, "saga-1/dig/compensate");
  EXPECT_EQ(got.interrupt_json, "{\"reason\":\"new facts\"}");
  EXPECT_EQ(got.trace.at("goclaw-lineage"), "3");

  // A placeholder that resolved to a bad name fails the attempt, without retry.
  Probe bad;
  exec::Attempt b;
  b.workflow_id = "wf-9";
  b.task_id = "x";
  b.config = boost::json::object{{"queue", "a b"}};
  b.input = std::make_shared<const boost::json::value>();
  b.channel = bad.channel();
  executor.Start(std::move(b), bad.Done());
  EXPECT_EQ(bad.result()->output.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(bad.result()->retryable);

  executor.Shutdown();  // shuts the hub: the held attempt ends, no done afterwards
  EXPECT_EQ(p.done_calls(), 1);
  EXPECT_TRUE(p.result()->lost);
}

}  // namespace
}  // namespace goclaw::worker
