// What one input does to its session (session_router.h): start a run, steer or interrupt the
// active one, or wait — with the cap's drop policy — and what is written before the answer.
// Each function here runs as (part of) the session's current work item and ends by calling
// `next` exactly once.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "goclaw/signal/session_router.h"
#include "goclaw/signal/session_state.h"

namespace goclaw::signal {

using internal::Change;

void SessionRouter::Decide(SessionPtr s, boost::json::value input, InputCallback done, Next next, bool settled) {
  const config::SessionKindConfig& kind = kinds_[s->kind];
  std::string run;
  bool waiting = false;
  {
    MutexLock lock(mu_);
    if (!settled) run = s->active;
    waiting = !s->waiting.empty();
  }
  if (!run.empty()) {
    switch (kind.queue_mode) {
      case QueueMode::kSteer:
        if (waiting) break;  // inputs not yet steered go first: this one waits behind them
        return Steer(std::move(s), std::move(run), std::move(input), std::move(done), std::move(next));
      case QueueMode::kInterrupt:
        return Interrupt(std::move(s), std::move(run), std::move(input), std::move(done), std::move(next));
      case QueueMode::kFollowup:
      case QueueMode::kCollect:
        break;
    }
    return Queue(std::move(s), std::move(input), std::move(done), std::move(next), {});
  }
  if (!waiting && kind.debounce <= Millis(0)) {
    return StartNow(std::move(s), std::move(input), std::move(done), std::move(next));
  }
  // No run, but a debounce window or inputs not started yet: the mode decides as if a run were
  // active (interrupt: the newest input replaces the others).
  Queue(std::move(s), std::move(input), std::move(done), std::move(next),
        {.settled = settled, .replace = kind.queue_mode == QueueMode::kInterrupt});
}

void SessionRouter::Steer(SessionPtr s, std::string run, boost::json::value input, InputCallback done, Next next) {
  boost::json::value payload = {{"parameters", {{"input", input}}}};
  auto on_sent = [this, s, run, input = std::move(input), done = std::move(done),
                  next = std::move(next)](Status sent) mutable {
    if (sent) {
      InputOutcome out;
      out.action = InputAction::kSteered;
      out.workflow_id = run;
      done(std::move(out));
      return next();
    }
    if (sent.error().code() == ErrorCode::kFailedPrecondition) {  // the run just finished
      return Decide(std::move(s), std::move(input), std::move(done), std::move(next), /*settled=*/true);
    }
    done(MakeError(std::move(sent.error())));
    next();
  };
  backend_.SignalRun(run, "steer", std::move(payload), std::move(on_sent));
}

void SessionRouter::Interrupt(SessionPtr s, std::string run, boost::json::value input, InputCallback done,
                              Next next) {
  bool already = false;
  {
    MutexLock lock(mu_);
    already = s->interrupted;
  }
  if (already) {  // an earlier input interrupted it: this one only replaces that one
    return Queue(std::move(s), std::move(input), std::move(done), std::move(next), {.replace = true});
  }
  boost::json::value payload = {{"graceful", false}, {"reason", "a newer input arrived for session " + s->key}};
  auto on_sent = [this, s, run, input = std::move(input), done = std::move(done),
                  next = std::move(next)](Status sent) mutable {
    if (sent) {
      {
        MutexLock lock(mu_);
        if (s->active == run) s->interrupted = true;
      }
      return Queue(std::move(s), std::move(input), std::move(done), std::move(next), {.replace = true});
    }
    if (sent.error().code() == ErrorCode::kFailedPrecondition) {
      return Decide(std::move(s), std::move(input), std::move(done), std::move(next), /*settled=*/true);
    }
    done(MakeError(std::move(sent.error())));
    next();
  };
  backend_.SignalRun(run, "interrupt", std::move(payload), std::move(on_sent));
}

void SessionRouter::StartNow(SessionPtr s, boost::json::value input, InputCallback done, Next next) {
  const std::uint64_t start = BeginStart();
  auto on_started = [this, s, start, done = std::move(done), next = std::move(next)](Result<std::string> id) mutable {
    EndStart(s, start, id);
    if (!id) {
      done(MakeError(std::move(id.error())));
      return next();
    }
    Change change;
    change.active = *id;
    change.keep_on_failure = true;  // the run exists whether or not the write succeeds
    Commit(s, std::move(change), [s, run = *id, done = std::move(done), next = std::move(next)](Status ok) mutable {
      if (!ok) {
        done(MakeError(std::move(ok.error().WithContext("run " + run + " started for session " + s->key +
                                                        ", but the session's state could not be stored"))));
      } else {
        InputOutcome out;
        out.action = InputAction::kStarted;
        out.workflow_id = run;
        done(std::move(out));
      }
      next();
    });
  };
  backend_.StartRun(s->kind, s->key, std::move(input), "", std::move(on_started));
}

void SessionRouter::Queue(SessionPtr s, boost::json::value input, InputCallback done, Next next, QueueHow how) {
  const config::SessionKindConfig& kind = kinds_[s->kind];
  Change change;
  InputOutcome out;
  std::size_t ahead = 0;  // inputs that will wait before this one
  {
    MutexLock lock(mu_);
    if (how.settled) {
      change.active = "";
    } else {
      out.workflow_id = s->active;
    }
    if (how.replace) {
      for (const internal::Waiting& w : s->waiting) change.removed.push_back(w.seq);
    }
    ahead = s->waiting.size() - change.removed.size();
    const auto cap = static_cast<std::size_t>(kind.cap);
    if (ahead + 1 > cap) {
      if (kind.drop == DropPolicy::kOldest) {
        // Usually one; more when the cap was lowered since these inputs came.
        for (std::size_t i = 0; ahead + 1 > cap; ++i, --ahead) change.removed.push_back(s->waiting[i].seq);
      } else if (kind.drop == DropPolicy::kNewest) {
        lock.Unlock();
        out.action = InputAction::kDropped;  // refused: nothing is stored
        done(std::move(out));
        return next();
      } else {
        lock.Unlock();
        return Summarize(std::move(s), std::move(input), std::move(done), std::move(next), how.settled);
      }
    }
    out.seq = s->next_seq;
  }
  change.added.push_back({out.seq, std::move(input), NowMicros()});
  out.position = ahead + 1;
  out.dropped = change.removed;
  if (how.replace && !out.workflow_id.empty()) {
    out.action = InputAction::kInterrupted;
  } else if (kind.queue_mode == QueueMode::kCollect && ahead > 0) {
    out.action = InputAction::kCoalesced;
  } else {
    out.action = InputAction::kQueued;
  }
  Answer(std::move(s), std::move(change), std::move(out), std::move(done), std::move(next));
}

void SessionRouter::Summarize(SessionPtr s, boost::json::value input, InputCallback done, Next next, bool settled) {
  std::vector<boost::json::value> inputs;
  std::vector<std::uint64_t> seqs;
  {
    MutexLock lock(mu_);
    for (const internal::Waiting& w : s->waiting) {
      inputs.push_back(w.input);
      seqs.push_back(w.seq);
    }
  }
  inputs.push_back(std::move(input));
  auto on_merged = [this, s, seqs = std::move(seqs), settled, done = std::move(done),
                    next = std::move(next)](Result<boost::json::value> merged) mutable {
    if (!merged) {
      done(MakeError(std::move(merged.error().WithContext("summarizing the inputs waiting for session " + s->key))));
      return next();
    }
    Change change;
    InputOutcome out;
    {
      MutexLock lock(mu_);
      if (settled) change.active = "";
      out.workflow_id = settled ? "" : s->active;
      out.seq = s->next_seq;
    }
    change.removed = seqs;
    change.added.push_back({out.seq, std::move(*merged), NowMicros()});
    out.action = InputAction::kCoalesced;
    out.position = 1;
    out.dropped = std::move(seqs);
    Answer(std::move(s), std::move(change), std::move(out), std::move(done), std::move(next));
  };
  backend_.Summarize(s->kind, std::move(inputs), std::move(on_merged));
}

void SessionRouter::Answer(SessionPtr s, Change change, InputOutcome out, InputCallback done, Next next) {
  Commit(s, std::move(change), [this, s, out = std::move(out), done = std::move(done),
                                next = std::move(next)](Status ok) mutable {
    if (!ok) {
      done(MakeError(std::move(ok.error().WithContext("storing the input to session " + s->key))));
      return next();
    }
    AfterQueued(s);  // before the answer: a caller that heard "queued" finds the timer armed
    done(std::move(out));
    next();
  });
}

void SessionRouter::AfterQueued(const SessionPtr& s) {
  bool run = false;
  {
    MutexLock lock(mu_);
    run = !s->active.empty();
    s->stalled = false;  // a new input retries a start that failed for a passing reason
  }
  if (run) {
    // Steer mode: the input waits only behind others not yet steered; send them on (again, if
    // an earlier try failed). Other modes: the run's end starts what waits.
    if (kinds_[s->kind].queue_mode == QueueMode::kSteer) {
      Post(s, [this](SessionPtr self, Next next) { Drain(std::move(self), std::move(next)); });
    }
    return;
  }
  if (kinds_[s->kind].debounce > Millis(0)) {
    ArmDebounce(s);
  } else {
    Post(s, [this](SessionPtr self, Next next) { Drain(std::move(self), std::move(next)); });
  }
}

}  // namespace goclaw::signal
