// The gRPC API's workflow and signal RPCs against a real server: every RPC's success path and
// its error codes, with the ErrorInfo that failed calls carry (field paths for bad specs and
// bad fields, MALFORMED for what does not parse), and the message size limit. Batch and admin:
// grpc_admin_test.cc; streams: grpc_stream_test.cc.
#include <boost/json/parse.hpp>

#include "goclaw/api/grpc/grpc_status.h"
#include "goclaw/api/grpc/grpc_test_fixture.h"

namespace goclaw::api::grpc {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::kGateSpec;

class GrpcApiTest : public testing::GrpcApiFixture {};

constexpr const char* kUnknownId = "wf-00000000-0000-7000-8000-000000000000";

TEST_F(GrpcApiTest, SubmitFromFieldsWaitsAndAnswersStatusListAndResult) {
  v1::SubmitWorkflowRequest req;
  req.set_name("fields");
  (*req.mutable_metadata())["team"] = "infra";
  req.set_input_json(R"({"who": "grpc"})");
  v1::TaskDefinition* a = req.add_tasks();
  a->set_id("a");
  a->set_type("builtin");
  a->set_config_json(R"({"op": "echo", "x": 12345678901234567})");
  (*a->mutable_metadata())["owner"] = "me";
  v1::TaskDefinition* b = req.add_tasks();
  b->set_id("b");
  b->add_dependencies("a");
  b->set_type("builtin");
  b->set_config_json(R"({"op": "noop"})");
  b->set_timeout_ms(5000);
  b->mutable_retries()->set_max_retries(2);
  req.set_wait(true);
  req.set_wait_ms(10000);
  v1::SubmitWorkflowResponse resp;
  ::grpc::Status s = workflows_->SubmitWorkflow(Ctx().get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.status(), v1::WORKFLOW_STATUS_COMPLETED);
  ASSERT_TRUE(resp.has_final_status());
  EXPECT_EQ(resp.final_status().workflow_id(), resp.workflow_id());
  EXPECT_EQ(resp.final_status().name(), "fields");
  ASSERT_EQ(resp.final_status().tasks_size(), 2);
  EXPECT_EQ(resp.final_status().tasks(0).status(), v1::TASK_STATUS_COMPLETED);
  // 64-bit integers survive: JSON values travel as text.
  EXPECT_THAT(resp.final_status().tasks(0).result_data(), HasSubstr("12345678901234567"));

  v1::GetWorkflowStatusRequest get;
  get.set_workflow_id(resp.workflow_id());
  v1::GetWorkflowStatusResponse status;
  ASSERT_TRUE(workflows_->GetWorkflowStatus(Ctx().get(), get, &status).ok());
  EXPECT_EQ(status.status(), v1::WORKFLOW_STATUS_COMPLETED);
  EXPECT_GT(status.created_at().seconds(), 0);
  EXPECT_TRUE(status.has_completed_at());
  EXPECT_EQ(status.tasks(1).type(), "builtin");
  EXPECT_EQ(status.tasks(1).attempts(), 1);

  v1::GetTaskResultRequest result_req;
  result_req.set_workflow_id(resp.workflow_id());
  result_req.set_task_id("a");
  v1::GetTaskResultResponse result;
  ASSERT_TRUE(workflows_->GetTaskResult(Ctx().get(), result_req, &result).ok());
  EXPECT_EQ(result.status(), v1::TASK_STATUS_COMPLETED);
  EXPECT_EQ(boost::json::parse(result.result_data()).at("x").as_int64(), 12345678901234567);

  // A YAML spec, async: answered once durable.
  v1::SubmitWorkflowRequest yaml;
  yaml.set_spec("name: yaml\ntasks:\n  - id: only\n    type: builtin\n    config: {op: noop}\n");
  v1::SubmitWorkflowResponse yaml_resp;
  ASSERT_TRUE(workflows_->SubmitWorkflow(Ctx().get(), yaml, &yaml_resp).ok());
  EXPECT_THAT(yaml_resp.workflow_id(), ::testing::StartsWith("wf-"));
  EXPECT_FALSE(yaml_resp.has_final_status());
  WaitFor(yaml_resp.workflow_id(), v1::WORKFLOW_STATUS_COMPLETED);

  v1::ListWorkflowsRequest list;
  list.mutable_pagination()->set_page_size(1);
  v1::ListWorkflowsResponse page;
  ASSERT_TRUE(workflows_->ListWorkflows(Ctx().get(), list, &page).ok());
  ASSERT_EQ(page.workflows_size(), 1);
  EXPECT_EQ(page.workflows(0).workflow_id(), resp.workflow_id());  // oldest first
  EXPECT_EQ(page.workflows(0).task_count(), 2);
  EXPECT_EQ(page.pagination().total_count(), 2);
  ASSERT_EQ(page.pagination().next_page_token(), "1");
  list.mutable_pagination()->set_page_token(page.pagination().next_page_token());
  ASSERT_TRUE(workflows_->ListWorkflows(Ctx().get(), list, &page).ok());
  ASSERT_EQ(page.workflows_size(), 1);
  EXPECT_EQ(page.workflows(0).name(), "yaml");
  EXPECT_TRUE(page.pagination().next_page_token().empty());
  v1::ListWorkflowsRequest by_name;
  by_name.set_name_filter("fields");
  by_name.set_status_filter(v1::WORKFLOW_STATUS_COMPLETED);
  ASSERT_TRUE(workflows_->ListWorkflows(Ctx().get(), by_name, &page).ok());
  EXPECT_EQ(page.workflows_size(), 1);
  v1::ListWorkflowsRequest newest;
  newest.set_newest_first(true);
  newest.mutable_pagination()->set_page_size(1);
  ASSERT_TRUE(workflows_->ListWorkflows(Ctx().get(), newest, &page).ok());
  ASSERT_EQ(page.workflows_size(), 1);
  EXPECT_EQ(page.workflows(0).name(), "yaml");  // the last submitted
  EXPECT_EQ(page.pagination().next_page_token(), "1");
}

TEST_F(GrpcApiTest, CancelAndTheErrorCodesOfWorkflowCalls) {
  const std::string id = Submit(kGateSpec);
  WaitFor(id, v1::WORKFLOW_STATUS_RUNNING);
  v1::GetTaskResultRequest result_req;
  result_req.set_workflow_id(id);
  result_req.set_task_id("gate");
  v1::GetTaskResultResponse result;
  EXPECT_EQ(workflows_->GetTaskResult(Ctx().get(), result_req, &result).error_code(),
            ::grpc::StatusCode::FAILED_PRECONDITION);  // still running
  result_req.set_task_id("nope");
  EXPECT_EQ(workflows_->GetTaskResult(Ctx().get(), result_req, &result).error_code(), ::grpc::StatusCode::NOT_FOUND);

  v1::CancelWorkflowRequest cancel;
  cancel.set_workflow_id(id);
  v1::CancelWorkflowResponse cancelled;
  ASSERT_TRUE(workflows_->CancelWorkflow(Ctx().get(), cancel, &cancelled).ok());
  EXPECT_TRUE(cancelled.success());
  EXPECT_EQ(cancelled.status(), v1::WORKFLOW_STATUS_CANCELLED);
  ::grpc::Status again = workflows_->CancelWorkflow(Ctx().get(), cancel, &cancelled);
  EXPECT_EQ(again.error_code(), ::grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Info(again).code(), "FAILED_PRECONDITION");

  v1::GetWorkflowStatusRequest get;
  v1::GetWorkflowStatusResponse status;
  get.set_workflow_id(kUnknownId);
  ::grpc::Status unknown = workflows_->GetWorkflowStatus(Ctx().get(), get, &status);
  EXPECT_EQ(unknown.error_code(), ::grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Info(unknown).code(), "NOT_FOUND");
  get.set_workflow_id("../../etc/passwd");
  EXPECT_EQ(workflows_->GetWorkflowStatus(Ctx().get(), get, &status).error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  get.set_workflow_id("");
  ::grpc::Status missing = workflows_->GetWorkflowStatus(Ctx().get(), get, &status);
  EXPECT_EQ(missing.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(missing), Contains("workflow_id"));
  cancel.set_workflow_id(kUnknownId);
  EXPECT_EQ(workflows_->CancelWorkflow(Ctx().get(), cancel, &cancelled).error_code(), ::grpc::StatusCode::NOT_FOUND);

  v1::ListWorkflowsRequest list;
  v1::ListWorkflowsResponse page;
  list.mutable_pagination()->set_page_size(5000);
  list.mutable_pagination()->set_page_token("not-a-token");
  ::grpc::Status bad_page = workflows_->ListWorkflows(Ctx().get(), list, &page);
  EXPECT_EQ(bad_page.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(bad_page), ::testing::UnorderedElementsAre("pagination.page_size", "pagination.page_token"));
}

TEST_F(GrpcApiTest, BadSubmitsNameTheirFields) {
  auto submit = [&](const v1::SubmitWorkflowRequest& req) {
    v1::SubmitWorkflowResponse resp;
    return workflows_->SubmitWorkflow(Ctx().get(), req, &resp);
  };
  v1::SubmitWorkflowRequest unknown_dep;
  unknown_dep.set_spec(R"({"tasks": [{"id": "a", "type": "builtin"}, {"id": "b", "type": "builtin", "depends_on": ["x"]}]})");
  ::grpc::Status s = submit(unknown_dep);
  ASSERT_EQ(s.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  v1::ErrorInfo info = Info(s);
  EXPECT_EQ(info.code(), "INVALID_ARGUMENT");
  EXPECT_FALSE(info.message().empty());
  EXPECT_THAT(Fields(s), Contains("tasks[1].depends_on[0]"));
  // The client side reads it back as goclaw's error.
  Error e = FromGrpcStatus(s);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  ASSERT_FALSE(e.details().empty());
  EXPECT_EQ(e.details()[0].path, "tasks[1].depends_on[0]");

  v1::SubmitWorkflowRequest malformed;
  malformed.set_spec("{\"tasks\": [");
  s = submit(malformed);
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Info(s).reason(), "MALFORMED");

  v1::SubmitWorkflowRequest bad_fields;
  v1::TaskDefinition* t = bad_fields.add_tasks();
  t->set_id("a");
  t->set_type("builtin");
  t->set_config_json("{not json");
  t->set_timeout_ms(-1);
  bad_fields.set_input_json("[1, 2]");
  s = submit(bad_fields);
  ASSERT_EQ(s.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Info(s).reason(), "MALFORMED");
  EXPECT_THAT(Fields(s), ::testing::UnorderedElementsAre("tasks[0].config_json", "tasks[0].timeout_ms", "input_json"));

  v1::SubmitWorkflowRequest bad_type;
  t = bad_type.add_tasks();
  t->set_id("a");
  t->set_type("teleport");
  s = submit(bad_type);
  EXPECT_EQ(s.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(s), Contains("tasks[0].type"));

  v1::SubmitWorkflowRequest both;
  both.set_spec(kGateSpec);
  both.add_tasks()->set_id("x");
  EXPECT_THAT(Fields(submit(both)), Contains("tasks"));
  EXPECT_THAT(Fields(submit(v1::SubmitWorkflowRequest())), Contains("tasks"));  // nothing to run

  v1::SubmitWorkflowRequest bad_wait;
  bad_wait.set_spec(kGateSpec);
  bad_wait.set_wait_ms(-5);
  EXPECT_THAT(Fields(submit(bad_wait)), Contains("wait_ms"));
  bad_wait.set_wait_ms(3600 * 1000);  // past grpc.max_wait
  EXPECT_THAT(Fields(submit(bad_wait)), Contains("wait_ms"));

  v1::ListWorkflowsResponse none;
  ASSERT_TRUE(workflows_->ListWorkflows(Ctx().get(), v1::ListWorkflowsRequest(), &none).ok());
  EXPECT_EQ(none.workflows_size(), 0);  // nothing was submitted
}

TEST_F(GrpcApiTest, SpecOverridesNameMetadataAndInput) {
  v1::SubmitWorkflowRequest req;
  req.set_spec(R"({"name": "old", "input": {"a": 1}, "tasks": [{"id": "e", "type": "builtin", "config": {"op": "echo", "v": "{{input.b}}"}}]})");
  req.set_name("new");
  req.set_input_json(R"({"b": "from input_json"})");
  req.set_wait(true);
  v1::SubmitWorkflowResponse resp;
  ::grpc::Status s = workflows_->SubmitWorkflow(Ctx().get(), req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message() << " " << Info(s).DebugString();
  ASSERT_TRUE(resp.has_final_status());
  EXPECT_EQ(resp.final_status().name(), "new");
  EXPECT_THAT(resp.final_status().tasks(0).result_data(), HasSubstr("from input_json"));
}

TEST_F(GrpcApiTest, OversizedRequestsAreResourceExhausted) {
  config::Config c = Config();
  c.grpc.max_receive_message_bytes = 64 * 1024;
  Start(c);
  v1::SubmitWorkflowRequest req;
  req.set_spec(std::string(100 * 1024, ' ') + kGateSpec);
  v1::SubmitWorkflowResponse resp;
  EXPECT_EQ(workflows_->SubmitWorkflow(Ctx().get(), req, &resp).error_code(), ::grpc::StatusCode::RESOURCE_EXHAUSTED);
  req.set_spec(kGateSpec);  // the channel still works
  EXPECT_TRUE(workflows_->SubmitWorkflow(Ctx().get(), req, &resp).ok());
}

TEST_F(GrpcApiTest, SignalsAndTheirErrors) {
  const std::string id = Submit(kGateSpec);
  WaitFor(id, v1::WORKFLOW_STATUS_RUNNING);
  v1::SignalTaskRequest steer;
  steer.set_workflow_id(id);
  steer.set_type(v1::SIGNAL_TYPE_STEER);  // the reference's enum, parameters as the payload
  (*steer.mutable_parameters())["temperature"] = "0.2";
  v1::SignalTaskResponse sent;
  ::grpc::Status s = signals_->SignalTask(Ctx().get(), steer, &sent);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(sent.success());
  EXPECT_EQ(sent.seq(), 1);
  EXPECT_EQ(sent.kind(), "steer");
  EXPECT_EQ(sent.state(), "pending");
  ASSERT_TRUE(Signal(id, "go", "gate").ok());
  WaitFor(id, v1::WORKFLOW_STATUS_COMPLETED);

  v1::ListSignalsRequest list;
  list.set_workflow_id(id);
  v1::ListSignalsResponse signals;
  ASSERT_TRUE(signals_->ListSignals(Ctx().get(), list, &signals).ok());
  ASSERT_EQ(signals.signals_size(), 2);
  EXPECT_EQ(signals.signals(0).kind(), "steer");
  EXPECT_EQ(boost::json::parse(signals.signals(0).payload_json()).at("parameters").at("temperature"), "0.2");
  EXPECT_EQ(signals.signals(1).kind(), "go");
  EXPECT_EQ(signals.signals(1).task_id(), "gate");
  ASSERT_GE(signals.signals(1).deliveries_size(), 1);
  EXPECT_EQ(signals.signals(1).deliveries(0).task_id(), "gate");

  v1::SignalTaskRequest bad;
  EXPECT_THAT(Fields(signals_->SignalTask(Ctx().get(), bad, &sent)), Contains("workflow_id"));
  bad.set_workflow_id(id);
  EXPECT_THAT(Fields(signals_->SignalTask(Ctx().get(), bad, &sent)), Contains("kind"));
  bad.set_kind("go");
  bad.set_payload_json("{oops");
  s = signals_->SignalTask(Ctx().get(), bad, &sent);
  EXPECT_EQ(Info(s).reason(), "MALFORMED");
  EXPECT_THAT(Fields(s), Contains("payload_json"));
  bad.set_payload_json("");
  bad.set_kind("bad kind!");
  EXPECT_EQ(signals_->SignalTask(Ctx().get(), bad, &sent).error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Signal(id, "go").error_code(), ::grpc::StatusCode::FAILED_PRECONDITION);  // finished
  EXPECT_EQ(Signal(kUnknownId, "go").error_code(), ::grpc::StatusCode::NOT_FOUND);
  list.set_workflow_id(kUnknownId);
  EXPECT_EQ(signals_->ListSignals(Ctx().get(), list, &signals).error_code(), ::grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace goclaw::api::grpc
