// The saga service: loading, requests, persistence and events (saga_service.h); the state
// machine is in saga_transitions.cc, the views and metrics in saga_views.cc.
#include "goclaw/service/saga_service.h"

#include <algorithm>
#include <future>

#include "goclaw/core/json_text.h"
#include "goclaw/engine/status_json.h"
#include "goclaw/saga/compensation_plan.h"
#include "goclaw/service/errors.h"
#include "goclaw/service/saga_service_internal.h"

namespace goclaw::service {
namespace {

Error Unavailable() { return Error(ErrorCode::kUnavailable, "the saga service is shutting down; try again after it restarts"); }

Error UnknownSaga(const std::string& id) {
  return Error(ErrorCode::kNotFound, "no saga " + id + " (GET /api/v1/sagas lists them)");
}

// Moves detail paths of a one-task check ("tasks[0].config.url") under the step's compensate
// block ("tasks[2].compensate.config.url").
Error UnderCompensate(const Error& e, std::size_t index, const Document& doc) {
  const std::string from = "tasks[0]";
  const std::string to = IndexPath("tasks", index) + ".compensate";
  std::vector<ErrorDetail> details = e.details();
  if (details.empty()) details.push_back(ErrorDetail{to, e.message()});
  for (auto& d : details) {
    if (d.path.rfind(from, 0) == 0) d.path = to + d.path.substr(from.size());
    d.line = doc.LineOf(d.path);  // in the saga's own text
  }
  return Error(ErrorCode::kInvalidArgument, "saga spec is invalid: a compensate block", std::move(details));
}

}  // namespace

class SagaService::Observer final : public engine::RunObserver {
 public:
  explicit Observer(SagaService& s) : s_(s) {}
  bool WantsDurable() const override { return true; }
  void OnDurable(const engine::EventView& e) override {
    if (e.kind != engine::EventKind::kWorkflowState && e.kind != engine::EventKind::kTaskState) return;
    if (s_.watched_.load(std::memory_order_acquire) == 0) return;  // no saga runs: one load per event
    std::string saga_id;
    bool forward = false;
    {
      std::shared_lock<std::shared_mutex> lock(s_.watch_mu_);
      auto it = s_.by_workflow_.find(e.workflow_id);
      if (it == s_.by_workflow_.end()) return;
      saga_id = it->second.saga_id;
      forward = it->second.forward;
      if (e.kind == engine::EventKind::kTaskState && s_.listener_) {
        const auto to = static_cast<engine::TaskState>(e.to);
        if (to == engine::TaskState::kRunning || engine::IsTerminal(to)) {
          engine::Event out;
          out.kind = engine::EventKind::kSaga;
          out.workflow_id = saga_id;
          out.task_id = std::string(e.task_id);
          out.attempt = e.attempt;
          out.time = e.time;
          out.error = std::string(e.error);
          out.payload = boost::json::object{
              {"event", std::string(forward ? "saga.step." : "saga.compensation.") +
                            std::string(engine::TaskStateName(to))},
              {"saga_id", saga_id},
              {"step", std::string(e.task_id)},
              {"workflow_id", std::string(e.workflow_id)}};
          s_.listener_(out);
        }
      }
    }
    if (e.kind == engine::EventKind::kWorkflowState && engine::IsTerminal(static_cast<engine::WorkflowState>(e.to))) {
      s_.OnWorkflowFinished(std::string(e.workflow_id));
    }
  }

