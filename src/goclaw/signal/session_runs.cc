// Runs of a session (session_router.h): starting the next waiting input(s) when the session has
// no run, steering waiting inputs into a steer-mode run, a run's end, debounce expiry, the
// bookkeeping that matches a run's end to a start that has not answered yet, and Recover.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "goclaw/signal/session_router.h"
#include "goclaw/signal/session_state.h"
#include "goclaw/signal/session_tables.h"

namespace goclaw::signal {
namespace {

using internal::Change;

constexpr std::size_t kMaxEarlyEnds = 100000;

// A start that failed for a reason that may pass (the engine overloaded or stopping, the store
// failing) keeps its inputs waiting; any other failure (a bad input, a workflow that does not
// compile) would fail again, so those inputs are dropped.
bool Passing(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kResourceExhausted:
    case ErrorCode::kDeadlineExceeded:
    case ErrorCode::kAborted:
    case ErrorCode::kCancelled:
    case ErrorCode::kInternal:
      return true;
    default:
      return false;
  }
}

}  // namespace

void SessionRouter::Drain(SessionPtr s, Next next) {
  std::string run;
  bool waiting = false;
  bool held = false;
  {
    MutexLock lock(mu_);
    run = s->active;
    waiting = !s->waiting.empty();
    held = s->debouncing || s->stalled;
  }
  if (!waiting) return next();
  if (run.empty()) {
    if (held) return next();
    return StartNext(std::move(s), std::move(next));
  }
  if (kinds_[s->kind].queue_mode == QueueMode::kSteer) {
    return SteerWaiting(std::move(s), std::move(run), std::move(next));
  }
  next();
}

void SessionRouter::StartNext(SessionPtr s, Next next) {
  const bool collect = kinds_[s->kind].queue_mode == QueueMode::kCollect;
  boost::json::value input;
  std::vector<std::uint64_t> consumed;
  {
    MutexLock lock(mu_);
    s->debouncing = false;
    if (collect) {
      boost::json::array all;
      for (const internal::Waiting& w : s->waiting) {
        all.push_back(w.input);
        consumed.push_back(w.seq);
      }
      input = boost::json::object{{"inputs", std::move(all)}};
    } else {
      input = s->waiting.front().input;
      consumed.push_back(s->waiting.front().seq);
    }
  }
  // The run's id and the inputs it is for are recorded first (SessionRecord::starting): after
  // a crash at any point, Recover finds the run (its inputs are then its own) or not (they
  // wait again), so a waiting input never runs twice.
  const std::string run_id = backend_.NewRunId();
  Change record;
  record.active = run_id;
  record.starting = consumed;
  Commit(s, std::move(record), [this, s, run_id, input = std::move(input), consumed = std::move(consumed),
                                next = std::move(next)](Status recorded) mutable {
    if (!recorded) return StartFailed(std::move(s), std::move(consumed), recorded.error(), std::move(next));
    const std::uint64_t start = BeginStart();
    auto on_started = [this, s, start, run_id, consumed = std::move(consumed),
                       next = std::move(next)](Result<std::string> id) mutable {
      if (!id && id.error().code() == ErrorCode::kAlreadyExists) id = run_id;  // it did start
      EndStart(s, start, id);
      if (!id) return StartFailed(std::move(s), std::move(consumed), id.error(), std::move(next));
      Change change;
      change.active = *id;
      change.removed = std::move(consumed);
      change.starting = std::vector<std::uint64_t>();
      change.keep_on_failure = true;  // the run exists; its inputs must not start again
      Commit(s, std::move(change), [this, s, next = std::move(next)](Status) mutable {
        // Steer mode: what still waits goes to the new run.
        if (kinds_[s->kind].queue_mode == QueueMode::kSteer) {
          Post(s, [this](SessionPtr self, Next n) { Drain(std::move(self), std::move(n)); });
        }
        next();
      });
    };
    backend_.StartRun(s->kind, s->key, std::move(input), run_id, std::move(on_started));
  });
}

