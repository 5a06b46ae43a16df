// Integration tests of sdk::Client against the real server in process (gRPC on a free port):
// every call's success path, watches replayed from the stored history, signals, batches, and
// the errors a caller gets (bad specs with field paths, unknown ids, oversized requests, no
// server).
#include <boost/json/parse.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sdk_test_fixture.h"

namespace goclaw::sdk::testing {
namespace {

using ::testing::HasSubstr;

constexpr const char* kHello = R"(name: hello
input: {name: world}
tasks:
  - {id: greet, config: {op: echo, message: "hello, {{input.name}}"}}
  - {id: pause, depends_on: [greet], config: {op: sleep, duration: 50ms}}
)";

constexpr const char* kSleepy =
    R"({"name": "sleepy", "tasks": [{"id": "nap", "config": {"op": "sleep", "duration": "20s"}}]})";

class ClientTest : public SdkServerTest {
 protected:
  void SetUp() override { Restart(Config()); }
};

TEST_F(ClientTest, SubmitWaitsAndEveryReadCallSeesTheWorkflow) {
  auto submitted = client_->SubmitWorkflow(kHello, R"({"name": "sdk"})", {.wait = true});
  ASSERT_TRUE(submitted) << submitted.error().ToString();
  EXPECT_THAT(submitted->workflow_id, ::testing::StartsWith("wf-"));
  ASSERT_TRUE(submitted->final_status.has_value());
  EXPECT_EQ(submitted->final_status->status(), v1::WORKFLOW_STATUS_COMPLETED);
  ASSERT_EQ(submitted->final_status->tasks_size(), 2);

  auto status = client_->GetWorkflowStatus(submitted->workflow_id);
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_EQ(status->name(), "hello");
  EXPECT_EQ(status->tasks(0).task_id(), "greet");
  EXPECT_EQ(status->tasks(0).status(), v1::TASK_STATUS_COMPLETED);

  auto result = client_->GetTaskResult(submitted->workflow_id, "greet");
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_EQ(boost::json::parse(result->result_data()).at("message"), "hello, sdk");

  auto list = client_->ListWorkflows({.status = v1::WORKFLOW_STATUS_COMPLETED, .name = "hello"});
  ASSERT_TRUE(list) << list.error().ToString();
  ASSERT_EQ(list->workflows_size(), 1);
  EXPECT_EQ(list->workflows(0).workflow_id(), submitted->workflow_id);
  auto none = client_->ListWorkflows({.name = "nobody"});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->workflows_size(), 0);
}

TEST_F(ClientTest, AsyncSubmitThenWatchReplaysTheHistoryToTheEnd) {
  auto submitted = client_->SubmitWorkflow(kHello);
  ASSERT_TRUE(submitted) << submitted.error().ToString();
  EXPECT_FALSE(submitted->final_status.has_value());
  std::vector<v1::WorkflowStatusUpdate> updates;
  Status watched =
      client_->WatchWorkflow(submitted->workflow_id, 0, [&](const v1::WorkflowStatusUpdate& u) {
        updates.push_back(u);
        return true;
      });
  ASSERT_TRUE(watched) << watched.error().ToString();
  ASSERT_FALSE(updates.empty());
  EXPECT_EQ(updates.back().status(), v1::WORKFLOW_STATUS_COMPLETED);
  for (std::size_t i = 1; i < updates.size(); ++i) {
    EXPECT_GT(updates[i].sequence_number(), updates[i - 1].sequence_number());
  }
  // Again from the start: the same history, from the store.
  std::vector<std::int64_t> again;
  ASSERT_TRUE(
      client_->WatchWorkflow(submitted->workflow_id, 0, [&](const v1::WorkflowStatusUpdate& u) {
        again.push_back(u.sequence_number());
        return true;
      }));
  ASSERT_EQ(again.size(), updates.size());
  EXPECT_EQ(again.back(), updates.back().sequence_number());
  // A callback that says stop ends the watch at once, without an error.
  int seen = 0;
  EXPECT_TRUE(
      client_->WatchWorkflow(submitted->workflow_id, 0, [&](const v1::WorkflowStatusUpdate&) {
        ++seen;
        return false;
      }));
  EXPECT_EQ(seen, 1);
}

