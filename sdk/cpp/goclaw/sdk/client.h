// goclaw's C++ client over gRPC (proto/goclaw/v1): submit, inspect, watch, signal and cancel
// workflows, batches, sagas and the admin calls, each a method that returns a goclaw `Result`.
//
//   auto client = goclaw::sdk::Client::Connect("127.0.0.1:9090");
//   auto submitted = (*client)->SubmitWorkflow(spec_yaml, R"({"topic": "tides"})", {.wait = true});
//   if (!submitted) std::cerr << submitted.error().ToString();
//
// Answers are the generated goclaw.v1 messages (JSON values inside them are JSON text: the
// `*_json` fields and `result_data`). A failed call is an Error whose code comes from the gRPC
// code and whose details are the server's field violations (errors.h).
//
// Every unary call gets `ClientOptions::deadline` (a submit that waits gets its wait on top);
// streams get `stream_deadline` (none by default) and end when the callback says so.
//
// Thread-safety: a Client may be used from any number of threads at once (gRPC channels and
// stubs are thread-safe); a watch blocks only its caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/core/status.h"
#include "goclaw/v1/admin.pb.h"
#include "goclaw/v1/batch.pb.h"
#include "goclaw/v1/saga.pb.h"
#include "goclaw/v1/signal.pb.h"
#include "goclaw/v1/streaming.pb.h"
#include "goclaw/v1/workflow.pb.h"

namespace grpc {
class Channel;
}  // namespace grpc

namespace goclaw::sdk {

struct ClientOptions {
  std::chrono::milliseconds deadline{30000};     // each unary call; 0: none
  std::chrono::milliseconds stream_deadline{0};  // each watch; 0: none
  int max_receive_message_bytes = 64 << 20;      // large statuses (1,000-task workflows)
  std::string user_agent = "goclaw-sdk-cpp";
};

struct SubmitOptions {
  bool wait = false;                      // answer when the workflow finished (or wait_for ran out)
  std::chrono::milliseconds wait_for{0};  // with wait: at most this long; 0: the server's default
};

struct Submitted {
  std::string workflow_id;
  v1::WorkflowStatus status = v1::WORKFLOW_STATUS_UNSPECIFIED;
  // With wait, when the workflow finished in time: its status with every task.
  std::optional<v1::GetWorkflowStatusResponse> final_status;
};

struct ListOptions {
  int page_size = 0;       // 1..1000; 0: the server's default (100)
  std::string page_token;  // next_page_token of the previous page
  v1::WorkflowStatus status = v1::WORKFLOW_STATUS_UNSPECIFIED;  // unspecified: any
  std::string name;                                             // exact; empty: any
  bool newest_first = false;  // by creation: oldest first unless set
};

// One workflow of a batch submit.
struct BatchWorkflow {
  std::string spec;        // JSON or YAML
  std::string input_json;  // empty: {}
};

struct BatchOptions {
  bool atomic = false;   // check every workflow first; submit none when one is bad
  bool ordered = false;  // one after the other, in order
};

class Client {
 public:
  // A client of the server at `target` ("host:port", or any gRPC target such as
  // "dns:///goclaw:9090"). The channel connects lazily: an unreachable server is reported by
  // the first call (kUnavailable). kInvalidArgument for an empty target or bad options.
  static Result<std::unique_ptr<Client>> Connect(const std::string& target,
                                                 ClientOptions options = {});
  // Over a channel the caller made (TLS, interceptors, an in-process channel).
  Client(std::shared_ptr<grpc::Channel> channel, std::string target, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const std::string& target() const { return target_; }

  // ---- workflows ----
  // `spec`: a goclaw spec (JSON or YAML text); `input_json`: the input object (empty: the
  // spec's own `input`).
  Result<Submitted> SubmitWorkflow(std::string_view spec, std::string_view input_json = {},
                                   const SubmitOptions& options = {});
  Result<v1::GetWorkflowStatusResponse> GetWorkflowStatus(const std::string& workflow_id);
  Result<v1::ListWorkflowsResponse> ListWorkflows(const ListOptions& options = {});
  Result<v1::CancelWorkflowResponse> CancelWorkflow(const std::string& workflow_id);
  Result<v1::GetTaskResultResponse> GetTaskResult(const std::string& workflow_id,
                                                  const std::string& task_id);

  // ---- streams ----
  // Calls `on_update` for each state change after sequence `from_seq` (the stored history,
  // then live ones) until the workflow ends (OK), `on_update` returns false (OK), or the
  // stream fails (its error).
  Status WatchWorkflow(const std::string& workflow_id, std::int64_t from_seq,
                       const std::function<bool(const v1::WorkflowStatusUpdate&)>& on_update);
  // The same for task state changes (`task_ids` empty: every task).
  Status WatchTasks(const v1::WatchTasksRequest& request,
                    const std::function<bool(const v1::TaskProgressUpdate&)>& on_update);

  // ---- signals ----
  // A durable signal of `kind` to the workflow (`task_id` empty) or one task; answered once
  // stored, with its sequence number.
  Result<v1::SignalTaskResponse> Signal(const std::string& workflow_id, const std::string& task_id,
                                        const std::string& kind,
                                        std::string_view payload_json = {});
  Result<v1::ListSignalsResponse> ListSignals(const std::string& workflow_id,
                                              const std::string& task_id = {});

  // ---- batches (at most 1,000 items; each item has its own result) ----
  Result<v1::SubmitWorkflowsResponse> SubmitWorkflows(const std::vector<BatchWorkflow>& workflows,
                                                      const BatchOptions& options = {});
  Result<v1::GetWorkflowStatusesResponse> GetWorkflowStatuses(
      const std::vector<std::string>& workflow_ids);
  Result<v1::CancelWorkflowsResponse> CancelWorkflows(const std::vector<std::string>& workflow_ids);

  // ---- sagas ----
  Result<v1::SubmitSagaResponse> SubmitSaga(std::string_view spec, const std::string& name = {});
  Result<v1::GetSagaStatusResponse> GetSagaStatus(const std::string& saga_id);
  Result<v1::ListSagasResponse> ListSagas(const v1::ListSagasRequest& request);
  Result<v1::CompensateSagaResponse> CompensateSaga(const std::string& saga_id,
                                                    const std::string& reason = {});
  Result<v1::RecoverSagaResponse> RecoverSaga(const std::string& saga_id);
  // The saga's state, then every change until it settles or `on_event` returns false.
  Status WatchSaga(const std::string& saga_id,
                   const std::function<bool(const v1::WatchSagaEvent&)>& on_event);

  // ---- admin ----
  Result<v1::GetEngineStatusResponse> GetEngineStatus();
  Result<v1::CreateSnapshotResponse> CreateSnapshot(const std::string& dir);

 private:
  struct Stubs;
  std::shared_ptr<grpc::Channel> channel_;
  std::string target_;
  ClientOptions options_;
  std::unique_ptr<Stubs> stubs_;
};

}  // namespace goclaw::sdk