void SessionRouter::StartFailed(SessionPtr s, std::vector<std::uint64_t> consumed, const Error& error, Next next) {
  Change change;
  change.active = "";  // whatever ran before has ended, and the recorded start did not happen
  change.starting = std::vector<std::uint64_t>();
  change.keep_on_failure = true;
  const bool passing = Passing(error.code());
  if (passing) {
    options_.logger.Warn("session {}: starting its next run failed ({}); its inputs wait for the next input "
                         "or a restart",
                         s->key, error.message());
  } else {
    options_.logger.Warn("session {}: starting a run failed ({}); dropping the {} input(s) it was for", s->key,
                         error.message(), consumed.size());
    change.removed = std::move(consumed);
  }
  Commit(s, std::move(change), [this, s, passing, next = std::move(next)](Status) mutable {
    if (passing) {
      MutexLock lock(mu_);
      s->stalled = true;
    } else {
      Post(s, [this](SessionPtr self, Next n) { Drain(std::move(self), std::move(n)); });
    }
    next();
  });
}

void SessionRouter::SteerWaiting(SessionPtr s, std::string run, Next next) {
  std::uint64_t seq = 0;
  boost::json::value payload;
  {
    MutexLock lock(mu_);
    seq = s->waiting.front().seq;
    payload = {{"parameters", {{"input", s->waiting.front().input}}}};
  }
  auto on_sent = [this, s, seq, next = std::move(next)](Status sent) mutable {
    if (sent) {
      Change change;
      change.removed = {seq};
      change.keep_on_failure = true;  // it reached the run; it must not be sent again
      return Commit(s, std::move(change), [this, s, next = std::move(next)](Status) mutable {
        Post(s, [this](SessionPtr self, Next n) { Drain(std::move(self), std::move(n)); });
        next();
      });
    }
    if (sent.error().code() == ErrorCode::kFailedPrecondition) {  // the run just ended
      return StartNext(std::move(s), std::move(next));
    }
    options_.logger.Warn("session {}: steering a waiting input into run failed ({}); it starts a run of its own "
                         "when this one ends",
                         s->key, sent.error().message());
    next();
  };
  backend_.SignalRun(run, "steer", std::move(payload), std::move(on_sent));
}

void SessionRouter::RunEnded(SessionPtr s, std::string workflow_id, Next next) {
  bool ours = false;
  bool waiting = false;
  {
    MutexLock lock(mu_);
    ours = s->active == workflow_id;
    waiting = !s->waiting.empty();
  }
  if (!ours) return next();  // a repeat, or a run the session already settled
  if (waiting) return StartNext(std::move(s), std::move(next));
  Change change;
  change.active = "";
  change.keep_on_failure = true;
  Commit(s, std::move(change), [next = std::move(next)](Status) mutable { next(); });
}

void SessionRouter::ArmDebounce(const SessionPtr& s) {
  std::uint64_t generation = 0;
  {
    MutexLock lock(mu_);
    s->debouncing = true;
    generation = ++s->debounce_gen;
  }
  timers_.At(clock_.SteadyNow() + kinds_[s->kind].debounce, [life = lifeline_, s, generation] {
    SessionRouter* router = nullptr;
    bool pump = false;
    {
      MutexLock lock(life->mu);
      router = life->router;
      if (router == nullptr) return;  // shut down
      pump = router->EnqueueDebounce(s, generation);
    }
    // The session is busy now, so the router outlives this pump (Shutdown waits for it).
    if (pump) router->Schedule([router, s] { router->Pump(s); });
  });
}

bool SessionRouter::EnqueueDebounce(const SessionPtr& s, std::uint64_t generation) {
  MutexLock lock(mu_);
  if (closed_ || !s->debouncing || s->debounce_gen != generation) return false;  // an input came since
  return EnqueueLocked(s, [this, generation](SessionPtr self, Next next) {
    DebounceExpired(std::move(self), generation, std::move(next));
  });
}

void SessionRouter::DebounceExpired(SessionPtr s, std::uint64_t generation, Next next) {
  {
    MutexLock lock(mu_);
    if (!s->debouncing || s->debounce_gen != generation) return next();
    s->debouncing = false;
  }
  Drain(std::move(s), std::move(next));
}

std::uint64_t SessionRouter::BeginStart() {
  MutexLock lock(mu_);
  const std::uint64_t generation = ++generation_;
  starts_in_flight_.insert(generation);
  return generation;
}