TEST_F(ClientTest, CancelStopsARunningWorkflowAndTwiceIsRefused) {
  auto submitted = client_->SubmitWorkflow(kSleepy);
  ASSERT_TRUE(submitted) << submitted.error().ToString();
  auto cancelled = client_->CancelWorkflow(submitted->workflow_id);
  ASSERT_TRUE(cancelled) << cancelled.error().ToString();
  EXPECT_EQ(Finished(submitted->workflow_id).status(), v1::WORKFLOW_STATUS_CANCELLED);
  auto again = client_->CancelWorkflow(submitted->workflow_id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_THAT(again.error().message(), HasSubstr("already"));
}

TEST_F(ClientTest, SignalsAreStoredListedAndDelivered) {
  constexpr const char* kApproval = R"(name: approval
tasks:
  - {id: approve, config: {op: wait_signal, name: approval, timeout: 1m}}
  - {id: publish, depends_on: [approve], config: {op: echo, by: "{{tasks.approve.output.by}}"}}
)";
  auto submitted = client_->SubmitWorkflow(kApproval);
  ASSERT_TRUE(submitted) << submitted.error().ToString();
  auto sent = client_->Signal(submitted->workflow_id, "", "approval", R"({"by": "sdk"})");
  ASSERT_TRUE(sent) << sent.error().ToString();
  EXPECT_EQ(sent->seq(), 1);
  EXPECT_EQ(sent->kind(), "approval");
  auto final_status = Finished(submitted->workflow_id);
  ASSERT_EQ(final_status.status(), v1::WORKFLOW_STATUS_COMPLETED);
  auto published = client_->GetTaskResult(submitted->workflow_id, "publish");
  ASSERT_TRUE(published);
  EXPECT_EQ(boost::json::parse(published->result_data()).at("by"), "sdk");
  auto listed = client_->ListSignals(submitted->workflow_id);
  ASSERT_TRUE(listed) << listed.error().ToString();
  ASSERT_EQ(listed->signals_size(), 1);
  EXPECT_EQ(listed->signals(0).kind(), "approval");

  auto late = client_->Signal(submitted->workflow_id, "", "approval", "{}");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), ErrorCode::kFailedPrecondition);
  auto bad_kind = client_->Signal(submitted->workflow_id, "", "no good", "{}");
  ASSERT_FALSE(bad_kind);
  EXPECT_EQ(bad_kind.error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(ClientTest, BatchesAnswerPerItem) {
  auto batch =
      client_->SubmitWorkflows({{.spec = kHello}, {.spec = "tasks: [{id: a, depends_on: [zz]}]"}});
  ASSERT_TRUE(batch) << batch.error().ToString();
  ASSERT_EQ(batch->results_size(), 2);
  EXPECT_TRUE(batch->results(0).success());
  EXPECT_FALSE(batch->results(1).success());
  EXPECT_EQ(batch->results(1).error().code(), "INVALID_ARGUMENT");
  const std::string id = batch->results(0).workflow_id();
  Finished(id);
  auto statuses = client_->GetWorkflowStatuses({id, "wf-00000000-0000-7000-8000-000000000000"});
  ASSERT_TRUE(statuses) << statuses.error().ToString();
  ASSERT_EQ(statuses->results_size(), 2);
  EXPECT_TRUE(statuses->results(0).found());
  EXPECT_EQ(statuses->results(0).status().status(), v1::WORKFLOW_STATUS_COMPLETED);
  EXPECT_FALSE(statuses->results(1).found());
}

TEST_F(ClientTest, ErrorsCarryTheCodeAndTheFieldPaths) {
  auto bad = client_->SubmitWorkflow("tasks: [{id: a, depends_on: [zz]}]");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  ASSERT_FALSE(bad.error().details().empty()) << bad.error().ToString();
  EXPECT_EQ(bad.error().details()[0].path, "tasks[0].depends_on[0]");
  EXPECT_THAT(bad.error().details()[0].message, HasSubstr("zz"));

  auto not_yaml = client_->SubmitWorkflow("tasks: [");
  ASSERT_FALSE(not_yaml);
  EXPECT_EQ(not_yaml.error().code(), ErrorCode::kInvalidArgument);

  auto bad_input = client_->SubmitWorkflow(kHello, "[1, 2]");
  ASSERT_FALSE(bad_input);
  EXPECT_EQ(bad_input.error().code(), ErrorCode::kInvalidArgument);

  auto unknown = client_->GetWorkflowStatus("wf-00000000-0000-7000-8000-000000000000");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  auto unknown_task = client_->GetTaskResult("wf-00000000-0000-7000-8000-000000000000", "x");
  ASSERT_FALSE(unknown_task);
  EXPECT_EQ(unknown_task.error().code(), ErrorCode::kNotFound);
  Status unknown_watch =
      client_->WatchWorkflow("wf-00000000-0000-7000-8000-000000000000", 0,
                             [](const v1::WorkflowStatusUpdate&) { return true; });
  ASSERT_FALSE(unknown_watch);
  EXPECT_EQ(unknown_watch.error().code(), ErrorCode::kNotFound);
  auto empty_id = client_->GetWorkflowStatus("");
  ASSERT_FALSE(empty_id);
  EXPECT_EQ(empty_id.error().code(), ErrorCode::kInvalidArgument);

  // Over grpc.max_receive_message_bytes (4 MiB by default).
  auto huge = client_->SubmitWorkflow(std::string(5 << 20, ' ') + kHello);
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code(), ErrorCode::kResourceExhausted);
}

TEST_F(ClientTest, NoServerIsUnavailableNamingTheTarget) {
  const std::string target = "127.0.0.1:" + std::to_string(FreePort());
  auto c = Client::Connect(target, {.deadline = std::chrono::seconds(5)});
  ASSERT_TRUE(c);
  auto r = (*c)->GetWorkflowStatus("wf-00000000-0000-7000-8000-000000000000");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(r.error().message(), HasSubstr("cannot reach the goclaw server at " + target));
}

TEST_F(ClientTest, AdminReportsTheEngine) {
  auto status = client_->GetEngineStatus();
  ASSERT_TRUE(status) << status.error().ToString();
  EXPECT_TRUE(status->healthy());
  EXPECT_EQ(status->store_kind(), "rocksdb");
  auto relative = client_->CreateSnapshot("relative/dir");
  ASSERT_FALSE(relative);
  EXPECT_EQ(relative.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace goclaw::sdk::testing
