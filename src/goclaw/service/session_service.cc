// The session service (session_service.h).
#include "goclaw/service/session_service.h"

#include "goclaw/core/json_reader.h"
#include "goclaw/core/json_text.h"
#include "goclaw/engine/status_json.h"
#include "goclaw/service/errors.h"

namespace goclaw::service {

// Tells the router when a run ended, once that is durable (so a restart cannot undo it).
class SessionService::RunEnds final : public engine::RunObserver {
 public:
  explicit RunEnds(signal::SessionRouter& router) : router_(router) {}
  bool WantsDurable() const override { return true; }
  void OnDurable(const engine::EventView& e) override {
    if (e.kind == engine::EventKind::kWorkflowState && engine::IsTerminal(static_cast<engine::WorkflowState>(e.to))) {
      router_.OnRunFinished(std::string(e.workflow_id));  // quick: the router posts its work
    }
  }

 private:
  signal::SessionRouter& router_;
};

Result<std::unique_ptr<SessionService>> SessionService::Create(engine::Engine& engine, WorkflowService& workflows,
                                                               const config::Config& config, store::Store* store,
                                                               log::Logger logger) {
  std::unique_ptr<SessionService> s(new SessionService());
  s->engine_ = &engine;
  s->max_input_bytes_ = static_cast<std::size_t>(config.signals.max_payload_bytes);
  s->worker_ = std::make_unique<SerialWorker>();
  GOCLAW_ASSIGN_OR_RETURN(s->backend_, EngineSessionBackend::Create(engine, workflows, config.sessions));
  signal::RouterOptions options;
  options.kinds = config.sessions;
  options.store = store;
  options.logger = logger;
  options.max_input_bytes = s->max_input_bytes_;
  SerialWorker* worker = s->worker_.get();
  options.post = [worker](UniqueFunction<void()> fn) { worker->Post(std::move(fn)); };
  s->timers_ = std::make_unique<ThreadTimerQueue>();
  GOCLAW_ASSIGN_OR_RETURN(s->router_,
                          signal::SessionRouter::Create(std::move(options), *s->backend_, s->clock_, *s->timers_));
  s->observer_ = engine.AddObserver(std::make_shared<RunEnds>(*s->router_));
  GOCLAW_RETURN_IF_ERROR(s->router_->Recover());
  return s;
}

SessionService::~SessionService() { Shutdown(); }

void SessionService::Shutdown() {
  if (engine_ == nullptr) return;
  if (observer_ != 0) engine_->RemoveObserver(observer_);
  if (router_) router_->Shutdown();
  if (timers_) timers_->Stop();
  engine_ = nullptr;
}

void SessionService::Input(const std::string& key, std::string_view body,
                           UniqueFunction<void(Result<boost::json::object>)> done) {
  if (body.empty()) {
    return done(MakeError(Error(ErrorCode::kInvalidArgument, "the request has no body; send {\"input\": {...}}")
                              .WithReason(std::string(kReasonMalformed))));
  }
  auto parsed = ParseJsonText(body, "session input");
  if (!parsed) return done(MakeError(Error(parsed.error()).WithReason(std::string(kReasonMalformed))));
  Diagnostics diag;
  boost::json::value input;
  {
    ObjectReader r(*parsed, "", diag, "the session input request");
    if (const auto* v = r.Get("input")) {
      input = *v;
      if (!input.is_object()) diag.Add("input", "must be an object (the run's workflow input), got " + DescribeJson(input));
    } else {
      diag.Add("input", "is required: the input of the session's workflow, an object");
    }
  }
  if (!diag.empty()) return done(MakeError(diag.ToError("session input")));
  router_->Input(key, std::move(input), [key, done = std::move(done)](Result<signal::InputOutcome> out) mutable {
    if (!out) return done(MakeError(out.error()));
    boost::json::array dropped(out->dropped.begin(), out->dropped.end());
    done(boost::json::object{{"session", key},
                             {"action", signal::InputActionName(out->action)},
                             {"workflow_id", out->workflow_id.empty() ? boost::json::value(nullptr)
                                                                      : boost::json::value(out->workflow_id)},
                             {"position", out->position},
                             {"seq", out->seq},
                             {"dropped", std::move(dropped)}});
  });
}

boost::json::object SessionViewToJson(const signal::SessionView& view) {
  boost::json::array waiting;
  for (const signal::WaitingInput& w : view.waiting) {
    waiting.push_back({{"seq", w.seq}, {"input", w.input}, {"enqueued_at", engine::FormatTime(w.enqueued_at)}});
  }
  return {{"session", view.key},
          {"match", view.match},
          {"queue_mode", config::QueueModeName(view.queue_mode)},
          {"active_run", view.active_run.empty() ? boost::json::value(nullptr) : boost::json::value(view.active_run)},
          {"waiting", std::move(waiting)}};
}

Result<boost::json::object> SessionService::Get(const std::string& key) const {
  GOCLAW_ASSIGN_OR_RETURN(auto view, router_->Get(key));
  return SessionViewToJson(view);
}

boost::json::object SessionService::List(std::size_t limit, std::size_t offset) const {
  signal::SessionPage page = router_->List(limit, offset);
  boost::json::array list;
  for (const auto& s : page.sessions) {
    list.push_back({{"session", s.key},
                    {"match", s.match},
                    {"queue_mode", config::QueueModeName(s.queue_mode)},
                    {"active_run", s.active_run.empty() ? boost::json::value(nullptr) : boost::json::value(s.active_run)},
                    {"waiting", s.waiting}});
  }
  return {{"sessions", std::move(list)}, {"total", page.total}, {"limit", limit}, {"offset", offset}};
}

}  // namespace goclaw::service
