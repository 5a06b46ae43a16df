// goclaw.v1.BatchService: up to 1,000 workflows per call over service::WorkflowService, one
// result per item (partial success). SubmitWorkflows checks every workflow first; with
// `atomic`, none is submitted when one is bad (the call fails with each bad item's problems
// under "workflows[i]"). Checking is all-or-nothing, storing is not: a workflow the store then
// refuses is that item's error.
#include <atomic>
#include <memory>
#include <vector>

#include "goclaw/api/grpc/grpc_services.h"
#include "goclaw/api/grpc/proto_convert.h"
#include "goclaw/api/grpc/submit_request.h"
#include "goclaw/core/document.h"
#include "goclaw/service/workflow_service.h"
#include "goclaw/v1/batch.grpc.pb.h"

namespace goclaw::api::grpc {
namespace {

using ::grpc::CallbackServerContext;
using ::grpc::ServerUnaryReactor;

constexpr int kMaxItems = 1000;

::grpc::Status TooMany(const char* field, int n) {
  return InvalidField(field, "has " + std::to_string(n) + " items; at most " + std::to_string(kMaxItems) +
                                 " per call");
}

// Each bad item's problems under "workflows[i]".
Error AtomicRefusal(const std::vector<std::pair<int, Error>>& bad) {
  std::vector<ErrorDetail> details;
  for (const auto& [i, e] : bad) {
    const std::string item = IndexPath("workflows", static_cast<std::size_t>(i));
    if (e.details().empty()) details.push_back({item, e.message(), 0, ""});
    for (const ErrorDetail& d : e.details()) details.push_back({JoinPath(item, d.path), d.message, d.line, d.source});
  }
  return Error(ErrorCode::kInvalidArgument,
               std::to_string(bad.size()) + " of the workflows are invalid; none was submitted (atomic)",
               std::move(details));
}

// Counts the items still in flight; the last one answers the call.
struct Pending {
  ServerUnaryReactor* reactor = nullptr;
  std::atomic<int> left{0};
  void Done() {
    if (left.fetch_sub(1) == 1) reactor->Finish(::grpc::Status::OK);
  }
};

class BatchGrpcService final : public v1::BatchService::CallbackService {
 public:
  explicit BatchGrpcService(const GrpcContext& ctx) : ctx_(ctx), workflows_(*ctx.services.workflows) {}

  ServerUnaryReactor* SubmitWorkflows(CallbackServerContext* call, const v1::SubmitWorkflowsRequest* req,
                                      v1::SubmitWorkflowsResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (req->workflows_size() > kMaxItems) return Now(reactor, TooMany("workflows", req->workflows_size()));
    if (req->workflows_size() == 0) return Now(reactor, InvalidField("workflows", "is empty: give 1 to 1000 workflows"));
    PostOrFail(ctx_, reactor, [this, reactor, req, resp] { Submit(reactor, *req, resp); });
    return reactor;
  }

  ServerUnaryReactor* GetWorkflowStatuses(CallbackServerContext* call, const v1::GetWorkflowStatusesRequest* req,
                                          v1::GetWorkflowStatusesResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (req->workflow_ids_size() > kMaxItems) return Now(reactor, TooMany("workflow_ids", req->workflow_ids_size()));
    FinishOnPool(ctx_, reactor, [this, req, resp]() -> ::grpc::Status {
      auto page = ReadPage(req->pagination().page_size(), req->pagination().page_token(), kMaxItems);
      if (!page) return Fail(page.error());
      const std::size_t n = static_cast<std::size_t>(req->workflow_ids_size());
      const std::size_t end = std::min(n, page->offset + page->size);
      for (std::size_t i = page->offset; i < end; ++i) {
        const std::string& id = req->workflow_ids(static_cast<int>(i));
        v1::WorkflowStatusResult* r = resp->add_results();
        r->set_workflow_id(id);
        auto status = workflows_.Get(id);
        r->set_found(status.has_value());
        if (status) {
          WorkflowStatusFromJson(*status, r->mutable_status());
        } else {
          ToProtoError(status.error(), r->mutable_error());
        }
      }
      Paginate(end, n, resp->mutable_pagination());
      return ::grpc::Status::OK;
    });
    return reactor;
  }