void SessionRouter::EndStart(const SessionPtr& s, std::uint64_t start, const Result<std::string>& id) {
  bool ended = false;
  {
    MutexLock lock(mu_);
    starts_in_flight_.erase(starts_in_flight_.find(start));
    if (id) {
      runs_[*id] = s;  // from now on OnRunFinished finds the session
      for (auto it = early_ends_.begin(); it != early_ends_.end(); ++it) {
        if (it->first > start && it->second == *id) {
          early_ends_.erase(it);
          ended = true;
          break;
        }
      }
    }
    // An early end can only belong to a start that began before it and has not answered.
    while (!early_ends_.empty() &&
           (starts_in_flight_.empty() || early_ends_.front().first < *starts_in_flight_.begin() ||
            early_ends_.size() > kMaxEarlyEnds)) {
      early_ends_.pop_front();
    }
  }
  if (ended) {  // after the start's own item has recorded the run
    Post(s, [this, run = *id](SessionPtr self, Next next) { RunEnded(std::move(self), run, std::move(next)); });
  }
}

Result<std::vector<SessionRouter::Loaded>> SessionRouter::LoadStored() {
  GOCLAW_ASSIGN_OR_RETURN(auto stored, LoadSessions(*options_.store));
  std::vector<Loaded> loaded;
  for (auto& [key, entry] : stored) {
    auto kind = kinds_.Resolve(key);
    if (!kind) {
      options_.logger.Warn("session {} is stored but {}; it stays stored, untouched", key, kind.error().message());
      continue;
    }
    auto s = std::make_shared<internal::Session>(key, *kind);
    s->active = entry.record.active;
    s->next_seq = entry.record.next_seq;
    s->starting = entry.record.starting;
    for (InputRecord& in : entry.inputs) s->waiting.push_back({in.seq, std::move(in.input), in.enqueued_at_us});
    Loaded l{s};
    if (!s->active.empty()) {
      Result<bool> finished = backend_.RunFinished(s->active);
      if (!finished && finished.error().code() != ErrorCode::kNotFound) {
        return MakeError(std::move(finished.error().WithContext("recovering session " + key + " (run " + s->active + ")")));
      }
      if (!s->starting.empty() && !finished) {
        // Recorded, never started: its inputs wait again (the next start records anew).
        s->active.clear();
        s->starting.clear();
      } else {
        l.confirm = !s->starting.empty();
        l.ended = !finished || *finished;
      }
    }
    loaded.push_back(std::move(l));
  }
  return loaded;
}

Status SessionRouter::Recover() {
  {
    MutexLock lock(mu_);
    if (recovered_ || !sessions_.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition, "Recover runs once, before the first input");
    }
    recovered_ = true;
  }
  if (options_.store == nullptr) return OkStatus();
  GOCLAW_ASSIGN_OR_RETURN(auto loaded, LoadStored());
  std::vector<SessionPtr> to_pump;
  {
    MutexLock lock(mu_);
    for (auto& [s, ended, confirm] : loaded) {
      sessions_[s->key] = s;
      if (!s->active.empty()) runs_[s->active] = s;
      bool pump = false;
      if (confirm) {  // the recorded start happened: its inputs are the run's
        pump = EnqueueLocked(s, [this](SessionPtr self, Next next) {
          Change change;
          {
            MutexLock held(mu_);
            change.removed = self->starting;
          }
          change.starting = std::vector<std::uint64_t>();
          change.keep_on_failure = true;
          Commit(self, std::move(change), [next = std::move(next)](Status) mutable { next(); });
        });
      }
      if (ended) {
        pump |= EnqueueLocked(s, [this, run = s->active](SessionPtr self, Next next) {
          RunEnded(std::move(self), run, std::move(next));
        });
      } else if (s->active.empty() && !s->waiting.empty()) {  // e.g. it was debouncing
        pump |= EnqueueLocked(s, [this](SessionPtr self, Next next) { Drain(std::move(self), std::move(next)); });
      }
      if (pump) to_pump.push_back(s);
    }
  }
  options_.logger.Info("recovered {} session(s); {} to start", loaded.size(), to_pump.size());
  for (const SessionPtr& s : to_pump) Pump(s);
  return OkStatus();
}

}  // namespace goclaw::signal