 private:
  SagaService& s_;
};

SagaService::SagaService(engine::Engine& engine, WorkflowService& workflows, store::Store* store, log::Logger logger)
    : engine_(engine), workflows_(workflows), store_(store), logger_(std::move(logger)) {}

Result<std::unique_ptr<SagaService>> SagaService::Create(engine::Engine& engine, WorkflowService& workflows,
                                                         store::Store* store, log::Logger logger, const Clock* clock,
                                                         TimerQueue* timers) {
  std::unique_ptr<SagaService> s(new SagaService(engine, workflows, store, std::move(logger)));
  s->metrics_ = std::make_unique<Metrics>();
  if (clock != nullptr) s->clock_ = clock;
  if (timers == nullptr) {
    s->own_timers_ = std::make_unique<ThreadTimerQueue>();
    timers = s->own_timers_.get();
  }
  s->timers_ = timers;
  std::map<std::string, saga::StoredSaga> stored;
  if (store != nullptr) {
    GOCLAW_ASSIGN_OR_RETURN(stored, saga::LoadSagas(*store));
  }
  for (auto& [id, st] : stored) {
    auto l = std::make_unique<Live>();
    l->record = std::move(st.record);
    l->definition = std::make_shared<const saga::SagaDefinition>(std::move(st.definition));
    l->input = std::move(st.input);
    l->published = l->record.state;
    {
      std::lock_guard<std::mutex> lock(s->settled_mu_);
      s->states_[id] = l->record.state;
    }
    if (!saga::IsTerminal(l->record.state)) {
      s->Watch(l->record.forward_id, id, true);
      if (!l->record.compensation_id.empty()) s->Watch(l->record.compensation_id, id, false);
    }
    s->sagas_[id] = std::move(l);
  }
  s->inbox_ = std::make_shared<Inbox>();
  s->observer_ = engine.AddObserver(std::make_shared<Observer>(*s));
  // After the observer: a workflow that ends from now on is heard; one that ended before is
  // found by Reconcile (both are safe to see twice).
  SagaService* self = s.get();
  self->Post([self] {
    std::vector<std::string> unfinished;
    for (auto& [id, l] : self->sagas_) {
      if (!saga::IsTerminal(l->record.state)) unfinished.push_back(id);
    }
    // Through WithSaga: a saga whose end the observer already handled may be mid-write.
    for (const auto& id : unfinished) {
      self->WithSaga(id, [self](Live& l) {
        if (!saga::IsTerminal(l.record.state)) self->Reconcile(l);
      });
    }
  });
  return s;
}

SagaService::~SagaService() { Shutdown(); }

void SagaService::Shutdown() {
  if (stopped_.exchange(true)) return;
  engine_.RemoveObserver(observer_);
  if (own_timers_) own_timers_->Stop();  // given timers may still fire: their posts are dropped
  inbox_->Close();  // runs what is queued (each sees stopped_), then joins
  settled_cv_.notify_all();
}

void SagaService::SetEventListener(EventListener listener) {
  std::unique_lock<std::shared_mutex> lock(watch_mu_);
  listener_ = std::move(listener);
}

bool SagaService::Post(UniqueFunction<void()> fn) { return inbox_->Post(std::move(fn)); }

UniqueFunction<void(Status)> SagaService::AfterCancel(const std::string& workflow_id) {
  return [this, inbox = inbox_, workflow_id](Status cancelled) {
    // Already finished: its end may have been handled while the saga was still running.
    if (!cancelled) inbox->Post([this, workflow_id] { FinishedOnWorker(workflow_id); });
  };
}

void SagaService::WithSaga(const std::string& id, UniqueFunction<void(Live&)> fn) {
  auto it = sagas_.find(id);
  if (it == sagas_.end()) return;
  Live& l = *it->second;
  if (l.writing) {
    l.waiting.push_back(std::move(fn));
    return;
  }
  fn(l);
}

void SagaService::Watch(const std::string& workflow_id, const std::string& saga_id, bool forward) {
  if (workflow_id.empty()) return;
  std::unique_lock<std::shared_mutex> lock(watch_mu_);
  by_workflow_[workflow_id] = Watched{saga_id, forward};
  watched_.store(by_workflow_.size(), std::memory_order_release);
}

std::int64_t SagaService::NowUs() const { return ToUs(clock_->Now()); }

void SagaService::Persist(Live& l, bool with_spec, UniqueFunction<void(Live&, Status)> after) {
  l.record.updated_at_us = NowUs();
  l.writing = true;
  const std::string id = l.record.id;
  auto finish = [this, inbox = inbox_, id, after = std::move(after)](Status st) mutable {
    inbox->Post([this, id, st = std::move(st), after = std::move(after)]() mutable {
      auto it = sagas_.find(id);
      if (it == sagas_.end()) return;
      Live& cur = *it->second;
      cur.writing = false;
      if (st) Settled(cur);
      if (!st) logger_.Error("saga {}: its state ({}) was not stored: {}", id, saga::SagaStateName(cur.record.state), st.error().message());
      after(cur, std::move(st));
      // `after` may have dropped the saga (a submit that was not stored): look it up again.
      for (auto again = sagas_.find(id); again != sagas_.end();) {
        Live& next_l = *again->second;
        if (next_l.writing || next_l.waiting.empty()) break;
        auto next = std::move(next_l.waiting.front());
        next_l.waiting.pop_front();
        next(next_l);
        again = sagas_.find(id);
      }
    });
  };
  if (store_ == nullptr) return finish(OkStatus());
  store::StoreBatch batch;
  batch.mutations.push_back(
      store::TableMutation::Put(std::string(saga::kSagasTable), id, saga::EncodeSagaRecord(l.record)));
  if (with_spec) {
    batch.mutations.push_back(store::TableMutation::Put(std::string(saga::kSagaSpecsTable), id,
                                                        saga::EncodeSagaSpec(*l.definition, l.input)));
  }
  store_->Commit(std::move(batch), std::move(finish));
}

// After a durable transition: waiters, the event, the metrics, and no more watching of a
// finished saga's workflows.
void SagaService::Settled(Live& l) {
  const saga::SagaState state = l.record.state;
  {
    std::lock_guard<std::mutex> lock(settled_mu_);
    states_[l.record.id] = state;
  }
  settled_cv_.notify_all();
  if (l.published == state) return;
  l.published = state;
  switch (state) {
    case saga::SagaState::kCompleted: ++metrics_->completed; break;
    case saga::SagaState::kCompensated: ++metrics_->compensated; break;
    case saga::SagaState::kCompensationFailed: ++metrics_->compensation_failed; break;
    case saga::SagaState::kPendingCompensation: ++metrics_->pending; break;
    default: break;
  }
  if (saga::IsTerminal(state)) {
    std::unique_lock<std::shared_mutex> lock(watch_mu_);
    by_workflow_.erase(l.record.forward_id);
    by_workflow_.erase(l.record.compensation_id);
    watched_.store(by_workflow_.size(), std::memory_order_release);
  }
  Publish(l);
}

void SagaService::Publish(Live& l) {
  std::shared_lock<std::shared_mutex> lock(watch_mu_);
  if (!listener_) return;
  engine::Event e;
  e.kind = engine::EventKind::kSaga;
  e.workflow_id = l.record.id;
  e.time = FromUs(l.record.updated_at_us);
  e.error = l.record.failure_reason;
  e.payload = boost::json::object{{"event", "saga." + std::string(saga::SagaStateName(l.record.state))},
                                  {"saga_id", l.record.id},
                                  {"name", l.record.name},
                                  {"state", saga::SagaStateName(l.record.state)},
                                  {"failed_step", l.record.failed_step},
                                  {"workflow_id", l.record.forward_id},
                                  {"compensation_workflow_id", l.record.compensation_id}};
  listener_(e);
}

const std::vector<std::string>& SagaService::EventNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (std::size_t s = 0; s < saga::kSagaStateCount; ++s) {
      out.push_back("saga." + std::string(saga::SagaStateName(static_cast<saga::SagaState>(s))));
    }
    for (std::string_view prefix : {"saga.step.", "saga.compensation."}) {
      for (std::size_t t = 0; t < engine::kTaskStateCount; ++t) {
        out.push_back(std::string(prefix) + std::string(engine::TaskStateName(static_cast<engine::TaskState>(t))));
      }
    }
    return out;
  }();
  return names;
}

