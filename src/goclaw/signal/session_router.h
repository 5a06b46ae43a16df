// The session router (DESIGN.md §7, issue 14): turns inputs posted to sessions ("chat:alice")
// into workflow runs, one active run per session, and applies the session kind's queue mode to
// inputs that arrive while a run is active:
//
//   steer      the input is sent to the active run as a "steer" signal            -> steered
//   followup   it waits; each run's end starts the next waiting input (FIFO)      -> queued
//   collect    it waits; a run's end starts ONE run with {"inputs": [all waiting]} -> queued/coalesced
//   interrupt  the active run gets an "interrupt" signal and the input replaces the waiting
//              ones (the newest wins); it starts when the interrupted run ends   -> interrupted
//
// `cap` bounds the waiting inputs (drop oldest / newest / summarize via the backend), and a
// `debounce` makes an idle session wait until inputs stop arriving before it starts a run. The
// engine is reached only through SessionBackend; the runtime calls OnRunFinished when a run
// ends (from an engine observer) and Recover at start. Transport-neutral: the REST routes and
// the CLI are built over it elsewhere.
//
// Durability: an input is answered only once its effect is durable — the waiting inputs and
// the session's active run are written to the `sessions` / `session_inputs` tables
// (session_tables.h) first, runs and signals by the backend. After a restart, Recover settles
// stored active runs that have finished and starts the next waiting input: waiting inputs keep
// their order and are started once (a start's run id and inputs are recorded before the start,
// so a crash between the two is settled by asking the backend whether that run exists).
//
// Thread-safety: every method may be called from any thread. One mutex guards the sessions; it
// is never held while the backend, the store or a caller's callback runs. Each session's work
// (inputs, run ends, debounce expiries) runs one item at a time in arrival order, so concurrent
// inputs to one session are decided in the order they called Input. Callbacks run on the
// caller's thread or on whichever thread completed the step before (backend or store); work
// that starts without a caller (OnRunFinished, debounce timers, resuming after a store write)
// goes through RouterOptions::post when set. Do not destroy the router from its callbacks.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/config/config.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/mutex.h"
#include "goclaw/core/status.h"
#include "goclaw/core/thread_annotations.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/core/unique_function.h"
#include "goclaw/log/log.h"
#include "goclaw/signal/session_backend.h"
#include "goclaw/signal/session_kinds.h"
#include "goclaw/store/store.h"

namespace goclaw::signal {

namespace internal {
struct Session;
struct Change;
struct Lifeline;
}  // namespace internal

enum class InputAction { kStarted, kSteered, kQueued, kCoalesced, kInterrupted, kDropped };
std::string_view InputActionName(InputAction a);  // "started", "steered", ...

struct InputOutcome {
  InputAction action = InputAction::kQueued;
  // The run started, steered or interrupted; otherwise the session's active run (may be empty).
  std::string workflow_id;
  // 1-based place in the waiting list (queued, coalesced, interrupted); 0 otherwise.
  std::size_t position = 0;
  // The waiting entry that holds the input (queued, coalesced, interrupted); 0 otherwise.
  std::uint64_t seq = 0;
  // Waiting entries this input removed: the oldest one at the cap (drop: oldest), older inputs
  // replaced by an interrupt, or the ones merged by summarize. In seq order.
  std::vector<std::uint64_t> dropped;
};

struct WaitingInput {
  std::uint64_t seq = 0;
  boost::json::value input;
  Clock::WallTime enqueued_at;
};

struct SessionView {
  std::string key;
  std::string match;  // the pattern of the session's kind
  QueueMode queue_mode = QueueMode::kFollowup;
  std::string active_run;  // empty: no run active
  std::vector<WaitingInput> waiting;  // in seq (arrival) order
};

struct SessionSummary {
  std::string key;
  std::string match;
  QueueMode queue_mode = QueueMode::kFollowup;
  std::string active_run;
  std::size_t waiting = 0;
};

struct SessionPage {
  std::vector<SessionSummary> sessions;  // by key
  std::size_t total = 0;  // sessions with an active run or waiting inputs
};

struct RouterOptions {
  std::vector<config::SessionKindConfig> kinds;
  store::Store* store = nullptr;  // null: nothing is persisted (tests, --ephemeral)
  log::Logger logger;             // module "signal"
  // Inputs larger than this (as JSON text) are refused with kInvalidArgument; 0: no limit.
  // The runtime passes signals.max_payload_bytes: a steered input becomes a signal payload.
  std::size_t max_input_bytes = 0;
  // Runs work that has no caller of its own: after OnRunFinished, a debounce expiry, or a store
  // write. Null: on the thread at hand (the caller's, the timer's or the store writer's).
  std::function<void(UniqueFunction<void()>)> post;
};

using InputCallback = UniqueFunction<void(Result<InputOutcome>)>;

class SessionRouter {
 public:
  // kInvalidArgument for malformed or duplicate kind patterns (SessionKinds::Create).
  static Result<std::unique_ptr<SessionRouter>> Create(RouterOptions options, SessionBackend& backend,
                                                       const Clock& clock, TimerQueue& timers);
  // Shutdown(), then frees the sessions.
  ~SessionRouter();
  SessionRouter(const SessionRouter&) = delete;
  SessionRouter& operator=(const SessionRouter&) = delete;

