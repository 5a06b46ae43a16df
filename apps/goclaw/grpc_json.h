// goclaw.v1 answers as the REST API's documents (the inverse of the server's
// api/grpc/proto_convert.h), for the CLI's gRPC transport (transport.h): same keys, state names
// ("completed", "pending-compensation"), RFC 3339 times (time_text.h) and JSON values parsed
// from their *_json / result_data text. Fields a gRPC answer does not carry are left out.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "goclaw/v1/saga.pb.h"
#include "goclaw/v1/signal.pb.h"
#include "goclaw/v1/workflow.pb.h"

namespace goclaw::cli {

// "WORKFLOW_STATUS_COMPLETED" -> "completed", "SAGA_STATE_PENDING_COMPENSATION" ->
// "pending-compensation"; "" for UNSPECIFIED.
std::string WorkflowStatusText(v1::WorkflowStatus s);
std::string TaskStatusText(v1::TaskStatus s);
std::string SagaStateText(v1::SagaState s);
// The other way ("" or an unknown name: UNSPECIFIED).
v1::WorkflowStatus WorkflowStatusFromText(std::string_view name);
v1::SagaState SagaStateFromText(std::string_view name);

// {id, name, status, created_at, started_at, completed_at, error, tasks: [{id, name, type,
// status, attempts, started_at, completed_at, duration_seconds, error, result}]}
boost::json::value WorkflowJson(const v1::GetWorkflowStatusResponse& w);
// {workflows: [{id, name, status, created_at, tasks}], total, next_cursor}
boost::json::value WorkflowListJson(const v1::ListWorkflowsResponse& list);
// {seq, kind, task, state, workflow_id}
boost::json::value SignalJson(const v1::SignalTaskResponse& s);
// {workflow_id, signals: [{seq, kind, task, state, payload, created_at, deliveries: [{task,
// attempt, state}]}], total}
boost::json::value SignalListJson(const v1::ListSignalsResponse& list);
// The saga document (service/saga_views.cc) from GetSagaStatus.
boost::json::value SagaJson(const v1::GetSagaStatusResponse& s);
// {items: [{saga_id, name, state, created_at, completed_at}], total}
boost::json::value SagaListJson(const v1::ListSagasResponse& list);

}  // namespace goclaw::cli
