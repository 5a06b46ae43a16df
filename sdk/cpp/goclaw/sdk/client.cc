// Client (client.h): the channel, workflows, streams and signals. Batches, sagas and admin
// calls are in client_admin.cc.
#include "goclaw/sdk/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "goclaw/sdk/client_call.h"

namespace goclaw::sdk {

using internal::Unary;

Result<std::unique_ptr<Client>> Client::Connect(const std::string& target, ClientOptions options) {
  if (target.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the goclaw gRPC target is empty; expected host:port, e.g. 127.0.0.1:9090");
  }
  if (options.deadline.count() < 0 || options.stream_deadline.count() < 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "ClientOptions: deadlines must be 0 (none) or more");
  }
  if (options.max_receive_message_bytes <= 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "ClientOptions: max_receive_message_bytes must be more than 0");
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options.max_receive_message_bytes);
  if (!options.user_agent.empty()) args.SetUserAgentPrefix(options.user_agent);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  if (channel == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cannot make a gRPC channel to \"" + target + "\"");
  }
  return std::make_unique<Client>(std::move(channel), target, std::move(options));
}

Client::Client(std::shared_ptr<grpc::Channel> channel, std::string target, ClientOptions options)
    : channel_(std::move(channel)),
      target_(std::move(target)),
      options_(std::move(options)),
      stubs_(std::make_unique<Stubs>(channel_)) {}

Client::~Client() = default;

Result<Submitted> Client::SubmitWorkflow(std::string_view spec, std::string_view input_json,
                                         const SubmitOptions& options) {
  v1::SubmitWorkflowRequest req;
  req.set_spec(std::string(spec));
  req.set_input_json(std::string(input_json));
  req.set_wait(options.wait);
  req.set_wait_ms(options.wait_for.count());
  // A waiting submit may take the whole wait (the server's default is at most 5 minutes).
  std::chrono::milliseconds deadline = options_.deadline;
  if (options.wait && deadline.count() > 0) {
    deadline += options.wait_for.count() > 0 ? options.wait_for : std::chrono::minutes(5);
  }
  auto r =
      Unary<v1::SubmitWorkflowResponse>(target_, deadline, [&](grpc::ClientContext* c, auto* out) {
        return stubs_->workflow.SubmitWorkflow(c, req, out);
      });
  if (!r) return MakeError(r.error());
  Submitted s;
  s.workflow_id = r->workflow_id();
  s.status = r->status();
  if (r->has_final_status()) s.final_status = std::move(*r->mutable_final_status());
  return s;
}

Result<v1::GetWorkflowStatusResponse> Client::GetWorkflowStatus(const std::string& workflow_id) {
  v1::GetWorkflowStatusRequest req;
  req.set_workflow_id(workflow_id);
  return Unary<v1::GetWorkflowStatusResponse>(
      target_, options_.deadline, [&](grpc::ClientContext* c, auto* out) {
        return stubs_->workflow.GetWorkflowStatus(c, req, out);
      });
}

Result<v1::ListWorkflowsResponse> Client::ListWorkflows(const ListOptions& options) {
  v1::ListWorkflowsRequest req;
  req.mutable_pagination()->set_page_size(options.page_size);
  req.mutable_pagination()->set_page_token(options.page_token);
  req.set_status_filter(options.status);
  req.set_name_filter(options.name);
  req.set_newest_first(options.newest_first);
  return Unary<v1::ListWorkflowsResponse>(target_, options_.deadline,
                                          [&](grpc::ClientContext* c, auto* out) {
                                            return stubs_->workflow.ListWorkflows(c, req, out);
                                          });
}

Result<v1::CancelWorkflowResponse> Client::CancelWorkflow(const std::string& workflow_id) {
  v1::CancelWorkflowRequest req;
  req.set_workflow_id(workflow_id);
  return Unary<v1::CancelWorkflowResponse>(target_, options_.deadline,
                                           [&](grpc::ClientContext* c, auto* out) {
                                             return stubs_->workflow.CancelWorkflow(c, req, out);
                                           });
}

Result<v1::GetTaskResultResponse> Client::GetTaskResult(const std::string& workflow_id,
                                                        const std::string& task_id) {
  v1::GetTaskResultRequest req;
  req.set_workflow_id(workflow_id);
  req.set_task_id(task_id);
  return Unary<v1::GetTaskResultResponse>(target_, options_.deadline,
                                          [&](grpc::ClientContext* c, auto* out) {
                                            return stubs_->workflow.GetTaskResult(c, req, out);
                                          });
}

Status Client::WatchWorkflow(
    const std::string& workflow_id, std::int64_t from_seq,
    const std::function<bool(const v1::WorkflowStatusUpdate&)>& on_update) {
  v1::WatchWorkflowRequest req;
  req.set_workflow_id(workflow_id);
  req.set_resume_from_sequence(from_seq);
  grpc::ClientContext ctx;
  internal::SetDeadline(ctx, options_.stream_deadline);
  auto reader = stubs_->streaming.WatchWorkflow(&ctx, req);
  return internal::ReadStream<v1::WorkflowStatusUpdate>(ctx, *reader, target_, on_update);
}

Status Client::WatchTasks(const v1::WatchTasksRequest& request,
                          const std::function<bool(const v1::TaskProgressUpdate&)>& on_update) {
  grpc::ClientContext ctx;
  internal::SetDeadline(ctx, options_.stream_deadline);
  auto reader = stubs_->streaming.WatchTasks(&ctx, request);
  return internal::ReadStream<v1::TaskProgressUpdate>(ctx, *reader, target_, on_update);
}

Result<v1::SignalTaskResponse> Client::Signal(const std::string& workflow_id,
                                              const std::string& task_id, const std::string& kind,
                                              std::string_view payload_json) {
  v1::SignalTaskRequest req;
  req.set_workflow_id(workflow_id);
  req.set_task_id(task_id);
  req.set_kind(kind);
  req.set_payload_json(std::string(payload_json));
  return Unary<v1::SignalTaskResponse>(
      target_, options_.deadline,
      [&](grpc::ClientContext* c, auto* out) { return stubs_->signal.SignalTask(c, req, out); });
}

Result<v1::ListSignalsResponse> Client::ListSignals(const std::string& workflow_id,
                                                    const std::string& task_id) {
  v1::ListSignalsRequest req;
  req.set_workflow_id(workflow_id);
  req.set_task_id(task_id);
  return Unary<v1::ListSignalsResponse>(
      target_, options_.deadline,
      [&](grpc::ClientContext* c, auto* out) { return stubs_->signal.ListSignals(c, req, out); });
}

}  // namespace goclaw::sdk
