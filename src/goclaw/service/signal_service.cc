// The signal service (signal_service.h).
#include "goclaw/service/signal_service.h"

#include "goclaw/core/json_reader.h"
#include "goclaw/core/json_text.h"
#include "goclaw/engine/status_json.h"
#include "goclaw/service/errors.h"
#include "goclaw/service/workflow_service.h"

namespace goclaw::service {
namespace {

boost::json::value OptionalTime(const std::optional<Clock::WallTime>& t) {
  if (!t) return nullptr;
  return boost::json::value(engine::FormatTime(*t));
}

}  // namespace

Result<engine::SignalRequest> ParseSignalRequest(std::string_view body) {
  if (body.empty()) {
    return MakeError(Error(ErrorCode::kInvalidArgument, "the request has no body; send {\"kind\", \"task\", \"payload\"}")
                         .WithReason(std::string(kReasonMalformed)));
  }
  auto parsed = ParseJsonText(body, "signal request");
  if (!parsed) return MakeError(Error(parsed.error()).WithReason(std::string(kReasonMalformed)));
  Diagnostics diag;
  engine::SignalRequest request;
  {
    ObjectReader r(*parsed, "", diag, "the signal request");
    std::string type, task_id;
    r.String("kind", &request.kind);
    r.String("type", &type);  // the reference Goclaw's names
    r.String("task", &request.task);
    r.String("task_id", &task_id);
    if (r.Has("kind") && r.Has("type")) diag.Add("type", "give the kind once: \"kind\" or \"type\", not both");
    if (r.Has("task") && r.Has("task_id")) diag.Add("task_id", "give the task once: \"task\" or \"task_id\", not both");
    if (!r.Has("kind") && !r.Has("type")) {
      diag.Add("kind", "is required: steer, interrupt, collect, or a name of letters, digits, '_', '-' and '.'");
    }
    if (request.kind.empty()) request.kind = std::move(type);
    if (request.task.empty()) request.task = std::move(task_id);
    if (const auto* payload = r.Get("payload")) request.payload = *payload;
  }
  if (!diag.empty()) return MakeError(diag.ToError("signal request"));
  return request;
}

boost::json::object SignalToJson(const engine::SignalStatus& s) {
  boost::json::array deliveries;
  for (const engine::SignalDeliveryStatus& d : s.deliveries) {
    boost::json::object o{{"task", d.task},
                          {"state", engine::SignalStateName(d.state)},
                          {"attempt", d.attempt},
                          {"delivered_at", OptionalTime(d.delivered_at)},
                          {"acknowledged_at", OptionalTime(d.acknowledged_at)}};
    if (!d.reason.empty()) o["reason"] = d.reason;
    deliveries.push_back(std::move(o));
  }
  boost::json::object o{{"workflow_id", s.workflow_id},
                        {"seq", s.seq},
                        {"kind", s.kind},
                        {"task", s.task.empty() ? boost::json::value(nullptr) : boost::json::value(s.task)},
                        {"state", engine::SignalStateName(s.state)},
                        {"payload", s.payload},
                        {"created_at", engine::FormatTime(s.created_at)},
                        {"deliveries", std::move(deliveries)}};
  return o;
}

void SignalService::Send(const std::string& workflow_id, std::string_view body,
                         UniqueFunction<void(Result<boost::json::object>)> done) {
  if (Status id = WorkflowService::CheckId(workflow_id); !id) return done(MakeError(id.error()));
  auto request = ParseSignalRequest(body);
  if (!request) return done(MakeError(request.error()));
  engine_.SignalAsync(workflow_id, std::move(*request), [done = std::move(done)](Result<engine::SignalStatus> s) mutable {
    if (!s) return done(MakeError(s.error()));
    boost::json::object out = SignalToJson(*s);
    out.erase("deliveries");
    done(std::move(out));
  });
}

Result<boost::json::object> SignalService::List(const std::string& workflow_id, const std::string& task) {
  GOCLAW_RETURN_IF_ERROR(WorkflowService::CheckId(workflow_id));
  GOCLAW_ASSIGN_OR_RETURN(auto signals, engine_.Signals(workflow_id, task));
  boost::json::array list;
  list.reserve(signals.size());
  for (const auto& s : signals) list.push_back(SignalToJson(s));
  const std::size_t total = list.size();
  return boost::json::object{{"workflow_id", workflow_id}, {"signals", std::move(list)}, {"total", total}};
}

}  // namespace goclaw::service
