// JSON encoders for statuses and events.
#include "goclaw/engine/status_json.h"

#include <chrono>

#include "goclaw/core/json_format.h"
#include "goclaw/core/json_limits.h"
#include "goclaw/core/time_text.h"
#include "goclaw/dag/plan.h"

namespace goclaw::engine {

std::string FormatTime(Clock::WallTime t) {
  return FormatUnixMicros(std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

namespace {

void PutTime(boost::json::object& o, const char* key, const std::optional<Clock::WallTime>& t) {
  if (t) o[key] = FormatTime(*t);
}

// `spec`: the task's definition, for its depends_on and lane (absent without a plan).
boost::json::object TaskJson(const TaskStatus& t, const dag::TaskSpec* spec, bool with_result) {
  boost::json::object o;
  o["id"] = t.id;
  o["name"] = t.name;
  o["type"] = t.type;
  o["status"] = TaskStateName(t.state);
  o["attempts"] = t.attempts;
  if (spec != nullptr) {
    boost::json::array depends_on;
    depends_on.reserve(spec->depends_on.size());
    for (const std::string& d : spec->depends_on) depends_on.emplace_back(d);
    o["depends_on"] = std::move(depends_on);
    o["lane"] = spec->lane;
  }
  PutTime(o, "started_at", t.started_at);
  PutTime(o, "completed_at", t.finished_at);
  if (t.started_at && t.finished_at) {
    o["duration_seconds"] = RoundedSeconds(*t.finished_at - *t.started_at);  // plain: json_format.h
  }
  if (!t.error.empty()) o["error"] = t.error;
  if (t.state == TaskState::kCompleted && with_result) o["result"] = t.output;
  return o;
}

}  // namespace

boost::json::object TaskStatusToJson(const TaskStatus& t) { return TaskJson(t, nullptr, true); }

boost::json::object WorkflowStatusToJson(const WorkflowStatus& w, std::size_t max_result_bytes) {
  boost::json::object o;
  o["id"] = w.id;
  o["name"] = w.name;
  o["status"] = WorkflowStateName(w.state);
  o["created_at"] = FormatTime(w.created_at);
  PutTime(o, "started_at", w.started_at);
  PutTime(o, "completed_at", w.finished_at);
  if (!w.error.empty()) o["error"] = w.error;
  o["metadata"] = w.metadata;
  boost::json::array tasks;
  tasks.reserve(w.tasks.size());
  std::size_t left = max_result_bytes;
  const bool with_plan = w.plan != nullptr && w.plan->task_count() == w.tasks.size();
  for (std::size_t i = 0; i < w.tasks.size(); ++i) {
    const TaskStatus& t = w.tasks[i];
    const std::size_t size =
        t.state == TaskState::kCompleted ? JsonTextSize(t.output, left) : 0;
    boost::json::object task =
        TaskJson(t, with_plan ? &w.plan->task(static_cast<dag::Plan::Index>(i)) : nullptr, size <= left);
    if (size > left) {
      task["result_ref"] = "/api/v1/workflows/" + w.id + "/tasks/" + t.id + "/result";
      task["result_bytes"] = JsonTextSize(t.output, static_cast<std::size_t>(-1));
    } else {
      left -= size;
    }
    tasks.push_back(std::move(task));
  }
  o["tasks"] = std::move(tasks);
  return o;
}

boost::json::object EventToJson(const Event& e) {
  boost::json::object o;
  o["seq"] = e.seq;
  o["workflow_id"] = e.workflow_id;
  if (!e.task_id.empty()) o["task_id"] = e.task_id;
  if (!e.to_name().empty()) {  // state changes, and a signal delivery's states
    o["from"] = e.from_name();
    o["to"] = e.to_name();
  }
  if (e.kind != EventKind::kWorkflowState && e.kind != EventKind::kTaskState) {
    o["kind"] = EventKindName(e.kind);
    o["payload"] = e.payload;
  }
  if (e.attempt > 0) o["attempt"] = e.attempt;
  o["time"] = FormatTime(e.time);
  if (!e.error.empty()) o["error"] = e.error;
  return o;
}

}  // namespace goclaw::engine
