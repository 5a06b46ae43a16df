// The saga state machine (saga_service.h): every transition runs on the service's worker,
// is persisted, and only then acted on (a workflow submitted or cancelled).
#include <algorithm>
#include <functional>
#include <set>

#include "goclaw/core/text.h"
#include "goclaw/engine/status_json.h"
#include "goclaw/engine/templating.h"
#include "goclaw/saga/compensation_plan.h"
#include "goclaw/service/saga_service.h"
#include "goclaw/service/saga_service_internal.h"

namespace goclaw::service {
namespace {

using saga::CompensationState;
using saga::SagaState;

bool AlreadySubmitted(const Result<std::string>& r) {
  return !r && r.error().code() == ErrorCode::kAlreadyExists;
}

boost::json::object Accepted(const saga::SagaRecord& r) {
  return {{"saga_id", r.id}, {"state", saga::SagaStateName(r.state)}};
}

// The config a completed step ran with: its config resolved against the saga's input and the
// outputs of the steps before it (as the engine resolved it; recomputed, not stored twice).
boost::json::value ResolvedInput(const saga::SagaDefinition& d, const std::string& step, const boost::json::object& input,
                                 const std::map<std::string, boost::json::value>& outputs) {
  const auto* tasks = d.workflow.if_contains("tasks");
  if (tasks == nullptr || !tasks->is_array()) return nullptr;
  for (const auto& t : tasks->get_array()) {
    const auto* id = t.is_object() ? t.get_object().if_contains("id") : nullptr;
    if (id == nullptr || !id->is_string() || id->get_string() != step) continue;
    const auto* config = t.get_object().if_contains("config");
    if (config == nullptr) return boost::json::object();
    const boost::json::value input_value(input);
    auto resolved = engine::ResolveTemplates(*config, [&](std::string_view kind, std::string_view task) -> const boost::json::value* {
      if (kind == "input") return &input_value;
      auto it = outputs.find(std::string(task));
      return it == outputs.end() ? nullptr : &it->second;
    });
    return resolved ? *resolved : boost::json::value(nullptr);
  }
  return nullptr;
}

std::string TimeoutText(std::optional<Millis> t) { return t ? FormatDuration(*t) : std::string("none"); }

// The round the saga's record calls for: its completed steps with a compensation, not yet
// compensated, in reverse dependency order.
std::vector<saga::PlannedCompensation> PlanOf(const saga::SagaRecord& r, const saga::SagaDefinition& d) {
  std::set<std::string> completed, compensable, done(r.compensated.begin(), r.compensated.end());
  for (const auto& s : r.steps) {
    if (s.state == "completed") completed.insert(s.id);
  }
  for (const auto& [step, c] : d.compensations) compensable.insert(step);
  return saga::PlanCompensations(d.Steps(), d.Dependencies(), completed, compensable, done);
}

}  // namespace

Result<std::shared_ptr<const dag::Plan>> SagaService::CompileForward(const Live& l) const {
  Document doc;
  doc.root = l.definition->workflow;
  return workflows_.Compile(doc);
}

// ---- forward ----

void SagaService::SubmitForward(Live& l, std::shared_ptr<const dag::Plan> plan, JsonDone reply) {
  if (plan == nullptr) {
    auto compiled = CompileForward(l);
    if (!compiled) {
      l.record.state = SagaState::kCompensationFailed;
      l.record.failure_reason = "the forward workflow could not be compiled again: " + compiled.error().message();
      l.record.finished_at_us = NowUs();
      return Persist(l, false, [](Live&, Status) {});
    }
    plan = std::move(*compiled);
  }
  const std::string id = l.record.id;
  engine::SubmitOptions options{l.record.forward_id};
  engine_.SubmitAsync(std::move(plan), {}, std::move(options),
                      [this, inbox = inbox_, id, reply = std::move(reply)](Result<std::string> r) mutable {
    inbox->Post([this, id, r = std::move(r), reply = std::move(reply)]() mutable {
      WithSaga(id, [this, id, r = std::move(r), reply = std::move(reply)](Live& s) mutable {
        if (!r && !AlreadySubmitted(r)) {
          // Nothing of the saga ran: a user's submit is refused whole; a recovered one ends.
          if (reply) {
            reply(MakeError(r.error()));
            store::StoreBatch erase;
            erase.mutations.push_back(store::TableMutation::Erase(std::string(saga::kSagasTable), s.record.id));
            erase.mutations.push_back(store::TableMutation::Erase(std::string(saga::kSagaSpecsTable), s.record.id));
            if (store_ != nullptr) store_->Commit(std::move(erase), [](Status) {});
            std::unique_lock<std::shared_mutex> lock(watch_mu_);
            by_workflow_.erase(s.record.forward_id);
            watched_.store(by_workflow_.size(), std::memory_order_release);
            sagas_.erase(id);  // s dies here (id is this lambda's own copy): last
            return;
          }
          if (r.error().code() == ErrorCode::kUnavailable) {
            // Not stored (the store fails, or the engine drains): the next start submits it.
            logger_.Error("saga {}: forward workflow {} not started: {}", s.record.id, s.record.forward_id,
                          r.error().message());
            return;
          }
          s.record.state = SagaState::kCompensationFailed;
          s.record.failure_reason = "the forward workflow could not start: " + r.error().message();
          s.record.finished_at_us = NowUs();
          return Persist(s, false, [](Live&, Status) {});
        }
        ArmDeadline(s);
        if (!reply) return;
        reply(boost::json::object{{"saga_id", s.record.id},
                                  {"name", s.record.name},
                                  {"status", saga::SagaStateName(s.record.state)},
                                  {"created_at", engine::FormatTime(FromUs(s.record.created_at_us))},
                                  {"workflow_id", s.record.forward_id}});
      });
    });
  });
}

void SagaService::OnWorkflowFinished(const std::string& workflow_id) {
  Post([this, workflow_id] { FinishedOnWorker(workflow_id); });
}

void SagaService::FinishedOnWorker(const std::string& workflow_id) {
  std::string saga_id;
  {
    std::shared_lock<std::shared_mutex> lock(watch_mu_);
    auto it = by_workflow_.find(workflow_id);
    if (it == by_workflow_.end()) return;
    saga_id = it->second.saga_id;
  }
  WithSaga(saga_id, [this, workflow_id](Live& s) {
    const SagaState state = s.record.state;
    if (workflow_id == s.record.forward_id &&
        (state == SagaState::kRunning || state == SagaState::kCreated ||
         (state == SagaState::kCompensating && s.record.round == 0))) {
      ForwardEnded(s);
    } else if (workflow_id == s.record.compensation_id && state == SagaState::kCompensating) {
      CompensationEnded(s);
    }
  });
}

void SagaService::ForwardEnded(Live& l) {
  saga::SagaRecord& r = l.record;
  auto status = engine_.Get(r.forward_id);
  if (!status && r.steps.empty()) {
    logger_.Warn("saga {}: its forward workflow {} cannot be read ({}); nothing to compensate", r.id, r.forward_id,
                 status.error().message());
  }
  bool completed = false;
  if (status) {
    completed = status->state == engine::WorkflowState::kCompleted;
    std::map<std::string, boost::json::value> outputs;
    for (const auto& t : status->tasks) {
      if (t.state == engine::TaskState::kCompleted) outputs[t.id] = t.output;
    }
    r.steps.clear();
    std::optional<Clock::WallTime> first_failure;
    for (const auto& t : status->tasks) {
      saga::StepRecord s;
      s.id = t.id;
      s.state = std::string(engine::TaskStateName(t.state));
      s.attempts = t.attempts;
      s.error = t.error;
      if (t.state == engine::TaskState::kCompleted) {
        s.output = t.output;
        s.input = ResolvedInput(*l.definition, t.id, l.input, outputs);
      }
      if (t.state == engine::TaskState::kFailed && (!first_failure || (t.finished_at && *t.finished_at < *first_failure))) {
        first_failure = t.finished_at.value_or(Clock::WallTime{});
        r.failed_step = t.id;
        r.failure_reason = t.error;
      }
      r.steps.push_back(std::move(s));
    }
    if (!completed && r.failure_reason.empty() && !r.compensation_requested) {
      r.failure_reason = "the forward workflow ended " + std::string(engine::WorkflowStateName(status->state)) +
                         (status->error.empty() ? "" : ": " + status->error);
    }
  }
  if (r.compensation_requested && r.failure_reason.empty()) r.failure_reason = r.reason;
  if (completed && !r.compensation_requested) {
    r.failure_reason.clear();  // a timeout that came too late to stop it
    r.deadline_passed = false;
    r.state = SagaState::kCompleted;
    r.finished_at_us = NowUs();
    return Persist(l, false, [](Live&, Status) {});
  }
  const saga::Policy policy = l.definition->policy;
  if (r.compensation_requested || policy == saga::Policy::kAuto) return StartCompensation(l, nullptr);
  if (policy == saga::Policy::kManual) {
    r.state = SagaState::kPendingCompensation;
    return Persist(l, false, [](Live&, Status) {});
  }
  r.state = SagaState::kCompensationFailed;  // policy skip: left as it is, recover compensates
  r.compensation_skipped = true;
  r.finished_at_us = NowUs();
  Persist(l, false, [](Live&, Status) {});
}

void SagaService::ArmDeadline(Live& l) {
  if (l.record.deadline_us == 0 || l.record.state != SagaState::kRunning) return;
  const std::string id = l.record.id;
  const auto left = std::chrono::microseconds(std::max<std::int64_t>(0, l.record.deadline_us - NowUs()));
  timers_->At(clock_->SteadyNow() + left, [this, inbox = inbox_, id] {
    inbox->Post([this, id] {
      WithSaga(id, [this](Live& s) {
        if (s.record.state != SagaState::kRunning || s.record.deadline_passed) return;
        // A failure like any other: the forward workflow is cancelled, then the policy decides.
        s.record.deadline_passed = true;
        s.record.failure_reason = "the saga's timeout (" + TimeoutText(s.definition->timeout) + ") passed";
        Persist(s, false, [this](Live& w, Status st) {
          if (!st) return;
          const std::string forward = w.record.forward_id;
          engine_.CancelAsync(forward, AfterCancel(forward));
        });
      });
    });
  });
}

// ---- compensation ----

void SagaService::StartCompensation(Live& l, JsonDone reply) {
  saga::SagaRecord& r = l.record;
  auto plan = PlanOf(r, *l.definition);
  const std::int64_t now = NowUs();
  r.compensation_skipped = false;
  if (plan.empty()) {
    r.state = SagaState::kCompensated;
    r.finished_at_us = now;
    return Persist(l, false, [reply = std::move(reply)](Live& w, Status st) mutable {
      if (!reply) return;
      if (!st) return reply(MakeError(ErrorCode::kUnavailable, st.error().message()));
      reply(Accepted(w.record));
    });
  }
  ++r.round;
  r.compensation_id = engine_.NewWorkflowId();
  r.state = SagaState::kCompensating;
  r.deadline_passed = false;
  r.finished_at_us = 0;
  r.compensation_started_us = now;
  r.compensation_deadline_us = now + l.definition->compensation_timeout.count() * 1000;
  std::set<std::string> planned;
  for (const auto& p : plan) planned.insert(p.step);
  for (auto& s : r.steps) {
    if (planned.contains(s.id)) s.compensation = CompensationState::kPending;
  }
  Watch(r.compensation_id, r.id, false);
  Persist(l, false, [this, reply = std::move(reply)](Live& w, Status st) mutable {
    if (reply) {
      if (!st) return reply(MakeError(ErrorCode::kUnavailable, st.error().message()));
      reply(Accepted(w.record));
    }
    if (st) SubmitCompensation(w);
  });
}

void SagaService::SubmitCompensation(Live& l) {
  saga::SagaRecord& r = l.record;
  std::map<std::string, saga::StepData> data;
  for (const auto& s : r.steps) {
    if (s.state == "completed") data[s.id] = saga::StepData{s.input, s.output};
  }
  auto plan = PlanOf(r, *l.definition);
  auto fail = [&](std::string why) {
    r.state = SagaState::kCompensationFailed;
    r.failure_reason = "the compensation workflow could not start: " + why;
    r.finished_at_us = NowUs();
    Persist(l, false, [](Live&, Status) {});
  };
  auto spec = saga::CompensationWorkflowSpec(*l.definition, r.id, r.round, l.input, data, plan);
  if (!spec) return fail(spec.error().message());
  Document doc;
  doc.root = std::move(*spec);
  auto compiled = workflows_.Compile(doc);
  if (!compiled) return fail(compiled.error().message());
  const std::string id = r.id;
  const std::string workflow_id = r.compensation_id;
  engine_.SubmitAsync(std::move(*compiled), {}, engine::SubmitOptions{workflow_id},
                      [this, inbox = inbox_, id, workflow_id](Result<std::string> submitted) {
    inbox->Post([this, id, workflow_id, submitted = std::move(submitted)]() mutable {
      WithSaga(id, [this, workflow_id, submitted = std::move(submitted)](Live& s) {
        if (s.record.state != SagaState::kCompensating || s.record.compensation_id != workflow_id) return;
        if (!submitted && !AlreadySubmitted(submitted)) {
          // Not stored (the store failed): the round is retried by the next start's Reconcile.
          logger_.Error("saga {}: compensation workflow {} not started: {}", s.record.id, workflow_id,
                        submitted.error().message());
          return;
        }
        ArmCompensationDeadline(s);
      });
    });
  });
}

void SagaService::ArmCompensationDeadline(Live& l) {
  const std::string id = l.record.id;
  const std::string workflow_id = l.record.compensation_id;
  const auto left = std::chrono::microseconds(std::max<std::int64_t>(0, l.record.compensation_deadline_us - NowUs()));
  timers_->At(clock_->SteadyNow() + left, [this, inbox = inbox_, id, workflow_id] {
    inbox->Post([this, id, workflow_id] {
      WithSaga(id, [this, workflow_id](Live& s) {
        if (s.record.state != SagaState::kCompensating || s.record.compensation_id != workflow_id) return;
        s.record.deadline_passed = true;
        Persist(s, false, [this, workflow_id](Live&, Status st) {
          if (!st) return;
          engine_.CancelAsync(workflow_id, AfterCancel(workflow_id));
        });
      });
    });
  });
}

void SagaService::CompensationEnded(Live& l) {
  saga::SagaRecord& r = l.record;
  auto status = engine_.Get(r.compensation_id);
  if (!status) {
    logger_.Error("saga {}: its compensation workflow {} cannot be read: {}", r.id, r.compensation_id,
                  status.error().message());
    return;
  }
  const std::int64_t now = NowUs();
  // The order compensations ran in: by finish time, then by how long the chain of
  // compensations before them is (clocks may not tell them apart).
  std::map<std::string, int> depth;
  {
    auto plan = PlanOf(r, *l.definition);
    std::function<int(const std::string&)> depth_of = [&](const std::string& step) -> int {
      if (auto it = depth.find(step); it != depth.end()) return it->second;
      int d = 0;
      for (const auto& p : plan) {
        if (p.step != step) continue;
        for (const auto& a : p.after) d = std::max(d, depth_of(a) + 1);
      }
      return depth[step] = d;
    };
    for (const auto& p : plan) depth_of(p.step);
  }
  std::vector<std::pair<std::pair<std::int64_t, int>, std::string>> finished;
  std::string first_failed, first_error, first_left;
  for (const auto& t : status->tasks) {
    auto step = std::find_if(r.steps.begin(), r.steps.end(), [&](const saga::StepRecord& s) { return s.id == t.id; });
    if (step == r.steps.end()) continue;
    step->compensation_attempts += t.attempts;
    if (t.attempts > 1) metrics_->retries += static_cast<std::uint64_t>(t.attempts - 1);
    if (t.state == engine::TaskState::kCompleted) {
      step->compensation = CompensationState::kCompensated;
      step->compensation_error.clear();
      step->compensated_at_us = t.finished_at ? ToUs(*t.finished_at) : now;
      finished.push_back({{step->compensated_at_us, depth[t.id]}, t.id});
      ++metrics_->steps_compensated;
    } else if (t.state == engine::TaskState::kFailed) {
      step->compensation = CompensationState::kFailed;
      step->compensation_error = t.error;
      ++metrics_->steps_failed;
      if (first_failed.empty()) {
        first_failed = t.id;
        first_error = t.error;
      }
    } else {
      step->compensation = CompensationState::kPending;  // cut short (deadline, a failure upstream)
      if (!t.error.empty()) step->compensation_error = t.error;
      if (first_left.empty()) first_left = t.id;
    }
  }
  std::sort(finished.begin(), finished.end());
  for (auto& f : finished) r.compensated.push_back(std::move(f.second));
  r.finished_at_us = now;
  if (first_failed.empty() && first_left.empty()) {
    r.state = SagaState::kCompensated;
    std::lock_guard<std::mutex> lock(metrics_->mu);
    metrics_->latency.Record(static_cast<double>(now - r.compensation_started_us) / 1e6);
  } else {
    r.state = SagaState::kCompensationFailed;
    const std::string step = first_failed.empty() ? first_left : first_failed;
    if (r.deadline_passed) {
      r.failure_reason = "the compensation deadline (" + FormatDuration(l.definition->compensation_timeout) +
                         ") passed before " + step + " was compensated";
    } else {
      r.failure_reason = "compensation of " + step + " failed: " + (first_error.empty() ? status->error : first_error);
    }
  }
  Persist(l, false, [](Live&, Status) {});
}

// ---- after a restart ----

void SagaService::Reconcile(Live& l) {
  saga::SagaRecord& r = l.record;
  auto ended = [&](const std::string& workflow_id) -> std::optional<bool> {  // nullopt: never submitted
    auto s = engine_.Summary(workflow_id);
    if (!s) return std::nullopt;
    return engine::IsTerminal(s->state);
  };
  switch (r.state) {
    case SagaState::kCreated:
    case SagaState::kRunning: {
      auto forward = ended(r.forward_id);
      if (!forward) return SubmitForward(l, nullptr, nullptr);
      if (*forward) return ForwardEnded(l);
      if (r.state == SagaState::kCreated) {
        r.state = SagaState::kRunning;
        r.started_at_us = NowUs();
        return Persist(l, false, [this](Live& w, Status) { ArmDeadline(w); });
      }
      if (r.deadline_passed) return engine_.CancelAsync(r.forward_id, AfterCancel(r.forward_id));  // timed out
      return ArmDeadline(l);
    }
    case SagaState::kCompensating: {
      if (r.round == 0) {  // asked to compensate while the forward workflow ran
        auto forward = ended(r.forward_id);
        if (!forward || *forward) return ForwardEnded(l);
        const std::string id = r.forward_id;
        engine_.CancelAsync(id, AfterCancel(id));
        return;
      }
      auto comp = ended(r.compensation_id);
      if (!comp) return SubmitCompensation(l);
      if (*comp) return CompensationEnded(l);
      return ArmCompensationDeadline(l);
    }
    default:
      return;
  }
}

}  // namespace goclaw::service