// ---- requests ----

Status SagaService::CheckCompensations(const saga::SagaDefinition& d, const Document& source) const {
  const auto steps = d.Steps();
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (!d.compensations.contains(steps[i])) continue;
    auto task = saga::CompensationTask(d, steps[i], {});
    if (!task) {
      const std::string path = IndexPath("tasks", i) + ".compensate.config";
      return MakeError(Error(ErrorCode::kInvalidArgument, "saga spec is invalid: a compensate block",
                             {ErrorDetail{path, task.error().message(), source.LineOf(path)}}));
    }
    Document doc;
    doc.root = boost::json::object{{"name", "compensation-check"}, {"tasks", boost::json::array{std::move(*task)}}};
    auto plan = workflows_.Compile(doc);
    if (!plan) return MakeError(UnderCompensate(plan.error(), i, source));
  }
  return OkStatus();
}

void SagaService::Submit(std::string_view spec, DocumentFormat format, JsonDone done) {
  if (stopped_) return done(MakeError(Unavailable()));
  auto doc = workflows_.ReadSpec(spec, format);
  if (!doc) return done(MakeError(doc.error()));
  Diagnostics diag(&*doc);
  saga::SagaDefinition d = saga::TakeSagaKeys(*doc, diag);
  if (!diag.empty()) return done(MakeError(diag.ToError("saga spec")));
  // Ids first: the forward workflow carries its saga's id in its metadata.
  const std::string forward_id = engine_.NewWorkflowId();
  const std::string id = "saga-" + forward_id.substr(3);
  auto& root = doc->root.as_object();
  boost::json::value& metadata = root["metadata"];
  if (metadata.is_null()) metadata = boost::json::object();
  if (auto* m = metadata.if_object()) {
    (*m)[saga::kSagaMetadataKey] = id;
    (*m)[saga::kSagaRoleMetadataKey] = "forward";
    // A step is one operation however often it runs (retries, the attempt after a restart):
    // its key is <saga id>/<step> unless the spec chose a template of its own.
    if (!m->contains("idempotency_key")) (*m)["idempotency_key"] = id + "/{task}";
  }
  auto plan = workflows_.Compile(*doc);
  if (!plan) return done(MakeError(plan.error()));
  d.workflow = root;
  if (Status ok = CheckCompensations(d, *doc); !ok) return done(MakeError(ok.error()));

  auto l = std::make_unique<Live>();
  l->record.id = id;
  l->record.name = d.name;
  l->record.forward_id = forward_id;
  l->record.created_at_us = NowUs();
  // Running from its first record on: the forward workflow's id is in it, so a restart that
  // finds no such workflow submits it.
  l->record.state = saga::SagaState::kRunning;
  l->record.started_at_us = l->record.created_at_us;
  if (d.timeout) l->record.deadline_us = l->record.created_at_us + d.timeout->count() * 1000;
  l->input = (*plan)->spec().input;
  l->definition = std::make_shared<const saga::SagaDefinition>(std::move(d));
  ++metrics_->submitted;
  Post([this, l = std::move(l), plan = std::move(*plan), done = std::move(done)]() mutable {
    if (stopped_) return done(MakeError(Unavailable()));
    const std::string saga_id = l->record.id;
    Live& live = *l;
    sagas_[saga_id] = std::move(l);
    Watch(live.record.forward_id, saga_id, true);
    Persist(live, true, [this, plan = std::move(plan), done = std::move(done)](Live& w, Status st) mutable {
      if (!st) {
        std::unique_lock<std::shared_mutex> lock(watch_mu_);
        by_workflow_.erase(w.record.forward_id);
        watched_.store(by_workflow_.size(), std::memory_order_release);
        done(MakeError(ErrorCode::kUnavailable, "the saga was not stored, so it was not accepted: " + st.error().message()));
        const std::string dropped = w.record.id;
        sagas_.erase(dropped);  // w dies here: last
        return;
      }
      SubmitForward(w, std::move(plan), std::move(done));
    });
  });
}