  ServerUnaryReactor* CancelWorkflows(CallbackServerContext* call, const v1::CancelWorkflowsRequest* req,
                                      v1::CancelWorkflowsResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    const int n = req->workflow_ids_size();
    if (n > kMaxItems) return Now(reactor, TooMany("workflow_ids", n));
    if (n == 0) return Now(reactor, ::grpc::Status::OK);
    for (int i = 0; i < n; ++i) resp->add_results()->set_workflow_id(req->workflow_ids(i));
    // From the pool (evicted workflows are read from the store); each answered once durable.
    PostOrFail(ctx_, reactor, [this, reactor, req, resp, n] {
      auto pending = std::make_shared<Pending>();
      pending->reactor = reactor;
      pending->left = n;
      for (int i = 0; i < n; ++i) {
        v1::WorkflowCancellationResult* r = resp->mutable_results(i);
        workflows_.Cancel(req->workflow_ids(i), [pending, r](Result<boost::json::object> summary) {
          r->set_success(summary.has_value());
          if (!summary) {
            r->set_already_terminal(summary.error().code() == ErrorCode::kFailedPrecondition);
            ToProtoError(summary.error(), r->mutable_error());
          }
          pending->Done();
        });
      }
    });
    return reactor;
  }

  ServerUnaryReactor* GetTaskResults(CallbackServerContext* call, const v1::GetTaskResultsRequest* req,
                                     v1::GetTaskResultsResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (req->task_ids_size() > kMaxItems) return Now(reactor, TooMany("task_ids", req->task_ids_size()));
    FinishOnPool(ctx_, reactor, [this, req, resp]() -> ::grpc::Status { return TaskResults(*req, resp); });
    return reactor;
  }

 private:
  static ServerUnaryReactor* Now(ServerUnaryReactor* reactor, ::grpc::Status status) {
    reactor->Finish(std::move(status));
    return reactor;
  }

  static void Paginate(std::size_t end, std::size_t n, v1::PaginationResponse* out) {
    out->set_total_count(static_cast<std::int32_t>(n));
    if (end < n) out->set_next_page_token(std::to_string(end));
  }

  // On the pool: check every item, then submit the good ones (all at once, or in order).
  void Submit(ServerUnaryReactor* reactor, const v1::SubmitWorkflowsRequest& req, v1::SubmitWorkflowsResponse* resp) {
    const int n = req.workflows_size();
    auto prepared = std::make_shared<std::vector<service::PreparedSubmit>>(n);
    std::vector<int> good;
    std::vector<std::pair<int, Error>> bad;
    for (int i = 0; i < n; ++i) {
      v1::WorkflowSubmissionResult* r = resp->add_results();
      r->set_index(i);
      auto request = ToSubmitRequest(req.workflows(i), workflows_);
      Result<service::PreparedSubmit> p =
          request ? workflows_.Prepare(std::move(*request)) : Result<service::PreparedSubmit>(MakeError(request.error()));
      if (!p) {
        ToProtoError(p.error(), r->mutable_error());
        bad.emplace_back(i, p.error());
        continue;
      }
      (*prepared)[static_cast<std::size_t>(i)] = std::move(*p);
      good.push_back(i);
    }
    if (req.atomic() && !bad.empty()) return reactor->Finish(Fail(AtomicRefusal(bad)));
    if (good.empty()) return reactor->Finish(::grpc::Status::OK);
    auto pending = std::make_shared<Pending>();
    pending->reactor = reactor;
    pending->left = static_cast<int>(good.size());
    if (req.ordered()) {
      SubmitInOrder(std::make_shared<std::vector<int>>(std::move(good)), 0, prepared, resp, pending);
      return;
    }
    for (int i : good) SubmitOne(prepared, i, resp, [pending] { pending->Done(); });
  }

