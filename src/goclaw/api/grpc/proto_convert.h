// Conversions between the services' values and goclaw.v1 messages: timestamps, the workflow
// and task state enums, and the JSON documents the services answer with (the same documents
// the REST API sends: engine/status_json.h, service/*.h) as proto messages. JSON values the
// protos carry as text (results, payloads) are written with JsonText (exact doubles).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/clock.h"
#include "goclaw/engine/states.h"
#include "goclaw/v1/admin.pb.h"
#include "goclaw/v1/signal.pb.h"
#include "goclaw/v1/workflow.pb.h"

namespace goclaw::api::grpc {

// ---- time ----
void SetTimestamp(Clock::WallTime t, google::protobuf::Timestamp* out);
// An RFC 3339 string of a document (FormatTime's); false, with `out` untouched, when `v` is
// absent, null or not a time.
bool SetTimestamp(const boost::json::value* v, google::protobuf::Timestamp* out);

// ---- states ----
v1::WorkflowStatus ToProto(engine::WorkflowState s);
v1::TaskStatus ToProto(engine::TaskState s);
// UNSPECIFIED (and values this build does not know): nullopt.
std::optional<engine::WorkflowState> FromProto(v1::WorkflowStatus s);
std::optional<engine::TaskState> FromProto(v1::TaskStatus s);
// By the state names of the documents ("running"); UNSPECIFIED for an unknown name.
v1::WorkflowStatus WorkflowStatusNamed(std::string_view name);
v1::TaskStatus TaskStatusNamed(std::string_view name);

// ---- documents ----
// A string member, or "" when absent or not a string.
std::string StringOf(const boost::json::object& o, std::string_view key);
// An integer member, or 0.
std::int64_t IntOf(const boost::json::object& o, std::string_view key);
// JSON text of a value (exact: core/json_text.h).
std::string JsonBytes(const boost::json::value& v);

// WorkflowService::Get's document (engine/status_json.h WorkflowStatusToJson). A task whose
// result did not fit the status (result_ref) has no result_data: GetTaskResult has it.
void WorkflowStatusFromJson(const boost::json::object& doc, v1::GetWorkflowStatusResponse* out);
// One item of WorkflowService::List's "workflows", or a Summary.
void WorkflowSummaryFromJson(const boost::json::object& item, v1::WorkflowSummary* out);
// WorkflowService::TaskResult's document.
void TaskResultFromJson(const boost::json::object& doc, v1::GetTaskResultResponse* out);
// LaneService::StatsToJson's document.
void LaneStatsFromJson(const boost::json::object& doc, v1::LaneStats* out);
// One signal of SignalService::List's "signals" (service/signal_service.h SignalToJson).
void SignalInfoFromJson(const boost::json::object& doc, v1::SignalInfo* out);

}  // namespace goclaw::api::grpc