Result<boost::json::object> SagaService::Get(const std::string& id) {
  if (stopped_) return MakeError(Unavailable());
  std::promise<Result<boost::json::object>> promise;
  auto future = promise.get_future();
  const bool posted = Post([this, id, &promise] {
    auto it = sagas_.find(id);
    if (it == sagas_.end()) return promise.set_value(MakeError(UnknownSaga(id)));
    promise.set_value(View(*it->second));
  });
  if (!posted) return MakeError(Unavailable());
  return future.get();
}

Result<boost::json::object> SagaService::List(std::optional<saga::SagaState> state, std::size_t limit,
                                              std::size_t offset) {
  if (stopped_) return MakeError(Unavailable());
  std::promise<boost::json::object> promise;
  auto future = promise.get_future();
  const bool posted = Post([&] {
    boost::json::array items;
    std::size_t total = 0;
    for (const auto& [id, l] : sagas_) {  // ids are uuidv7: creation order
      if (state && l->record.state != *state) continue;
      if (total++ < offset || items.size() >= limit) continue;
      items.emplace_back(boost::json::object{{"saga_id", id},
                                             {"name", l->record.name},
                                             {"state", saga::SagaStateName(l->record.state)},
                                             {"created_at", TimeOrNull(l->record.created_at_us)},
                                             {"completed_at", TimeOrNull(l->record.finished_at_us)}});
    }
    promise.set_value(boost::json::object{{"items", std::move(items)},
                                          {"total", total},
                                          {"limit", limit},
                                          {"offset", offset}});
  });
  if (!posted) return MakeError(Unavailable());
  return future.get();
}

