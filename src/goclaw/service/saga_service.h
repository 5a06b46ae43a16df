// Sagas as an application service (docs/design/saga.md), for every transport (REST in
// api/http/saga_routes.cc; the CLI through it). A saga runs as two kinds of engine workflow:
// the forward workflow (the saga's steps, compensate blocks removed) and, after a failure, a
// timeout, a cancel or a request, one compensation workflow per round (compensation_plan.h) —
// so steps and compensations get lanes, retries, timeouts, logs and crash recovery from the
// engine. This service owns the saga's own state (saga/saga_record.h), and every transition is
// durable before it is acted on:
//
//   submit:   record (created, forward id chosen) -> forward workflow submitted -> running
//   forward ended (observed once durable): completed | compensating | pending-compensation |
//             compensation-failed (policy skip)
//   compensating: record (round n, compensation id chosen) -> compensation workflow submitted
//   compensation ended: compensated | compensation-failed (POST recover starts round n + 1)
//
// Workflow ids are chosen before their submit and stored, so after a crash at any point the
// saga finds its workflows (or submits them) and resumes forward or backward where it stopped.
// Compensations carry the idempotency key "<saga id>/<step>/compensate" on every attempt.
//
// Errors: kInvalidArgument (+ kReasonMalformed when the body does not parse) with field paths,
// kNotFound for unknown sagas, kFailedPrecondition for compensate/recover in the wrong state,
// kUnavailable when the store cannot write or the service stopped.
//
// Thread-safety: every method may be called from any thread; the saga logic runs on one
// thread of its own (a SerialWorker), so no saga is changed by two threads. Get, List and Wait
// block on that thread (not from an engine callback). Shutdown before the engine goes.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/json/object.hpp>

#include "goclaw/core/clock.h"
#include "goclaw/core/document.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/engine/engine.h"
#include "goclaw/log/log.h"
#include "goclaw/metrics/collector_registry.h"
#include "goclaw/metrics/histogram.h"
#include "goclaw/saga/saga_record.h"
#include "goclaw/service/engine_session_backend.h"
#include "goclaw/service/workflow_service.h"
#include "goclaw/store/store.h"

namespace goclaw::service {

using JsonDone = UniqueFunction<void(Result<boost::json::object>)>;

// Sagas returned by one List call at most.
inline constexpr std::size_t kMaxSagaListLimit = 1000;

class SagaService {
 public:
  // Loads the stored sagas (null store: nothing persisted), observes the engine, and resumes
  // every unfinished saga (after Engine::Resume).
  // `clock` and `timers` (tests: fake ones) time the saga deadlines; null: the real clock and
  // a timer thread of the service's own.
  static Result<std::unique_ptr<SagaService>> Create(engine::Engine& engine, WorkflowService& workflows,
                                                     store::Store* store, log::Logger logger,
                                                     const Clock* clock = nullptr, TimerQueue* timers = nullptr);
  ~SagaService();
  SagaService(const SagaService&) = delete;
  SagaService& operator=(const SagaService&) = delete;

  // A saga spec (saga/saga_definition.h); done({saga_id, name, status, created_at}) once it is
  // durable and its forward workflow is.
  void Submit(std::string_view spec, DocumentFormat format, JsonDone done);
  // {saga_id, name, state, policy, completed_steps, compensated_steps, failed_step,
  //  failure_reason, step_results, created_at, updated_at, started_at, completed_at,
  //  workflow_id, compensation_workflow_id, compensation_round, steps: [{id, state, attempts,
  //  error, compensation: {state, attempts, error}}], ...}
  Result<boost::json::object> Get(const std::string& id);
  // {items: [{saga_id, name, state, created_at, completed_at}], total, limit, offset}, oldest first.
  Result<boost::json::object> List(std::optional<saga::SagaState> state, std::size_t limit, std::size_t offset);
  // Running: cancels the forward workflow, then compensates what completed; pending-
  // compensation: compensates. done({saga_id, state}) once that is durable.
  void Compensate(const std::string& id, std::string reason, JsonDone done);
  // compensation-failed: a new round for the steps not yet compensated.
  void Recover(const std::string& id, JsonDone done);
  // Blocks until the saga settles (a terminal state or pending-compensation) or `timeout`
  // passes (kDeadlineExceeded); then Get.
  Result<boost::json::object> Wait(const std::string& id, std::chrono::milliseconds timeout);

