// Values and documents as goclaw.v1 messages (proto_convert.h).
#include "goclaw/api/grpc/proto_convert.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "goclaw/core/json_text.h"
#include "goclaw/core/time_text.h"

namespace goclaw::api::grpc {
namespace {

// engine state (by index) -> proto enum; the protos number the reference Goclaw's states first.
constexpr std::array<v1::WorkflowStatus, engine::kWorkflowStateCount> kWorkflow = {
    v1::WORKFLOW_STATUS_PENDING,   v1::WORKFLOW_STATUS_SCHEDULED, v1::WORKFLOW_STATUS_RUNNING,
    v1::WORKFLOW_STATUS_COMPLETED, v1::WORKFLOW_STATUS_FAILED,    v1::WORKFLOW_STATUS_CANCELLED};
constexpr std::array<v1::TaskStatus, engine::kTaskStateCount> kTask = {
    v1::TASK_STATUS_PENDING,   v1::TASK_STATUS_READY,  v1::TASK_STATUS_QUEUED,
    v1::TASK_STATUS_RUNNING,   v1::TASK_STATUS_RETRYING, v1::TASK_STATUS_COMPLETED,
    v1::TASK_STATUS_FAILED,    v1::TASK_STATUS_SKIPPED, v1::TASK_STATUS_CANCELLED};

double DoubleOf(const boost::json::value* v) {
  if (v == nullptr) return 0;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return 0;
}

const boost::json::object* ObjectOf(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

}  // namespace

void SetTimestamp(Clock::WallTime t, google::protobuf::Timestamp* out) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  std::int64_t seconds = us / 1000000;
  std::int64_t micros = us % 1000000;
  if (micros < 0) {  // before 1970: nanos must be non-negative
    micros += 1000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<std::int32_t>(micros * 1000));
}

bool SetTimestamp(const boost::json::value* v, google::protobuf::Timestamp* out) {
  if (v == nullptr || !v->is_string()) return false;
  auto us = ParseRfc3339(v->get_string());
  if (!us) return false;
  SetTimestamp(Clock::WallTime(std::chrono::microseconds(*us)), out);
  return true;
}

v1::WorkflowStatus ToProto(engine::WorkflowState s) { return kWorkflow[static_cast<std::size_t>(s)]; }
v1::TaskStatus ToProto(engine::TaskState s) { return kTask[static_cast<std::size_t>(s)]; }

std::optional<engine::WorkflowState> FromProto(v1::WorkflowStatus s) {
  for (std::size_t i = 0; i < kWorkflow.size(); ++i) {
    if (kWorkflow[i] == s) return static_cast<engine::WorkflowState>(i);
  }
  return std::nullopt;
}

std::optional<engine::TaskState> FromProto(v1::TaskStatus s) {
  for (std::size_t i = 0; i < kTask.size(); ++i) {
    if (kTask[i] == s) return static_cast<engine::TaskState>(i);
  }
  return std::nullopt;
}

v1::WorkflowStatus WorkflowStatusNamed(std::string_view name) {
  auto s = engine::ParseWorkflowState(name);
  return s ? ToProto(*s) : v1::WORKFLOW_STATUS_UNSPECIFIED;
}

v1::TaskStatus TaskStatusNamed(std::string_view name) {
  auto s = engine::ParseTaskState(name);
  return s ? ToProto(*s) : v1::TASK_STATUS_UNSPECIFIED;
}

std::string StringOf(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::int64_t IntOf(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return 0;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return 0;
}

std::string JsonBytes(const boost::json::value& v) { return JsonText(v); }

void WorkflowStatusFromJson(const boost::json::object& doc, v1::GetWorkflowStatusResponse* out) {
  out->set_workflow_id(StringOf(doc, "id"));
  out->set_name(StringOf(doc, "name"));
  out->set_status(WorkflowStatusNamed(StringOf(doc, "status")));
  out->set_error_message(StringOf(doc, "error"));
  SetTimestamp(doc.if_contains("created_at"), out->mutable_created_at());
  const bool started = SetTimestamp(doc.if_contains("started_at"), out->mutable_started_at());
  const bool completed = SetTimestamp(doc.if_contains("completed_at"), out->mutable_completed_at());
  if (!started) out->clear_started_at();
  if (!completed) out->clear_completed_at();
  // The last change the document knows of: its end, its start, or its creation.
  *out->mutable_updated_at() = completed ? out->completed_at() : started ? out->started_at() : out->created_at();
  const boost::json::value* tasks = doc.if_contains("tasks");
  if (tasks == nullptr || !tasks->is_array()) return;
  for (const boost::json::value& tv : tasks->get_array()) {
    const boost::json::object* t = tv.if_object();
    if (t == nullptr) continue;
    v1::TaskStatusDetail* d = out->add_tasks();
    d->set_task_id(StringOf(*t, "id"));
    d->set_name(StringOf(*t, "name"));
    d->set_type(StringOf(*t, "type"));
    d->set_status(TaskStatusNamed(StringOf(*t, "status")));
    d->set_attempts(static_cast<std::int32_t>(IntOf(*t, "attempts")));
    d->set_error_message(StringOf(*t, "error"));
    if (!SetTimestamp(t->if_contains("started_at"), d->mutable_started_at())) d->clear_started_at();
    if (!SetTimestamp(t->if_contains("completed_at"), d->mutable_completed_at())) d->clear_completed_at();
    if (const boost::json::value* result = t->if_contains("result")) d->set_result_data(JsonBytes(*result));
  }
}

void WorkflowSummaryFromJson(const boost::json::object& item, v1::WorkflowSummary* out) {
  out->set_workflow_id(StringOf(item, "id"));
  out->set_name(StringOf(item, "name"));
  out->set_status(WorkflowStatusNamed(StringOf(item, "status")));
  SetTimestamp(item.if_contains("created_at"), out->mutable_created_at());
  *out->mutable_updated_at() = out->created_at();
  out->set_task_count(static_cast<std::int32_t>(IntOf(item, "tasks")));
}

void TaskResultFromJson(const boost::json::object& doc, v1::GetTaskResultResponse* out) {
  out->set_task_id(StringOf(doc, "task_id"));
  out->set_status(TaskStatusNamed(StringOf(doc, "status")));
  if (const boost::json::value* result = doc.if_contains("result")) out->set_result_data(JsonBytes(*result));
}

void LaneStatsFromJson(const boost::json::object& doc, v1::LaneStats* out) {
  out->set_lane_name(StringOf(doc, "name"));
  out->set_queue_depth(static_cast<std::int32_t>(IntOf(doc, "waiting")));
  out->set_worker_count(static_cast<std::int32_t>(IntOf(doc, "running")));
  out->set_max_concurrency(static_cast<std::int32_t>(IntOf(doc, "max_concurrency")));
  out->set_capacity(IntOf(doc, "capacity"));
  out->set_admitted(IntOf(doc, "admitted"));
  out->set_dropped(IntOf(doc, "dropped"));
  out->set_keyed(doc.if_contains("keyed") && doc.at("keyed").is_bool() && doc.at("keyed").get_bool());
  out->set_error_rate(out->admitted() > 0 ? static_cast<double>(out->dropped()) / static_cast<double>(out->admitted()) : 0.0);
  if (const boost::json::object* rate = ObjectOf(doc, "rate")) {
    out->set_throughput_per_sec(DoubleOf(rate->if_contains("per_second")));
    out->set_rate_burst(DoubleOf(rate->if_contains("burst")));
  }
  if (const boost::json::object* wait = ObjectOf(doc, "wait_seconds")) {
    out->set_wait_p50_seconds(DoubleOf(wait->if_contains("p50")));
    out->set_wait_p99_seconds(DoubleOf(wait->if_contains("p99")));
  }
}

void SignalInfoFromJson(const boost::json::object& doc, v1::SignalInfo* out) {
  out->set_seq(IntOf(doc, "seq"));
  out->set_kind(StringOf(doc, "kind"));
  out->set_task_id(StringOf(doc, "task"));  // null: the whole workflow
  out->set_state(StringOf(doc, "state"));
  const boost::json::value* payload = doc.if_contains("payload");
  out->set_payload_json(JsonBytes(payload && !payload->is_null() ? *payload : boost::json::value(boost::json::object())));
  SetTimestamp(doc.if_contains("created_at"), out->mutable_created_at());
  const boost::json::value* deliveries = doc.if_contains("deliveries");
  if (deliveries == nullptr || !deliveries->is_array()) return;
  for (const boost::json::value& dv : deliveries->get_array()) {
    const boost::json::object* d = dv.if_object();
    if (d == nullptr) continue;
    v1::SignalDelivery* pd = out->add_deliveries();
    pd->set_task_id(StringOf(*d, "task"));
    pd->set_attempt(static_cast<std::int32_t>(IntOf(*d, "attempt")));
    pd->set_state(StringOf(*d, "state"));
  }
}

}  // namespace goclaw::api::grpc