  void SubmitOne(const std::shared_ptr<std::vector<service::PreparedSubmit>>& prepared, int i,
                 v1::SubmitWorkflowsResponse* resp, UniqueFunction<void()> then) {
    v1::WorkflowSubmissionResult* r = resp->mutable_results(i);
    workflows_.Submit((*prepared)[static_cast<std::size_t>(i)],
                      [r, then = std::move(then)](Result<std::string> id) mutable {
                        r->set_success(id.has_value());
                        if (id) {
                          r->set_workflow_id(*id);
                        } else {
                          ToProtoError(id.error(), r->mutable_error());
                        }
                        then();
                      });
  }

  // Each submit starts once the previous one is durable (from the pool, not the store's thread).
  void SubmitInOrder(std::shared_ptr<std::vector<int>> order, std::size_t k,
                     std::shared_ptr<std::vector<service::PreparedSubmit>> prepared, v1::SubmitWorkflowsResponse* resp,
                     std::shared_ptr<Pending> pending) {
    SubmitOne(prepared, (*order)[k], resp, [this, order, k, prepared, resp, pending] {
      if (k + 1 < order->size() &&
          ctx_.pool->Post([this, order, k, prepared, resp, pending] { SubmitInOrder(order, k + 1, prepared, resp, pending); })) {
        pending->Done();
        return;
      }
      // The last one, or the pool stopped: the rest are not submitted.
      for (std::size_t j = k + 1; j < order->size(); ++j) {
        ToProtoError(Error(ErrorCode::kUnavailable, "not submitted: the server is shutting down"),
                     resp->mutable_results((*order)[j])->mutable_error());
        pending->Done();
      }
      pending->Done();
    });
  }

  ::grpc::Status TaskResults(const v1::GetTaskResultsRequest& req, v1::GetTaskResultsResponse* resp) {
    if (req.workflow_id().empty()) return InvalidField("workflow_id", "is required");
    auto page = ReadPage(req.pagination().page_size(), req.pagination().page_token(), kMaxItems);
    if (!page) return Fail(page.error());
    auto status = workflows_.Get(req.workflow_id());
    if (!status) return Fail(status.error());
    const boost::json::array& tasks = status->at("tasks").as_array();
    std::vector<std::string> ids(req.task_ids().begin(), req.task_ids().end());
    if (ids.empty()) {
      for (const auto& t : tasks) ids.push_back(StringOf(t.as_object(), "id"));
    }
    const std::size_t end = std::min(ids.size(), page->offset + page->size);
    for (std::size_t i = page->offset; i < end; ++i) {
      v1::TaskResultDetail* d = resp->add_results();
      d->set_task_id(ids[i]);
      const boost::json::object* task = nullptr;
      for (const auto& t : tasks) {
        if (StringOf(t.as_object(), "id") == ids[i]) task = &t.as_object();
      }
      d->set_found(task != nullptr);
      if (task == nullptr) {
        ToProtoError(Error(ErrorCode::kNotFound, "workflow \"" + req.workflow_id() + "\" has no task \"" + ids[i] + "\""),
                     d->mutable_error());
        continue;
      }
      v1::GetTaskResultResponse* r = d->mutable_result();
      r->set_task_id(ids[i]);
      r->set_status(TaskStatusNamed(StringOf(*task, "status")));
      r->set_error_message(StringOf(*task, "error"));
      if (const boost::json::value* result = task->if_contains("result")) {
        r->set_result_data(JsonBytes(*result));
      } else if (task->contains("result_ref")) {  // too large for the status: read on its own
        auto full = workflows_.TaskResult(req.workflow_id(), ids[i]);
        if (full) {
          TaskResultFromJson(*full, r);
        } else {
          ToProtoError(full.error(), d->mutable_error());
        }
      }
    }
    Paginate(end, ids.size(), resp->mutable_pagination());
    return ::grpc::Status::OK;
  }

  const GrpcContext ctx_;
  service::WorkflowService& workflows_;
};

}  // namespace

std::unique_ptr<::grpc::Service> NewBatchService(const GrpcContext& ctx) {
  return std::make_unique<BatchGrpcService>(ctx);
}

}  // namespace goclaw::api::grpc