  // Posts an input to session `key`. done(outcome) once the decision is durable; errors:
  // kInvalidArgument (malformed key, input too large), kNotFound (no kind serves the key; the
  // message names the patterns), kUnavailable (shut down, or the store failed), or the
  // backend's error when the run could not start or the signal could not be sent (the input is
  // then not kept).
  void Input(const std::string& key, boost::json::value input, InputCallback done);

  // A workflow reached a terminal state. If it is a session's active run, the session starts
  // its next run (per its queue mode) or becomes idle. Idempotent; unknown ids are ignored.
  void OnRunFinished(const std::string& workflow_id);

  // A session's state as stored: kInvalidArgument (bad key), kNotFound (no kind serves it). An
  // idle session of a known kind has no active run and nothing waiting.
  Result<SessionView> Get(const std::string& key) const;
  // Sessions with an active run or waiting inputs, by key.
  SessionPage List(std::size_t limit, std::size_t offset) const;

  // Once, before the first Input: loads the tables; stored active runs that have finished
  // (SessionBackend::RunFinished) are settled and their sessions start their next waiting
  // input, as do sessions with inputs waiting and no run. Returns once that work is started.
  Status Recover();

  // Blocks until no session has work queued or in flight (tests; shutdown).
  void WaitIdle();
  // Refuses new inputs (kUnavailable), ignores later run ends and debounce expiries, and waits
  // for the work in flight. What is stored stays for Recover. Idempotent.
  void Shutdown();

 private:
  using SessionPtr = std::shared_ptr<internal::Session>;
  using Next = UniqueFunction<void()>;  // a work item calls it once, when it is done
  using Op = UniqueFunction<void(SessionPtr, Next)>;
  struct QueueHow {
    bool settled = false;  // the active run is known to have ended: it counts as none
    bool replace = false;  // the input replaces every waiting one (interrupt)
  };

  SessionRouter(SessionKinds kinds, RouterOptions options, SessionBackend& backend, const Clock& clock,
                TimerQueue& timers);

  // Per-session sequencing (session_router.cc). EnqueueLocked returns true when the caller must
  // Pump (nobody runs the session's items).
  bool EnqueueLocked(const SessionPtr& s, Op op) GOCLAW_REQUIRES(mu_);
  void Post(const SessionPtr& s, Op op) GOCLAW_EXCLUDES(mu_);
  void Pump(const SessionPtr& s) GOCLAW_EXCLUDES(mu_);
  void ItemDone(const SessionPtr& s) GOCLAW_EXCLUDES(mu_);
  void Schedule(UniqueFunction<void()> fn);
  void Forget(const SessionPtr& s) GOCLAW_REQUIRES(mu_);

