// For the gRPC API's tests only: a real `goclaw server` (server::Server: HTTP and gRPC on
// ports 0, memory store) with a few functions registered, a channel to its gRPC port, a stub
// per service, and helpers to read a failed call's goclaw.v1.ErrorInfo.
#pragma once

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "goclaw/server/server.h"
#include "goclaw/v1/admin.grpc.pb.h"
#include "goclaw/v1/batch.grpc.pb.h"
#include "goclaw/v1/saga.grpc.pb.h"
#include "goclaw/v1/signal.grpc.pb.h"
#include "goclaw/v1/streaming.grpc.pb.h"
#include "goclaw/v1/workflow.grpc.pb.h"

namespace goclaw::api::grpc::testing {

// A workflow whose one task waits for a "go" signal: running until the test lets it go.
inline constexpr const char* kGateSpec =
    R"({"name": "gate", "tasks": [{"id": "gate", "type": "builtin", "config": {"op": "wait_signal", "name": "go"}}]})";

class GrpcApiFixture : public ::testing::Test {
 protected:
  void SetUp() override { Start(Config()); }
  void TearDown() override {
    ResetStubs();
    server_.reset();
  }

  static config::Config Config() {
    config::Config c;
    c.server.port = 0;
    c.grpc.port = 0;
    c.grpc.drain_timeout = Millis(2000);
    c.storage.backend = config::StorageBackend::kMemory;
    c.shutdown.drain_timeout = Millis(50);  // blocked tasks are abandoned at once on shutdown
    return c;
  }

  void Start(const config::Config& config) {
    ResetStubs();
    server_.reset();
    auto s = server::Server::Start(config, {}, nullptr, [](engine::Engine& engine) { RegisterFunctions(engine); });
    ASSERT_TRUE(s) << s.error().ToString();
    server_ = std::move(*s);
    ASSERT_GT(server_->grpc_port(), 0);
    channel_ = ::grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->grpc_port()),
                                     ::grpc::InsecureChannelCredentials());
    workflows_ = v1::WorkflowService::NewStub(channel_);
    streaming_ = v1::StreamingService::NewStub(channel_);
    batch_ = v1::BatchService::NewStub(channel_);
    admin_ = v1::AdminService::NewStub(channel_);
    signals_ = v1::SignalService::NewStub(channel_);
    sagas_ = v1::SagaService::NewStub(channel_);
  }

  // "chatty": logs two lines and a stderr line, waits for a "go" signal, logs "after", returns.
  static void RegisterFunctions(engine::Engine& engine) {
    auto chatty = [](engine::TaskContext& ctx) -> Result<boost::json::value> {
      ctx.log("line 1");
      ctx.log("line 2");
      ctx.channel.Log("stderr", "careful");
      for (int i = 0; i < 400 && !ctx.cancelled(); ++i) {
        auto m = ctx.wait(std::chrono::milliseconds(50));
        if (m && m->kind == "go") {
          ctx.log("after");
          return boost::json::value("done");
        }
      }
      return MakeError(ErrorCode::kDeadlineExceeded, "no go signal");
    };
    GOCLAW_CHECK(engine.RegisterFunction("chatty", chatty).has_value());
  }

  void ResetStubs() {
    workflows_.reset();
    streaming_.reset();
    batch_.reset();
    admin_.reset();
    signals_.reset();
    sagas_.reset();
    channel_.reset();
  }

  // A context whose deadline keeps a broken test from hanging.
  static std::unique_ptr<::grpc::ClientContext> Ctx(std::chrono::seconds timeout = std::chrono::seconds(20)) {
    auto ctx = std::make_unique<::grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + timeout);
    return ctx;
  }

  static v1::ErrorInfo Info(const ::grpc::Status& s) {
    v1::ErrorInfo info;
    EXPECT_TRUE(info.ParseFromString(s.error_details())) << "no ErrorInfo in " << s.error_message();
    return info;
  }
  static std::vector<std::string> Fields(const ::grpc::Status& s) {
    std::vector<std::string> out;
    const v1::ErrorInfo info = Info(s);
    for (const auto& v : info.field_violations()) out.push_back(v.field());
    return out;
  }

  // Submits a spec (async); returns the workflow id.
  std::string Submit(const std::string& spec) {
    v1::SubmitWorkflowRequest req;
    req.set_spec(spec);
    v1::SubmitWorkflowResponse resp;
    ::grpc::Status s = workflows_->SubmitWorkflow(Ctx().get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.workflow_id();
  }

  ::grpc::Status Signal(const std::string& workflow_id, const std::string& kind, const std::string& task = "") {
    v1::SignalTaskRequest req;
    req.set_workflow_id(workflow_id);
    req.set_kind(kind);
    req.set_task_id(task);
    v1::SignalTaskResponse resp;
    return signals_->SignalTask(Ctx().get(), req, &resp);
  }

  // Follows the workflow (WatchWorkflow) until it reaches `state`; its status then.
  v1::GetWorkflowStatusResponse WaitFor(const std::string& id, v1::WorkflowStatus state) {
    v1::WatchWorkflowRequest req;
    req.set_workflow_id(id);
    auto ctx = Ctx();
    auto reader = streaming_->WatchWorkflow(ctx.get(), req);
    v1::WorkflowStatusUpdate update;
    bool reached = false;
    while (!reached && reader->Read(&update)) reached = update.status() == state;
    if (reached) {
      ctx->TryCancel();
    } else {
      ADD_FAILURE() << id << " never reached " << v1::WorkflowStatus_Name(state);
    }
    (void)reader->Finish();  // (cancelled on purpose, or ended)
    v1::GetWorkflowStatusRequest get;
    get.set_workflow_id(id);
    v1::GetWorkflowStatusResponse resp;
    EXPECT_TRUE(workflows_->GetWorkflowStatus(Ctx().get(), get, &resp).ok());
    return resp;
  }

  std::unique_ptr<server::Server> server_;
  std::shared_ptr<::grpc::Channel> channel_;
  std::unique_ptr<v1::WorkflowService::Stub> workflows_;
  std::unique_ptr<v1::StreamingService::Stub> streaming_;
  std::unique_ptr<v1::BatchService::Stub> batch_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::unique_ptr<v1::SignalService::Stub> signals_;
  std::unique_ptr<v1::SagaService::Stub> sagas_;
};

}  // namespace goclaw::api::grpc::testing
