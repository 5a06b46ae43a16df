// goclaw.v1.WorkflowService over service::WorkflowService, as the REST routes use it
// (api/http/workflow_routes.cc): submit (answered once durable, or after waiting for the
// workflow to finish — on events, not a blocked thread), list, status, cancel (answered once
// durable), task result.
#include <algorithm>
#include <chrono>

#include "goclaw/api/grpc/finish_waiter.h"
#include "goclaw/api/grpc/grpc_services.h"
#include "goclaw/api/grpc/proto_convert.h"
#include "goclaw/api/grpc/submit_request.h"
#include "goclaw/core/duration.h"
#include "goclaw/service/workflow_service.h"
#include "goclaw/v1/workflow.grpc.pb.h"

namespace goclaw::api::grpc {
namespace {

using ::grpc::CallbackServerContext;
using ::grpc::ServerUnaryReactor;

// The caller's lineage depth (goclaw's http tasks send it as a header; gRPC callers as metadata).
std::string Lineage(const CallbackServerContext* call) {
  auto it = call->client_metadata().find("goclaw-lineage");
  return it == call->client_metadata().end() ? std::string() : std::string(it->second.data(), it->second.size());
}

class WorkflowGrpcService final : public v1::WorkflowService::CallbackService {
 public:
  explicit WorkflowGrpcService(const GrpcContext& ctx) : ctx_(ctx), workflows_(*ctx.services.workflows) {}

  ServerUnaryReactor* SubmitWorkflow(CallbackServerContext* call, const v1::SubmitWorkflowRequest* req,
                                     v1::SubmitWorkflowResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (req->wait_ms() < 0) {
      reactor->Finish(InvalidField("wait_ms", "must not be negative (0: the server's default wait)"));
      return reactor;
    }
    if (req->wait_ms() > ctx_.config.max_wait.count()) {
      reactor->Finish(InvalidField("wait_ms", "must be at most " + FormatDuration(ctx_.config.max_wait) +
                                                  " (grpc.max_wait)"));
      return reactor;
    }
    // Reading and compiling a spec is work: off gRPC's thread.
    const auto deadline = call->deadline();
    PostOrFail(ctx_, reactor, [this, reactor, req, resp, deadline, lineage = Lineage(call)] {
      Submit(reactor, *req, resp, deadline, lineage);
    });
    return reactor;
  }

  ServerUnaryReactor* ListWorkflows(CallbackServerContext* call, const v1::ListWorkflowsRequest* req,
                                    v1::ListWorkflowsResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    FinishOnPool(ctx_, reactor, [this, req, resp]() -> ::grpc::Status {
      service::ListRequest list;
      engine::ListFilter& f = list.filter;
      auto page = ReadPage(req->pagination().page_size(), req->pagination().page_token(), 100);
      if (!page) return Fail(page.error());
      if (req->status_filter() != v1::WORKFLOW_STATUS_UNSPECIFIED) {
        f.state = FromProto(req->status_filter());
        if (!f.state) return InvalidField("status_filter", "unknown workflow status " + std::to_string(req->status_filter()));
      }
      f.name = req->name_filter();
      f.newest_first = req->newest_first();
      f.limit = page->size;
      f.offset = page->offset;
      auto r = workflows_.List(list);
      if (!r) return Fail(r.error());
      for (const boost::json::value& item : r->at("workflows").as_array()) {
        WorkflowSummaryFromJson(item.as_object(), resp->add_workflows());
      }
      const std::int64_t total = IntOf(*r, "total");
      const std::size_t next = page->offset + static_cast<std::size_t>(resp->workflows_size());
      resp->mutable_pagination()->set_total_count(static_cast<std::int32_t>(total));
      if (static_cast<std::int64_t>(next) < total && resp->workflows_size() > 0) {
        resp->mutable_pagination()->set_next_page_token(std::to_string(next));
      }
      return ::grpc::Status::OK;
    });
    return reactor;
  }

  ServerUnaryReactor* GetWorkflowStatus(CallbackServerContext* call, const v1::GetWorkflowStatusRequest* req,
                                        v1::GetWorkflowStatusResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    FinishOnPool(ctx_, reactor, [this, req, resp]() -> ::grpc::Status {
      if (req->workflow_id().empty()) return InvalidField("workflow_id", "is required");
      auto r = workflows_.Get(req->workflow_id());
      if (!r) return Fail(r.error());
      WorkflowStatusFromJson(*r, resp);
      return ::grpc::Status::OK;
    });
    return reactor;
  }

