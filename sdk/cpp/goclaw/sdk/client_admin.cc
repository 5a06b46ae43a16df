// Client (client.h): batches, sagas and the admin calls.
#include "goclaw/sdk/client.h"
#include "goclaw/sdk/client_call.h"

namespace goclaw::sdk {

using internal::Unary;

Result<v1::SubmitWorkflowsResponse> Client::SubmitWorkflows(
    const std::vector<BatchWorkflow>& workflows, const BatchOptions& options) {
  v1::SubmitWorkflowsRequest req;
  req.set_atomic(options.atomic);
  req.set_ordered(options.ordered);
  for (const BatchWorkflow& w : workflows) {
    v1::SubmitWorkflowRequest* item = req.add_workflows();
    item->set_spec(w.spec);
    item->set_input_json(w.input_json);
  }
  return Unary<v1::SubmitWorkflowsResponse>(target_, options_.deadline,
                                            [&](grpc::ClientContext* c, auto* out) {
                                              return stubs_->batch.SubmitWorkflows(c, req, out);
                                            });
}

Result<v1::GetWorkflowStatusesResponse> Client::GetWorkflowStatuses(
    const std::vector<std::string>& workflow_ids) {
  v1::GetWorkflowStatusesRequest req;
  for (const std::string& id : workflow_ids) req.add_workflow_ids(id);
  return Unary<v1::GetWorkflowStatusesResponse>(
      target_, options_.deadline, [&](grpc::ClientContext* c, auto* out) {
        return stubs_->batch.GetWorkflowStatuses(c, req, out);
      });
}

Result<v1::CancelWorkflowsResponse> Client::CancelWorkflows(
    const std::vector<std::string>& workflow_ids) {
  v1::CancelWorkflowsRequest req;
  for (const std::string& id : workflow_ids) req.add_workflow_ids(id);
  return Unary<v1::CancelWorkflowsResponse>(target_, options_.deadline,
                                            [&](grpc::ClientContext* c, auto* out) {
                                              return stubs_->batch.CancelWorkflows(c, req, out);
                                            });
}

Result<v1::SubmitSagaResponse> Client::SubmitSaga(std::string_view spec, const std::string& name) {
  v1::SubmitSagaRequest req;
  req.set_spec(std::string(spec));
  req.set_name(name);
  return Unary<v1::SubmitSagaResponse>(
      target_, options_.deadline,
      [&](grpc::ClientContext* c, auto* out) { return stubs_->saga.SubmitSaga(c, req, out); });
}

Result<v1::GetSagaStatusResponse> Client::GetSagaStatus(const std::string& saga_id) {
  v1::GetSagaStatusRequest req;
  req.set_saga_id(saga_id);
  return Unary<v1::GetSagaStatusResponse>(
      target_, options_.deadline,
      [&](grpc::ClientContext* c, auto* out) { return stubs_->saga.GetSagaStatus(c, req, out); });
}

Result<v1::ListSagasResponse> Client::ListSagas(const v1::ListSagasRequest& request) {
  return Unary<v1::ListSagasResponse>(
      target_, options_.deadline,
      [&](grpc::ClientContext* c, auto* out) { return stubs_->saga.ListSagas(c, request, out); });
}

Result<v1::CompensateSagaResponse> Client::CompensateSaga(const std::string& saga_id,
                                                          const std::string& reason) {
  v1::CompensateSagaRequest req;
  req.set_saga_id(saga_id);
  req.set_reason(reason);
  return Unary<v1::CompensateSagaResponse>(
      target_, options_.deadline,
      [&](grpc::ClientContext* c, auto* out) { return stubs_->saga.CompensateSaga(c, req, out); });
}

Result<v1::RecoverSagaResponse> Client::RecoverSaga(const std::string& saga_id) {
  v1::RecoverSagaRequest req;
  req.set_saga_id(saga_id);
  return Unary<v1::RecoverSagaResponse>(
      target_, options_.deadline,
      [&](grpc::ClientContext* c, auto* out) { return stubs_->saga.RecoverSaga(c, req, out); });
}

Status Client::WatchSaga(const std::string& saga_id,
                         const std::function<bool(const v1::WatchSagaEvent&)>& on_event) {
  v1::WatchSagaRequest req;
  req.set_saga_id(saga_id);
  grpc::ClientContext ctx;
  internal::SetDeadline(ctx, options_.stream_deadline);
  auto reader = stubs_->saga.WatchSaga(&ctx, req);
  return internal::ReadStream<v1::WatchSagaEvent>(ctx, *reader, target_, on_event);
}

Result<v1::GetEngineStatusResponse> Client::GetEngineStatus() {
  v1::GetEngineStatusRequest req;
  return Unary<v1::GetEngineStatusResponse>(target_, options_.deadline,
                                            [&](grpc::ClientContext* c, auto* out) {
                                              return stubs_->admin.GetEngineStatus(c, req, out);
                                            });
}

Result<v1::CreateSnapshotResponse> Client::CreateSnapshot(const std::string& dir) {
  v1::CreateSnapshotRequest req;
  req.set_dir(dir);
  return Unary<v1::CreateSnapshotResponse>(
      target_, options_.deadline,
      [&](grpc::ClientContext* c, auto* out) { return stubs_->admin.CreateSnapshot(c, req, out); });
}

}  // namespace goclaw::sdk
