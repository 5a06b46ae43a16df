// The saga service's views and metrics (saga_service.h): a saga as the API shows it, with live
// step states from its workflows while they run, and the service's metric families.
#include <map>
#include <optional>

#include "goclaw/engine/status_json.h"
#include "goclaw/service/saga_service.h"
#include "goclaw/service/saga_service_internal.h"

namespace goclaw::service {

boost::json::object SagaService::View(Live& l) {
  const saga::SagaRecord& r = l.record;
  boost::json::array steps, completed, compensated;
  boost::json::object results;
  // Before the forward workflow ended, its tasks are the steps; a running compensation's
  // tasks say where each compensation is.
  std::map<std::string, const engine::TaskStatus*> comp_tasks;
  std::optional<engine::WorkflowStatus> forward, comp;
  if (r.steps.empty()) {
    if (auto st = engine_.Get(r.forward_id)) forward = std::move(*st);
  }
  if (r.state == saga::SagaState::kCompensating && !r.compensation_id.empty()) {
    if (auto st = engine_.Get(r.compensation_id)) comp = std::move(*st);
  }
  if (comp) {
    for (const auto& t : comp->tasks) comp_tasks[t.id] = &t;
  }
  auto compensation_json = [&](const std::string& step, saga::CompensationState state, int attempts,
                               const std::string& error, std::int64_t at) {
    if (!l.definition->compensations.contains(step)) return boost::json::value(nullptr);
    if (auto it = comp_tasks.find(step); it != comp_tasks.end() && state == saga::CompensationState::kPending) {
      const engine::TaskStatus& t = *it->second;
      if (t.state == engine::TaskState::kRunning || t.state == engine::TaskState::kQueued ||
          t.state == engine::TaskState::kReady) {
        state = saga::CompensationState::kRunning;
      }
      attempts += t.attempts;
      if (!t.error.empty()) return boost::json::value(boost::json::object{
          {"state", saga::CompensationStateName(state)}, {"attempts", attempts}, {"error", t.error}, {"compensated_at", TimeOrNull(at)}});
    }
    return boost::json::value(boost::json::object{{"state", saga::CompensationStateName(state)},
                                                  {"attempts", attempts},
                                                  {"error", error},
                                                  {"compensated_at", TimeOrNull(at)}});
  };
  if (!r.steps.empty()) {
    for (const auto& s : r.steps) {
      if (s.state == "completed") {
        completed.emplace_back(s.id);
        results[s.id] = s.output;
      }
      steps.emplace_back(boost::json::object{
          {"id", s.id}, {"state", s.state}, {"attempts", s.attempts}, {"error", s.error},
          {"compensation", compensation_json(s.id, s.compensation, s.compensation_attempts, s.compensation_error,
                                             s.compensated_at_us)}});
    }
  } else {
    for (const auto& id : l.definition->Steps()) {
      boost::json::object step{{"id", id}, {"state", "pending"}, {"attempts", 0}, {"error", ""}};
      if (forward) {
        for (const auto& t : forward->tasks) {
          if (t.id != id) continue;
          step["state"] = engine::TaskStateName(t.state);
          step["attempts"] = t.attempts;
          step["error"] = t.error;
          if (t.state == engine::TaskState::kCompleted) {
            completed.emplace_back(id);
            results[id] = t.output;
          }
        }
      }
      step["compensation"] = compensation_json(id, saga::CompensationState::kNone, 0, "", 0);
      steps.emplace_back(std::move(step));
    }
  }
  for (const auto& s : r.compensated) compensated.emplace_back(s);
  boost::json::object out{{"saga_id", r.id},
                          {"name", r.name},
                          {"state", saga::SagaStateName(r.state)},
                          {"policy", saga::PolicyName(l.definition->policy)},
                          {"completed_steps", std::move(completed)},
                          {"compensated_steps", std::move(compensated)},
                          {"failed_step", r.failed_step},
                          {"failure_reason", r.failure_reason},
                          {"step_results", std::move(results)},
                          {"created_at", TimeOrNull(r.created_at_us)},
                          {"updated_at", TimeOrNull(r.updated_at_us)},
                          {"started_at", TimeOrNull(r.started_at_us)},
                          {"completed_at", TimeOrNull(r.finished_at_us)},
                          {"workflow_id", r.forward_id},
                          {"compensation_workflow_id", r.compensation_id},
                          {"compensation_round", r.round},
                          {"compensation_requested", r.compensation_requested},
                          {"compensation_skipped", r.compensation_skipped},
                          {"reason", r.reason},
                          {"deadline", TimeOrNull(r.deadline_us)},
                          {"compensation_deadline", TimeOrNull(r.compensation_deadline_us)},
                          {"steps", std::move(steps)}};
  return out;
}

// ---- metrics ----

metrics::Collector SagaService::Collector() {
  Metrics* m = metrics_.get();
  return [m](metrics::TextWriter& w) {
    w.Family("goclaw_sagas_submitted_total", "counter", "Sagas accepted.");
    w.Sample("goclaw_sagas_submitted_total", {}, static_cast<double>(m->submitted.load()));
    w.Family("goclaw_sagas_total", "counter", "Sagas that reached a settled state, by outcome.");
    w.Sample("goclaw_sagas_total", {{"outcome", "completed"}}, static_cast<double>(m->completed.load()));
    w.Sample("goclaw_sagas_total", {{"outcome", "compensated"}}, static_cast<double>(m->compensated.load()));
    w.Sample("goclaw_sagas_total", {{"outcome", "compensation-failed"}},
             static_cast<double>(m->compensation_failed.load()));
    w.Sample("goclaw_sagas_total", {{"outcome", "pending-compensation"}}, static_cast<double>(m->pending.load()));
    w.Family("goclaw_saga_compensations_total", "counter", "Step compensations that ended, by result.");
    w.Sample("goclaw_saga_compensations_total", {{"result", "compensated"}},
             static_cast<double>(m->steps_compensated.load()));
    w.Sample("goclaw_saga_compensations_total", {{"result", "failed"}}, static_cast<double>(m->steps_failed.load()));
    w.Family("goclaw_saga_compensation_retries_total", "counter", "Compensation attempts after a step's first.");
    w.Sample("goclaw_saga_compensation_retries_total", {}, static_cast<double>(m->retries.load()));
    w.Family("goclaw_saga_compensation_duration_seconds", "histogram",
             "From a compensation round's start to the saga compensated.");
    std::lock_guard<std::mutex> lock(m->mu);
    w.Histogram("goclaw_saga_compensation_duration_seconds", {}, m->latency);
  };
}

}  // namespace goclaw::service
