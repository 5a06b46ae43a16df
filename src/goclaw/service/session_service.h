// Sessions as an application service (docs/design/signals.md, signal/session_router.h): what a
// new input to a session does — start a run of the session kind's workflow, steer the active
// run, queue, coalesce, interrupt, or drop — for every transport (REST in
// api/http/session_routes.cc). It owns the router, its backend over the engine, and the engine
// observer that tells the router when runs end; Recover runs at Create.
//
//   auto sessions = SessionService::Create(engine, workflows, config, store, logger);
//   sessions->Input("chat:alice", R"({"input": {"message": "hi"}})", done);  // once durable
//
// Errors: kInvalidArgument (+ kReasonMalformed for a body that is not JSON) with field paths, a
// bad key, an input that is not an object or is too large; kNotFound for a key no session kind
// serves (the message lists the patterns); kUnavailable when the store cannot write or the
// service stopped; the engine's errors when a run cannot start.
//
// Thread-safety: every method may be called from any thread. Shutdown before the engine goes.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "goclaw/config/config.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/engine/engine.h"
#include "goclaw/log/log.h"
#include "goclaw/service/engine_session_backend.h"
#include "goclaw/service/workflow_service.h"
#include "goclaw/signal/session_router.h"
#include "goclaw/store/store.h"

namespace goclaw::service {

class SessionService {
 public:
  // Builds the router over `store` (null: nothing persisted), checks every session kind's
  // workflow, observes the engine, and recovers the stored sessions (after Engine::Resume).
  static Result<std::unique_ptr<SessionService>> Create(engine::Engine& engine, WorkflowService& workflows,
                                                        const config::Config& config, store::Store* store,
                                                        log::Logger logger);
  ~SessionService();
  SessionService(const SessionService&) = delete;
  SessionService& operator=(const SessionService&) = delete;

  // `body` {"input": {...}}; done({"session", "action", "workflow_id", "position", "seq",
  // "dropped"}) once what was decided is durable.
  void Input(const std::string& key, std::string_view body, UniqueFunction<void(Result<boost::json::object>)> done);
  // {"session", "match", "queue_mode", "active_run", "waiting": [{seq, input, enqueued_at}]}
  Result<boost::json::object> Get(const std::string& key) const;
  // {"sessions": [{session, match, queue_mode, active_run, waiting}], "total", "limit", "offset"}
  boost::json::object List(std::size_t limit, std::size_t offset) const;

  // Stops observing the engine, refuses new inputs, waits for the work in flight. Idempotent.
  void Shutdown();

 private:
  class RunEnds;
  SessionService() = default;

  engine::Engine* engine_ = nullptr;
  SystemClock clock_;
  std::unique_ptr<ThreadTimerQueue> timers_;  // debounce timers; outlives the router
  std::unique_ptr<SerialWorker> worker_;      // the router's work that has no caller
  std::unique_ptr<EngineSessionBackend> backend_;
  std::unique_ptr<signal::SessionRouter> router_;
  std::uint64_t observer_ = 0;
  std::size_t max_input_bytes_ = 0;
};

// {"session", "match", "queue_mode", "active_run", "waiting": [{seq, input, enqueued_at}]}
boost::json::object SessionViewToJson(const signal::SessionView& view);

}  // namespace goclaw::service