  // Durable changes (session_router.cc): writes `change`, then applies it to memory (also when
  // the write failed, with change.keep_on_failure) and calls `then`.
  void Commit(const SessionPtr& s, internal::Change change, UniqueFunction<void(Status)> then)
      GOCLAW_EXCLUDES(mu_);
  void Apply(const SessionPtr& s, internal::Change& change) GOCLAW_REQUIRES(mu_);
  std::int64_t NowMicros() const;

  // One input (session_input.cc). Each ends its work item by calling `next`.
  void Decide(SessionPtr s, boost::json::value input, InputCallback done, Next next, bool settled);
  void Steer(SessionPtr s, std::string run, boost::json::value input, InputCallback done, Next next);
  void Interrupt(SessionPtr s, std::string run, boost::json::value input, InputCallback done, Next next);
  void StartNow(SessionPtr s, boost::json::value input, InputCallback done, Next next);
  void Queue(SessionPtr s, boost::json::value input, InputCallback done, Next next, QueueHow how);
  void Summarize(SessionPtr s, boost::json::value input, InputCallback done, Next next, bool settled);
  void Answer(SessionPtr s, internal::Change change, InputOutcome out, InputCallback done, Next next);
  void AfterQueued(const SessionPtr& s);

  // Runs and their ends (session_runs.cc).
  void Drain(SessionPtr s, Next next);
  void StartNext(SessionPtr s, Next next);
  void StartFailed(SessionPtr s, std::vector<std::uint64_t> consumed, const Error& error, Next next);
  void SteerWaiting(SessionPtr s, std::string run, Next next);
  void RunEnded(SessionPtr s, std::string workflow_id, Next next);
  void ArmDebounce(const SessionPtr& s);
  bool EnqueueDebounce(const SessionPtr& s, std::uint64_t generation) GOCLAW_EXCLUDES(mu_);
  void DebounceExpired(SessionPtr s, std::uint64_t generation, Next next);
  // The stored sessions a kind serves, each with whether its stored active run has ended.
  struct Loaded {
    SessionPtr session;
    bool ended = false;    // its active run has finished
    bool confirm = false;  // its recorded start happened: its `starting` inputs are the run's
  };
  Result<std::vector<Loaded>> LoadStored();
  std::uint64_t BeginStart() GOCLAW_EXCLUDES(mu_);
  void EndStart(const SessionPtr& s, std::uint64_t start, const Result<std::string>& id) GOCLAW_EXCLUDES(mu_);

  const SessionKinds kinds_;
  const RouterOptions options_;
  SessionBackend& backend_;
  const Clock& clock_;
  TimerQueue& timers_;
  std::shared_ptr<internal::Lifeline> lifeline_;

  mutable Mutex mu_;
  std::condition_variable_any idle_cv_;
  // By key; a session leaves when it is idle with nothing queued (Forget).
  std::map<std::string, SessionPtr, std::less<>> sessions_ GOCLAW_GUARDED_BY(mu_);
  // Active runs (and runs whose start is being recorded) -> their session.
  std::unordered_map<std::string, SessionPtr> runs_ GOCLAW_GUARDED_BY(mu_);
  // Runs that ended while some StartRun had not answered yet (the end may belong to it): the
  // generation when recorded, and the id. Pruned once every start older than an entry answered.
  std::deque<std::pair<std::uint64_t, std::string>> early_ends_ GOCLAW_GUARDED_BY(mu_);
  std::multiset<std::uint64_t> starts_in_flight_ GOCLAW_GUARDED_BY(mu_);  // their generations
  std::uint64_t generation_ GOCLAW_GUARDED_BY(mu_) = 0;
  std::size_t busy_sessions_ GOCLAW_GUARDED_BY(mu_) = 0;  // sessions with work queued or in flight
  bool closed_ GOCLAW_GUARDED_BY(mu_) = false;
  bool recovered_ GOCLAW_GUARDED_BY(mu_) = false;
};

}  // namespace goclaw::signal
