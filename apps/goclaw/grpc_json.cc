// goclaw.v1 answers as REST documents (grpc_json.h).
#include "grpc_json.h"

#include <cctype>

#include <boost/json/parse.hpp>

#include "goclaw/core/json_format.h"
#include "goclaw/core/time_text.h"

namespace goclaw::cli {
namespace {

// An enum value's name without its prefix, lower case, '_' -> '-'.
std::string EnumText(const std::string& full, std::string_view prefix) {
  if (full.size() <= prefix.size() || full.compare(0, prefix.size(), prefix) != 0) return "";
  std::string out = full.substr(prefix.size());
  if (out == "UNSPECIFIED") return "";
  for (char& c : out)
    c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000 + t.nanos() / 1000;
}

// `key` = the time, when the message has it.
void PutTime(boost::json::object& o, const char* key, bool has,
             const google::protobuf::Timestamp& t) {
  if (has) o[key] = FormatUnixMicros(Micros(t));
}

// JSON text from the server; kept as a string if it is not JSON (never expected).
boost::json::value JsonOf(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  return ec ? boost::json::value(text) : v;
}

template <typename Enum, typename NameFn>
Enum EnumFromText(std::string_view text, int max, std::string_view prefix, NameFn name) {
  for (int i = 1; i <= max; ++i) {
    if (!text.empty() && EnumText(name(static_cast<Enum>(i)), prefix) == text)
      return static_cast<Enum>(i);
  }
  return static_cast<Enum>(0);
}

}  // namespace

std::string WorkflowStatusText(v1::WorkflowStatus s) {
  return EnumText(v1::WorkflowStatus_Name(s), "WORKFLOW_STATUS_");
}
std::string TaskStatusText(v1::TaskStatus s) {
  return EnumText(v1::TaskStatus_Name(s), "TASK_STATUS_");
}
std::string SagaStateText(v1::SagaState s) {
  return EnumText(v1::SagaState_Name(s), "SAGA_STATE_");
}

v1::WorkflowStatus WorkflowStatusFromText(std::string_view name) {
  return EnumFromText<v1::WorkflowStatus>(
      name, v1::WorkflowStatus_MAX, "WORKFLOW_STATUS_",
      [](v1::WorkflowStatus s) { return v1::WorkflowStatus_Name(s); });
}

v1::SagaState SagaStateFromText(std::string_view name) {
  return EnumFromText<v1::SagaState>(name, v1::SagaState_MAX, "SAGA_STATE_",
                                     [](v1::SagaState s) { return v1::SagaState_Name(s); });
}

boost::json::value WorkflowJson(const v1::GetWorkflowStatusResponse& w) {
  boost::json::object o{
      {"id", w.workflow_id()}, {"name", w.name()}, {"status", WorkflowStatusText(w.status())}};
  PutTime(o, "created_at", w.has_created_at(), w.created_at());
  PutTime(o, "started_at", w.has_started_at(), w.started_at());
  PutTime(o, "completed_at", w.has_completed_at(), w.completed_at());
  if (!w.error_message().empty()) o["error"] = w.error_message();
  boost::json::array tasks;
  for (const v1::TaskStatusDetail& t : w.tasks()) {
    boost::json::object task{{"id", t.task_id()},
                             {"name", t.name()},
                             {"type", t.type()},
                             {"status", TaskStatusText(t.status())},
                             {"attempts", t.attempts()}};
    PutTime(task, "started_at", t.has_started_at(), t.started_at());
    PutTime(task, "completed_at", t.has_completed_at(), t.completed_at());
    if (t.has_started_at() && t.has_completed_at()) {
      task["duration_seconds"] = RoundedSeconds(
          static_cast<double>(Micros(t.completed_at()) - Micros(t.started_at())) / 1e6);
    }
    if (!t.error_message().empty()) task["error"] = t.error_message();
    if (t.status() == v1::TASK_STATUS_COMPLETED && !t.result_data().empty())
      task["result"] = JsonOf(t.result_data());
    tasks.push_back(std::move(task));
  }
  o["tasks"] = std::move(tasks);
  return o;
}

boost::json::value WorkflowListJson(const v1::ListWorkflowsResponse& list) {
  boost::json::array items;
  for (const v1::WorkflowSummary& w : list.workflows()) {
    boost::json::object item{{"id", w.workflow_id()},
                             {"name", w.name()},
                             {"status", WorkflowStatusText(w.status())},
                             {"tasks", w.task_count()}};
    PutTime(item, "created_at", w.has_created_at(), w.created_at());
    items.push_back(std::move(item));
  }
  const std::string& next = list.pagination().next_page_token();
  return boost::json::object{
      {"workflows", std::move(items)},
      {"total", list.pagination().total_count()},
      {"next_cursor", next.empty() ? boost::json::value(nullptr) : boost::json::value(next)}};
}

boost::json::value SignalJson(const v1::SignalTaskResponse& s) {
  return boost::json::object{
      {"workflow_id", s.workflow_id()},
      {"seq", s.seq()},
      {"kind", s.kind()},
      {"task", s.task_id().empty() ? boost::json::value(nullptr) : boost::json::value(s.task_id())},
      {"state", s.state()}};
}

boost::json::value SignalListJson(const v1::ListSignalsResponse& list) {
  boost::json::array signals;
  for (const v1::SignalInfo& s : list.signals()) {
    boost::json::array deliveries;
    for (const v1::SignalDelivery& d : s.deliveries()) {
      deliveries.push_back({{"task", d.task_id()}, {"state", d.state()}, {"attempt", d.attempt()}});
    }
    boost::json::object o{{"workflow_id", list.workflow_id()},
                          {"seq", s.seq()},
                          {"kind", s.kind()},
                          {"task", s.task_id().empty() ? boost::json::value(nullptr)
                                                       : boost::json::value(s.task_id())},
                          {"state", s.state()},
                          {"payload", JsonOf(s.payload_json())}};
    PutTime(o, "created_at", s.has_created_at(), s.created_at());
    o["deliveries"] = std::move(deliveries);
    signals.push_back(std::move(o));
  }
  const std::size_t total = signals.size();
  return boost::json::object{
      {"workflow_id", list.workflow_id()}, {"signals", std::move(signals)}, {"total", total}};
}

boost::json::value SagaJson(const v1::GetSagaStatusResponse& s) {
  boost::json::array steps, completed, compensated;
  boost::json::object results;
  for (const std::string& id : s.completed_steps()) completed.emplace_back(id);
  for (const std::string& id : s.compensated_steps()) compensated.emplace_back(id);
  for (const v1::SagaStepResult& r : s.step_results())
    results[r.step_id()] = JsonOf(r.result_json());
  for (const v1::SagaStepStatus& step : s.steps()) {
    // A step without a compensate: block has no compensation state.
    boost::json::value compensation = nullptr;
    if (!step.compensation_state().empty()) {
      compensation = boost::json::object{{"state", step.compensation_state()},
                                         {"attempts", step.compensation_attempts()},
                                         {"error", step.compensation_error()}};
    }
    steps.push_back({{"id", step.step_id()},
                     {"state", step.state()},
                     {"attempts", step.attempts()},
                     {"error", step.error()},
                     {"compensation", std::move(compensation)}});
  }
  boost::json::object o{{"saga_id", s.saga_id()},
                        {"name", s.name()},
                        {"state", SagaStateText(s.state())},
                        {"policy", s.policy()},
                        {"completed_steps", std::move(completed)},
                        {"compensated_steps", std::move(compensated)},
                        {"failed_step", s.failed_step()},
                        {"failure_reason", s.failure_reason()},
                        {"reason", s.reason()},
                        {"compensation_skipped", s.compensation_skipped()},
                        {"step_results", std::move(results)}};
  PutTime(o, "created_at", s.has_created_at(), s.created_at());
  PutTime(o, "updated_at", s.has_updated_at(), s.updated_at());
  PutTime(o, "started_at", s.has_started_at(), s.started_at());
  PutTime(o, "completed_at", s.has_completed_at(), s.completed_at());
  o["workflow_id"] = s.workflow_id();
  o["compensation_workflow_id"] = s.compensation_workflow_id();
  o["compensation_round"] = s.compensation_round();
  o["steps"] = std::move(steps);
  return o;
}

boost::json::value SagaListJson(const v1::ListSagasResponse& list) {
  boost::json::array items;
  for (const v1::SagaSummary& s : list.sagas()) {
    boost::json::object item{
        {"saga_id", s.saga_id()}, {"name", s.name()}, {"state", SagaStateText(s.state())}};
    PutTime(item, "created_at", s.has_created_at(), s.created_at());
    PutTime(item, "completed_at", s.has_completed_at(), s.completed_at());
    items.push_back(std::move(item));
  }
  return boost::json::object{{"items", std::move(items)},
                             {"total", list.pagination().total_count()}};
}

}  // namespace goclaw::cli