  // Saga events (engine::EventKind::kSaga, workflow_id = the saga id, payload {"event":
  // "saga.<state>" | "saga.step.<task state>" | "saga.compensation.<task state>", ...}), once
  // durable, on service or engine threads: quick.
  using EventListener = std::function<void(const engine::Event&)>;
  void SetEventListener(EventListener listener);
  // goclaw_sagas_total{outcome}, goclaw_saga_compensations_total{result},
  // goclaw_saga_compensation_retries_total, goclaw_saga_compensation_duration_seconds.
  metrics::Collector Collector();

  // Stops observing the engine and refuses new requests; work in flight finishes. Idempotent.
  void Shutdown();

  // Every event name a saga event may carry, for subscribers' filters.
  static const std::vector<std::string>& EventNames();
  static constexpr std::size_t kEventNameCount = saga::kSagaStateCount + 2 * engine::kTaskStateCount;

 private:
  class Observer;
  class Inbox;
  struct Live;
  struct Metrics;
  SagaService(engine::Engine& engine, WorkflowService& workflows, store::Store* store, log::Logger logger);

  // Worker-thread parts (saga_service.cc, saga_transitions.cc).
  bool Post(UniqueFunction<void()> fn);
  // For engine callbacks: once `workflow_id`'s cancel is answered, an already finished
  // workflow is handled as if its end had just been heard.
  UniqueFunction<void(Status)> AfterCancel(const std::string& workflow_id);
  void FinishedOnWorker(const std::string& workflow_id);
  void WithSaga(const std::string& id, UniqueFunction<void(Live&)> fn);
  void Persist(Live& l, bool with_spec, UniqueFunction<void(Live&, Status)> after);
  void Settled(Live& l);
  void Watch(const std::string& workflow_id, const std::string& saga_id, bool forward);
  void SubmitForward(Live& l, std::shared_ptr<const dag::Plan> plan, JsonDone reply);
  void ForwardEnded(Live& l);
  void StartCompensation(Live& l, JsonDone reply);
  void SubmitCompensation(Live& l);
  void CompensationEnded(Live& l);
  void Reconcile(Live& l);
  void ArmDeadline(Live& l);
  void ArmCompensationDeadline(Live& l);
  void OnWorkflowFinished(const std::string& workflow_id);
  void Publish(Live& l);
  boost::json::object View(Live& l);
  Result<std::shared_ptr<const dag::Plan>> CompileForward(const Live& l) const;
  Status CheckCompensations(const saga::SagaDefinition& d, const Document& source) const;
  std::int64_t NowUs() const;

  engine::Engine& engine_;
  WorkflowService& workflows_;
  store::Store* store_;
  log::Logger logger_;
  SystemClock system_clock_;
  const Clock* clock_ = &system_clock_;
  std::unique_ptr<ThreadTimerQueue> own_timers_;  // unless timers were given
  TimerQueue* timers_ = nullptr;
  std::shared_ptr<Inbox> inbox_;  // the service's thread; engine and store callbacks share it
  std::uint64_t observer_ = 0;
  std::atomic<bool> stopped_{false};
  std::unique_ptr<Metrics> metrics_;

  std::map<std::string, std::unique_ptr<Live>> sagas_;  // worker thread only

  // The observer's lookup: workflow id -> saga. Read by every shard thread on every event
  // (shared), written by the service's thread; `watched_` (its size) lets the observer skip
  // the lock while no saga runs.
  mutable std::shared_mutex watch_mu_;
  std::atomic<std::size_t> watched_{0};
  struct Watched {
    std::string saga_id;
    bool forward = false;  // the saga's forward workflow, or one of its compensation rounds
  };
  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Watched, IdHash, std::equal_to<>> by_workflow_;
  EventListener listener_;  // set before use (server wiring), read under watch_mu_

  std::mutex settled_mu_;  // Wait: the saga states that settled, as last persisted
  std::condition_variable settled_cv_;
  std::unordered_map<std::string, saga::SagaState> states_;
};

}  // namespace goclaw::service