void SagaService::Compensate(const std::string& id, std::string reason, JsonDone done) {
  if (stopped_) return done(MakeError(Unavailable()));
  Post([this, id, reason = std::move(reason), done = std::move(done)]() mutable {
    if (!sagas_.contains(id)) return done(MakeError(UnknownSaga(id)));
    WithSaga(id, [this, reason = std::move(reason), done = std::move(done)](Live& s) mutable {
      const saga::SagaState state = s.record.state;
      if (reason.empty()) reason = "compensation requested";
      if (state == saga::SagaState::kRunning || state == saga::SagaState::kCreated) {
        s.record.compensation_requested = true;
        s.record.reason = reason;
        s.record.state = saga::SagaState::kCompensating;
        Persist(s, false, [this, done = std::move(done)](Live& w, Status st) mutable {
          if (!st) return done(MakeError(ErrorCode::kUnavailable, st.error().message()));
          done(boost::json::object{{"saga_id", w.record.id}, {"state", saga::SagaStateName(w.record.state)}});
          const std::string forward = w.record.forward_id;
          engine_.CancelAsync(forward, AfterCancel(forward));
        });
        return;
      }
      if (state == saga::SagaState::kPendingCompensation) {
        s.record.compensation_requested = true;
        s.record.reason = reason;
        return StartCompensation(s, std::move(done));
      }
      done(MakeError(ErrorCode::kFailedPrecondition,
                     "saga " + s.record.id + " is " + std::string(saga::SagaStateName(state)) +
                         "; compensate needs it running or pending-compensation"));
    });
  });
}

void SagaService::Recover(const std::string& id, JsonDone done) {
  if (stopped_) return done(MakeError(Unavailable()));
  Post([this, id, done = std::move(done)]() mutable {
    if (!sagas_.contains(id)) return done(MakeError(UnknownSaga(id)));
    WithSaga(id, [this, done = std::move(done)](Live& s) mutable {
      if (s.record.state != saga::SagaState::kCompensationFailed) {
        return done(MakeError(ErrorCode::kFailedPrecondition,
                              "saga " + s.record.id + " is " + std::string(saga::SagaStateName(s.record.state)) +
                                  "; recover needs it compensation-failed"));
      }
      StartCompensation(s, std::move(done));
    });
  });
}

Result<boost::json::object> SagaService::Wait(const std::string& id, std::chrono::milliseconds timeout) {
  {
    std::unique_lock<std::mutex> lock(settled_mu_);
    auto settled = [&] {
      if (stopped_) return true;
      auto it = states_.find(id);
      if (it == states_.end()) return true;  // unknown: Get says so
      return saga::IsTerminal(it->second) || it->second == saga::SagaState::kPendingCompensation;
    };
    if (!settled_cv_.wait_for(lock, timeout, settled)) {
      return MakeError(ErrorCode::kDeadlineExceeded, "saga " + id + " did not settle within the wait");
    }
  }
  return Get(id);
}

}  // namespace goclaw::service