  ServerUnaryReactor* CancelWorkflow(CallbackServerContext* call, const v1::CancelWorkflowRequest* req,
                                     v1::CancelWorkflowResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (req->workflow_id().empty()) {
      reactor->Finish(InvalidField("workflow_id", "is required"));
      return reactor;
    }
    // From the pool (an evicted workflow's summary is read from the store); answered once the
    // cancellation is durable (on the store's or the shard's thread).
    PostOrFail(ctx_, reactor, [this, reactor, req, resp] {
      workflows_.Cancel(req->workflow_id(), [reactor, resp](Result<boost::json::object> summary) {
        if (!summary) return reactor->Finish(Fail(summary.error()));
        resp->set_success(true);
        resp->set_status(WorkflowStatusNamed(StringOf(*summary, "status")));
        reactor->Finish(::grpc::Status::OK);
      });
    });
    return reactor;
  }

  ServerUnaryReactor* GetTaskResult(CallbackServerContext* call, const v1::GetTaskResultRequest* req,
                                    v1::GetTaskResultResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    FinishOnPool(ctx_, reactor, [this, req, resp]() -> ::grpc::Status {
      if (req->workflow_id().empty()) return InvalidField("workflow_id", "is required");
      if (req->task_id().empty()) return InvalidField("task_id", "is required");
      auto r = workflows_.TaskResult(req->workflow_id(), req->task_id());
      if (!r) return Fail(r.error());
      TaskResultFromJson(*r, resp);
      return ::grpc::Status::OK;
    });
    return reactor;
  }

 private:
  // On the pool: prepare, submit, then answer once durable or once waited.
  void Submit(ServerUnaryReactor* reactor, const v1::SubmitWorkflowRequest& req, v1::SubmitWorkflowResponse* resp,
              std::chrono::system_clock::time_point deadline, const std::string& lineage) {
    auto request = ToSubmitRequest(req, workflows_, lineage);
    if (!request) return reactor->Finish(Fail(request.error()));
    request->async = true;  // the request's `wait` decides, below
    auto prepared = workflows_.Prepare(std::move(*request));
    if (!prepared) return reactor->Finish(Fail(prepared.error()));
    Millis wait = req.wait_ms() > 0 ? Millis(req.wait_ms()) : prepared->wait;
    // The call's own deadline bounds the wait: answer "still running" before it passes.
    const auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::system_clock::now());
    if (left < wait) wait = std::max(Millis(0), left - std::min(left / 10, Millis(500)));
    const bool should_wait = req.wait();
    workflows_.Submit(*prepared, [this, reactor, resp, should_wait, wait](Result<std::string> id) {
      if (!id) return reactor->Finish(Fail(id.error()));
      resp->set_workflow_id(*id);
      if (!should_wait) {
        auto summary = workflows_.Summary(*id);  // cheap: no trip to a shard
        if (summary) resp->set_status(WorkflowStatusNamed(StringOf(*summary, "status")));
        return reactor->Finish(::grpc::Status::OK);
      }
      // Not on this (store) thread: the wait registers with the feed and asks the index.
      const std::string workflow_id = *id;
      if (!ctx_.pool->Post([this, reactor, resp, workflow_id, wait] {
            AwaitWorkflow(ctx_, workflow_id, wait, [this, reactor, resp, workflow_id] { Answer(reactor, resp, workflow_id); });
          })) {
        reactor->Finish(::grpc::Status::OK);  // durable; the caller asks for its status later
      }
    });
  }

  // After the wait (pool): the full status if it finished, else the summary's state.
  void Answer(ServerUnaryReactor* reactor, v1::SubmitWorkflowResponse* resp, const std::string& id) {
    auto outcome = workflows_.AwaitFinish(id, Millis(0));
    if (!outcome) return reactor->Finish(Fail(outcome.error()));
    resp->set_status(WorkflowStatusNamed(StringOf(outcome->body, "status")));
    if (outcome->finished) WorkflowStatusFromJson(outcome->body, resp->mutable_final_status());
    reactor->Finish(::grpc::Status::OK);
  }

  const GrpcContext ctx_;
  service::WorkflowService& workflows_;
};

}  // namespace

std::unique_ptr<::grpc::Service> NewWorkflowService(const GrpcContext& ctx) {
  return std::make_unique<WorkflowGrpcService>(ctx);
}

}  // namespace goclaw::api::grpc
