// The gRPC API's batch and admin RPCs, grpc.health.v1 and reflection, and the server's gRPC
// settings, against a real server: partial and atomic batches and their limit, the engine's
// status, lanes, metrics, snapshots, drain (health NOT_SERVING after it), a busy port; the
// pull workers' status over REST.
#include <thread>

#include <boost/json/serialize.hpp>
#include <grpcpp/generic/generic_stub.h>

#include "goclaw/api/grpc/grpc_test_fixture.h"
#include "goclaw/client/test_http_client.h"
#include "goclaw/v1/worker.grpc.pb.h"

namespace goclaw::api::grpc {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::kGateSpec;

class GrpcAdminTest : public testing::GrpcApiFixture {};

constexpr const char* kUnknownId = "wf-00000000-0000-7000-8000-000000000000";

TEST_F(GrpcAdminTest, BatchesArePartialOrAtomicAndAtMostAThousand) {
  v1::SubmitWorkflowsRequest req;
  req.add_workflows()->set_spec(kGateSpec);
  req.add_workflows()->set_spec(R"({"tasks": [{"id": "a", "type": "nope"}]})");
  req.add_workflows()->set_spec(R"({"tasks": [{"id": "a", "type": "builtin"}]})");
  v1::SubmitWorkflowsResponse resp;
  ASSERT_TRUE(batch_->SubmitWorkflows(Ctx().get(), req, &resp).ok());
  ASSERT_EQ(resp.results_size(), 3);
  EXPECT_TRUE(resp.results(0).success());
  EXPECT_FALSE(resp.results(1).success());
  EXPECT_EQ(resp.results(1).index(), 1);
  EXPECT_EQ(resp.results(1).error().code(), "INVALID_ARGUMENT");
  EXPECT_TRUE(resp.results(1).error().details().contains("tasks[0].type"));
  EXPECT_TRUE(resp.results(2).success());
  const std::string gate = resp.results(0).workflow_id(), done = resp.results(2).workflow_id();

  req.set_atomic(true);
  ::grpc::Status atomic = batch_->SubmitWorkflows(Ctx().get(), req, &resp);
  EXPECT_EQ(atomic.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(atomic), Contains("workflows[1].tasks[0].type"));
  v1::ListWorkflowsResponse all;
  ASSERT_TRUE(workflows_->ListWorkflows(Ctx().get(), v1::ListWorkflowsRequest(), &all).ok());
  EXPECT_EQ(all.workflows_size(), 2);  // the atomic batch submitted none

  v1::SubmitWorkflowsRequest ordered;
  ordered.set_ordered(true);
  for (int i = 0; i < 3; ++i) ordered.add_workflows()->set_spec(R"({"tasks": [{"id": "a", "type": "builtin"}]})");
  ASSERT_TRUE(batch_->SubmitWorkflows(Ctx().get(), ordered, &resp).ok());
  ASSERT_EQ(resp.results_size(), 3);
  EXPECT_LT(resp.results(0).workflow_id(), resp.results(2).workflow_id());  // ids sort by creation

  v1::SubmitWorkflowsRequest too_many;
  for (int i = 0; i < 1001; ++i) too_many.add_workflows()->set_spec(kGateSpec);
  ::grpc::Status refused = batch_->SubmitWorkflows(Ctx().get(), too_many, &resp);
  EXPECT_EQ(refused.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(Fields(refused), Contains("workflows"));
  EXPECT_EQ(batch_->SubmitWorkflows(Ctx().get(), v1::SubmitWorkflowsRequest(), &resp).error_code(),
            ::grpc::StatusCode::INVALID_ARGUMENT);

  v1::GetWorkflowStatusesRequest statuses;
  statuses.add_workflow_ids(gate);
  statuses.add_workflow_ids(kUnknownId);
  v1::GetWorkflowStatusesResponse got;
  ASSERT_TRUE(batch_->GetWorkflowStatuses(Ctx().get(), statuses, &got).ok());
  ASSERT_EQ(got.results_size(), 2);
  EXPECT_TRUE(got.results(0).found());
  EXPECT_EQ(got.results(0).status().workflow_id(), gate);
  EXPECT_FALSE(got.results(1).found());
  EXPECT_EQ(got.results(1).error().code(), "NOT_FOUND");

  WaitFor(done, v1::WORKFLOW_STATUS_COMPLETED);
  v1::CancelWorkflowsRequest cancels;
  cancels.add_workflow_ids(gate);
  cancels.add_workflow_ids(done);
  v1::CancelWorkflowsResponse cancelled;
  ASSERT_TRUE(batch_->CancelWorkflows(Ctx().get(), cancels, &cancelled).ok());
  ASSERT_EQ(cancelled.results_size(), 2);
  EXPECT_TRUE(cancelled.results(0).success());
  EXPECT_FALSE(cancelled.results(1).success());
  EXPECT_TRUE(cancelled.results(1).already_terminal());

  v1::GetTaskResultsRequest results;
  results.set_workflow_id(done);
  v1::GetTaskResultsResponse task_results;
  ASSERT_TRUE(batch_->GetTaskResults(Ctx().get(), results, &task_results).ok());
  ASSERT_EQ(task_results.results_size(), 1);
  EXPECT_TRUE(task_results.results(0).found());
  EXPECT_EQ(task_results.results(0).result().status(), v1::TASK_STATUS_COMPLETED);
  EXPECT_EQ(task_results.results(0).result().result_data(), "null");
  results.add_task_ids("a");
  results.add_task_ids("ghost");
  ASSERT_TRUE(batch_->GetTaskResults(Ctx().get(), results, &task_results).ok());
  ASSERT_EQ(task_results.results_size(), 2);
  EXPECT_FALSE(task_results.results(1).found());
  results.set_workflow_id(kUnknownId);
  EXPECT_EQ(batch_->GetTaskResults(Ctx().get(), results, &task_results).error_code(), ::grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcAdminTest, AdminStatusLanesMetricsSnapshotAndDrain) {
  v1::GetEngineStatusResponse status;
  ASSERT_TRUE(admin_->GetEngineStatus(Ctx().get(), v1::GetEngineStatusRequest(), &status).ok());
  EXPECT_FALSE(status.version().empty());
  EXPECT_EQ(status.store_kind(), "memory");
  EXPECT_TRUE(status.healthy());
  EXPECT_EQ(status.state(), v1::ENGINE_STATE_IDLE);
  EXPECT_GT(status.metrics().memory_usage_bytes(), 0);
  EXPECT_GT(status.uptime_since().seconds(), 0);

  v1::GetLaneStatsResponse lanes;
  ASSERT_TRUE(admin_->GetLaneStats(Ctx().get(), v1::GetLaneStatsRequest(), &lanes).ok());
  ASSERT_GE(lanes.lanes_size(), 1);
  EXPECT_EQ(lanes.lanes(0).lane_name(), "default");
  v1::GetLaneStatsRequest one;
  one.set_lane_name("nope");
  EXPECT_EQ(admin_->GetLaneStats(Ctx().get(), one, &lanes).error_code(), ::grpc::StatusCode::NOT_FOUND);

  v1::UpdateLaneRequest update;
  update.set_lane_name("default");
  update.set_max_concurrency(7);
  update.set_rate_per_second(50);
  update.set_rate_burst(5);
  v1::UpdateLaneResponse updated;
  ::grpc::Status s = admin_->UpdateLane(Ctx().get(), update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(updated.lane().max_concurrency(), 7);
  EXPECT_EQ(updated.lane().throughput_per_sec(), 50);
  EXPECT_EQ(updated.lane().rate_burst(), 5);
  update.clear_rate_per_second();
  EXPECT_THAT(Fields(admin_->UpdateLane(Ctx().get(), update, &updated)), Contains("rate_per_second"));
  v1::UpdateLaneRequest negative;
  negative.set_lane_name("default");
  negative.set_max_concurrency(-1);
  EXPECT_EQ(admin_->UpdateLane(Ctx().get(), negative, &updated).error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  negative.set_lane_name("ghost");
  EXPECT_EQ(admin_->UpdateLane(Ctx().get(), negative, &updated).error_code(), ::grpc::StatusCode::NOT_FOUND);

  v1::ExportMetricsRequest metrics;
  metrics.set_prefix_filter("goclaw_grpc_");
  v1::ExportMetricsResponse text;
  ASSERT_TRUE(admin_->ExportMetrics(Ctx().get(), metrics, &text).ok());
  EXPECT_THAT(text.metrics_data(), HasSubstr("goclaw_grpc_requests_total{method=\"goclaw.v1.AdminService/GetLaneStats\",code=\"NOT_FOUND\"} 1"));
  EXPECT_THAT(text.metrics_data(), HasSubstr("goclaw_grpc_request_duration_seconds_bucket"));
  EXPECT_THAT(text.metrics_data(), ::testing::Not(HasSubstr("goclaw_http_")));
  metrics.set_format(static_cast<v1::MetricsFormat>(9));
  EXPECT_THAT(Fields(admin_->ExportMetrics(Ctx().get(), metrics, &text)), Contains("format"));

  v1::CreateSnapshotRequest snapshot;
  v1::CreateSnapshotResponse taken;
  EXPECT_THAT(Fields(admin_->CreateSnapshot(Ctx().get(), snapshot, &taken)), Contains("dir"));
  snapshot.set_dir("/tmp/goclaw-grpc-snapshot-never");
  EXPECT_EQ(admin_->CreateSnapshot(Ctx().get(), snapshot, &taken).error_code(),
            ::grpc::StatusCode::FAILED_PRECONDITION);  // a memory store has no snapshots

  v1::DrainRequest drain;
  drain.set_timeout_ms(-1);
  v1::DrainResponse drained;
  EXPECT_EQ(admin_->Drain(Ctx().get(), drain, &drained).error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
  drain.set_timeout_ms(100);
  ASSERT_TRUE(admin_->Drain(Ctx().get(), drain, &drained).ok());
  EXPECT_EQ(drained.still_running(), 0);
  ASSERT_TRUE(admin_->GetEngineStatus(Ctx().get(), v1::GetEngineStatusRequest(), &status).ok());
  EXPECT_EQ(status.state(), v1::ENGINE_STATE_STOPPED);
  EXPECT_FALSE(status.healthy());
  v1::SubmitWorkflowRequest late;
  late.set_spec(kGateSpec);
  v1::SubmitWorkflowResponse refused;
  EXPECT_EQ(workflows_->SubmitWorkflow(Ctx().get(), late, &refused).error_code(), ::grpc::StatusCode::UNAVAILABLE);
}

// ---- grpc.health.v1 and reflection, through the generic stub (their protos are not shipped) ----

::grpc::ByteBuffer Bytes(const std::string& s) {
  ::grpc::Slice slice(s);
  return ::grpc::ByteBuffer(&slice, 1);
}
std::string Text(const ::grpc::ByteBuffer& b) {
  std::vector<::grpc::Slice> slices;
  EXPECT_TRUE(b.Dump(&slices).ok());
  std::string out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}
bool Next(::grpc::CompletionQueue& cq) {
  void* tag = nullptr;
  bool ok = false;
  return cq.Next(&tag, &ok) && ok;
}

TEST_F(GrpcAdminTest, HealthAnswersServingAndReflectionListsTheServices) {
  ::grpc::GenericStub stub(channel_);
  ::grpc::CompletionQueue cq;
  auto ctx = Ctx();
  // grpc.health.v1.HealthCheckRequest{service: ""} is empty; SERVING is status = 1.
  auto call = stub.PrepareUnaryCall(ctx.get(), "/grpc.health.v1.Health/Check", Bytes(""), &cq);
  call->StartCall();
  ::grpc::ByteBuffer response;
  ::grpc::Status status;
  call->Finish(&response, &status, nullptr);
  ASSERT_TRUE(Next(cq));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Text(response), std::string("\x08\x01", 2));

  // ServerReflectionRequest{list_services: "*"} (field 7).
  auto rctx = Ctx();
  auto stream = stub.PrepareCall(rctx.get(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  stream->StartCall(nullptr);
  ASSERT_TRUE(Next(cq));
  stream->Write(Bytes(std::string("\x3a\x01*", 3)), nullptr);
  ASSERT_TRUE(Next(cq));
  stream->WritesDone(nullptr);
  ASSERT_TRUE(Next(cq));
  ::grpc::ByteBuffer listed;
  stream->Read(&listed, nullptr);
  ASSERT_TRUE(Next(cq));
  const std::string services = Text(listed);
  for (const char* name : {"goclaw.v1.WorkflowService", "goclaw.v1.StreamingService", "goclaw.v1.BatchService",
                           "goclaw.v1.AdminService", "goclaw.v1.SignalService", "goclaw.v1.SagaService",
                           "grpc.health.v1.Health"}) {
    EXPECT_THAT(services, HasSubstr(name));
  }
  ::grpc::Status finished;
  stream->Finish(&finished, nullptr);
  ASSERT_TRUE(Next(cq));
  EXPECT_TRUE(finished.ok()) << finished.error_message();

  // After a drain, health says NOT_SERVING (2).
  v1::DrainResponse drained;
  ASSERT_TRUE(admin_->Drain(Ctx().get(), v1::DrainRequest(), &drained).ok());
  auto again_ctx = Ctx();
  auto again = stub.PrepareUnaryCall(again_ctx.get(), "/grpc.health.v1.Health/Check", Bytes(""), &cq);
  again->StartCall();
  again->Finish(&response, &status, nullptr);
  ASSERT_TRUE(Next(cq));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Text(response), std::string("\x08\x02", 2));
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
}

// A remote task with no worker of its queue waits, and says so in GET /api/v1/workers and the
// metrics, beside the connected workers and their credits.
TEST_F(GrpcAdminTest, TheWorkersRouteShowsConnectedWorkersAndAttemptsWaitingForOne) {
  auto worker_stub = v1::WorkerService::NewStub(channel_);
  ::grpc::ClientContext worker_ctx;
  auto stream = worker_stub->Connect(&worker_ctx);
  v1::WorkerMessage hello;
  hello.mutable_hello()->set_name("w1");
  hello.mutable_hello()->add_queues("busy");
  hello.mutable_hello()->set_capacity(2);
  ASSERT_TRUE(stream->Write(hello));
  v1::ServerMessage welcome;
  ASSERT_TRUE(stream->Read(&welcome));
  ASSERT_TRUE(welcome.has_welcome());

  v1::SubmitWorkflowRequest submit;
  submit.set_spec(R"({"tasks": [{"id": "r", "type": "remote", "config": {"queue": "idle"}}]})");
  v1::SubmitWorkflowResponse submitted;
  ASSERT_TRUE(workflows_->SubmitWorkflow(Ctx().get(), submit, &submitted).ok());

  client::testing::TestHttpClient http(server_->port());
  boost::json::value answer;
  for (int i = 0; i < 500; ++i) {  // the task reaches the hub once the engine started it
    auto r = http.Get("/api/v1/workers");
    ASSERT_EQ(r.status, 200) << r.body;
    answer = r.Json();
    bool waiting = false;
    for (const auto& q : answer.at("queues").as_array()) {
      if (q.at("name") == "idle" && q.at("waiting") == 1) waiting = true;
    }
    if (waiting) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto& workers = answer.at("workers").as_array();
  ASSERT_EQ(workers.size(), 1u) << boost::json::serialize(answer);
  EXPECT_EQ(workers[0].at("name"), "w1");
  EXPECT_EQ(workers[0].at("queues"), boost::json::array({"busy"}));
  EXPECT_EQ(workers[0].at("capacity"), 2);
  EXPECT_EQ(workers[0].at("free_credits"), 2);
  bool idle_waiting = false;
  for (const auto& q : answer.at("queues").as_array()) {
    if (q.at("name") == "idle") {
      idle_waiting = q.at("waiting") == 1 && q.at("workers") == 0;
    }
  }
  EXPECT_TRUE(idle_waiting) << boost::json::serialize(answer);
  auto st = server_->engine().Summary(submitted.workflow_id());
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, engine::WorkflowState::kRunning);  // waiting for a worker, not failed

  auto metrics = http.Get("/metrics");
  EXPECT_THAT(metrics.body, HasSubstr("goclaw_workers_connected 1"));
  EXPECT_THAT(metrics.body, HasSubstr("goclaw_worker_queue_waiting{queue=\"idle\"} 1"));

  auto bad = http.Get("/api/v1/workers?verbose=1");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_THAT(bad.body, HasSubstr("verbose"));

  stream->WritesDone();
  v1::ServerMessage rest;
  while (stream->Read(&rest)) {
  }
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(GrpcAdminTest, GrpcCanBeTurnedOff) {
  config::Config c = Config();
  c.grpc.enabled = false;
  auto off = server::Server::Start(c);
  ASSERT_TRUE(off) << off.error().ToString();
  EXPECT_EQ((*off)->grpc_port(), 0);
  EXPECT_GT((*off)->port(), 0);
}

TEST_F(GrpcAdminTest, ABusyPortIsAClearError) {
  config::Config c = Config();
  c.grpc.port = server_->grpc_port();  // taken by the fixture's server
  auto second = server::Server::Start(c);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(second.error().message(), HasSubstr("grpc.port"));
}

}  // namespace
}  // namespace goclaw::api::grpc
