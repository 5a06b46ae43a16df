// The session router's public entry points, its per-session sequencing of work, and durable
// changes (session_router.h). The decisions are in session_input.cc and session_runs.cc.
#include "goclaw/signal/session_router.h"

#include <algorithm>

#include "goclaw/core/json_text.h"
#include "goclaw/signal/session_state.h"
#include "goclaw/signal/session_tables.h"

namespace goclaw::signal {

using internal::Change;
using internal::Session;

std::string_view InputActionName(InputAction a) {
  static constexpr std::string_view kNames[] = {"started",   "steered",     "queued",
                                                "coalesced", "interrupted", "dropped"};
  return kNames[static_cast<int>(a)];
}

Result<std::unique_ptr<SessionRouter>> SessionRouter::Create(RouterOptions options, SessionBackend& backend,
                                                             const Clock& clock, TimerQueue& timers) {
  GOCLAW_ASSIGN_OR_RETURN(SessionKinds kinds, SessionKinds::Create(options.kinds));
  return std::unique_ptr<SessionRouter>(
      new SessionRouter(std::move(kinds), std::move(options), backend, clock, timers));
}

SessionRouter::SessionRouter(SessionKinds kinds, RouterOptions options, SessionBackend& backend,
                             const Clock& clock, TimerQueue& timers)
    : kinds_(std::move(kinds)),
      options_(std::move(options)),
      backend_(backend),
      clock_(clock),
      timers_(timers),
      lifeline_(std::make_shared<internal::Lifeline>()) {
  MutexLock lock(lifeline_->mu);
  lifeline_->router = this;
}

SessionRouter::~SessionRouter() { Shutdown(); }

void SessionRouter::Shutdown() {
  {
    MutexLock lock(lifeline_->mu);
    lifeline_->router = nullptr;
  }
  {
    MutexLock lock(mu_);
    closed_ = true;
  }
  WaitIdle();
}

void SessionRouter::WaitIdle() {
  MutexLock lock(mu_);
  idle_cv_.wait(mu_, [this]() GOCLAW_NO_THREAD_SAFETY_ANALYSIS { return busy_sessions_ == 0; });
}

void SessionRouter::Input(const std::string& key, boost::json::value input, InputCallback done) {
  auto kind = kinds_.Resolve(key);
  if (!kind) {
    done(MakeError(std::move(kind.error())));
    return;
  }
  if (options_.max_input_bytes > 0) {
    const std::size_t size = JsonText(input).size();
    if (size > options_.max_input_bytes) {
      done(MakeError(ErrorCode::kInvalidArgument,
                     "the input to session " + key + " is " + std::to_string(size) + " bytes of JSON; at most " +
                         std::to_string(options_.max_input_bytes) + " are accepted (signals.max_payload_bytes)"));
      return;
    }
  }
  SessionPtr s;
  bool pump = false;
  {
    MutexLock lock(mu_);
    if (closed_) {
      lock.Unlock();
      done(MakeError(ErrorCode::kUnavailable, "the session router is shutting down; input to " + key + " refused"));
      return;
    }
    auto it = sessions_.find(key);
    if (it == sessions_.end()) it = sessions_.emplace(key, std::make_shared<Session>(key, *kind)).first;
    s = it->second;
    pump = EnqueueLocked(s, [this, input = std::move(input), done = std::move(done)](SessionPtr self,
                                                                                    Next next) mutable {
      Decide(std::move(self), std::move(input), std::move(done), std::move(next), /*settled=*/false);
    });
  }
  if (pump) Pump(s);
}

void SessionRouter::OnRunFinished(const std::string& workflow_id) {
  SessionPtr s;
  {
    MutexLock lock(mu_);
    if (closed_) return;  // Recover settles it after the restart
    auto it = runs_.find(workflow_id);
    if (it == runs_.end()) {
      // It may be the run of a StartRun that has not answered yet: EndStart looks here.
      if (!starts_in_flight_.empty()) early_ends_.emplace_back(++generation_, workflow_id);
      return;
    }
    s = it->second;
    if (!EnqueueLocked(s, [this, workflow_id](SessionPtr self, Next next) {
          RunEnded(std::move(self), workflow_id, std::move(next));
        })) {
      return;
    }
  }
  Schedule([this, s] { Pump(s); });
}

Result<SessionView> SessionRouter::Get(const std::string& key) const {
  GOCLAW_ASSIGN_OR_RETURN(std::size_t kind, kinds_.Resolve(key));
  SessionView view;
  view.key = key;
  view.match = kinds_[kind].match;
  view.queue_mode = kinds_[kind].queue_mode;
  MutexLock lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return view;
  const Session& s = *it->second;
  view.active_run = s.active;
  view.waiting.reserve(s.waiting.size());
  for (const internal::Waiting& w : s.waiting) {
    view.waiting.push_back(
        {w.seq, w.input, Clock::WallTime(std::chrono::duration_cast<Clock::WallTime::duration>(
                             std::chrono::microseconds(w.enqueued_at_us)))});
  }
  return view;
}

SessionPage SessionRouter::List(std::size_t limit, std::size_t offset) const {
  SessionPage page;
  MutexLock lock(mu_);
  for (const auto& [key, s] : sessions_) {
    if (s->active.empty() && s->waiting.empty()) continue;  // idle (on its way out, or starting)
    if (page.total++ < offset || (limit != 0 && page.sessions.size() >= limit)) continue;
    const config::SessionKindConfig& kind = kinds_[s->kind];
    page.sessions.push_back({key, kind.match, kind.queue_mode, s->active, s->waiting.size()});
  }
  return page;
}

// ---- Per-session sequencing: a session's work items run one at a time, in order.

bool SessionRouter::EnqueueLocked(const SessionPtr& s, Op op) {
  s->ops.push_back(std::move(op));
  if (s->busy) return false;  // the thread running its current item runs this one next
  s->busy = true;
  ++busy_sessions_;
  return true;
}

void SessionRouter::Post(const SessionPtr& s, Op op) {
  bool pump = false;
  {
    MutexLock lock(mu_);
    pump = EnqueueLocked(s, std::move(op));
  }
  if (pump) Schedule([this, s] { Pump(s); });
}

void SessionRouter::Pump(const SessionPtr& s) {
  MutexLock lock(mu_);
  while (!s->ops.empty()) {
    Op op = std::move(s->ops.front());
    s->ops.pop_front();
    s->in_op = true;
    s->op_done = false;
    lock.Unlock();
    op(s, [this, s] { ItemDone(s); });
    lock.Lock();
    s->in_op = false;
    if (!s->op_done) return;  // it finishes on another thread, which pumps on (ItemDone)
  }
  s->busy = false;
  Forget(s);
  if (--busy_sessions_ == 0) idle_cv_.notify_all();
}

void SessionRouter::ItemDone(const SessionPtr& s) {
  {
    MutexLock lock(mu_);
    if (s->in_op) {  // finished inside its first call: Pump's loop goes on (no recursion)
      s->op_done = true;
      return;
    }
  }
  Schedule([this, s] { Pump(s); });
}

void SessionRouter::Schedule(UniqueFunction<void()> fn) {
  if (options_.post) {
    options_.post(std::move(fn));
  } else {
    fn();
  }
}

void SessionRouter::Forget(const SessionPtr& s) {
  if (s->busy || !s->ops.empty() || !s->active.empty() || !s->waiting.empty() || s->debouncing) return;
  auto it = sessions_.find(s->key);
  if (it != sessions_.end() && it->second == s) sessions_.erase(it);
}

// ---- Durable changes.

void SessionRouter::Commit(const SessionPtr& s, Change change, UniqueFunction<void(Status)> then) {
  if (options_.store == nullptr) {
    {
      MutexLock lock(mu_);
      Apply(s, change);
    }
    then(OkStatus());
    return;
  }
  store::StoreBatch batch;
  SessionRecord record;
  std::size_t waiting = 0;
  {
    MutexLock lock(mu_);
    record = {change.active.value_or(s->active), s->next_seq, change.starting.value_or(s->starting)};
    waiting = s->waiting.size() - change.removed.size();
  }
  waiting += change.added.size();
  const std::string inputs(kSessionInputsTable);
  for (std::uint64_t seq : change.removed) {
    batch.mutations.push_back(store::TableMutation::Erase(inputs, InputKey(s->key, seq)));
  }
  for (const internal::Waiting& w : change.added) {
    record.next_seq = std::max(record.next_seq, w.seq + 1);
    batch.mutations.push_back(store::TableMutation::Put(
        inputs, InputKey(s->key, w.seq), EncodeInputRecord({w.seq, w.input, w.enqueued_at_us})));
  }
  const std::string sessions(kSessionsTable);
  batch.mutations.push_back(record.active.empty() && waiting == 0
                                ? store::TableMutation::Erase(sessions, s->key)
                                : store::TableMutation::Put(sessions, s->key, EncodeSessionRecord(record)));
  options_.store->Commit(std::move(batch), [this, s, change = std::move(change),
                                            then = std::move(then)](Status status) mutable {
    if (status || change.keep_on_failure) {
      MutexLock lock(mu_);
      Apply(s, change);
    }
    if (!status) {
      options_.logger.Error("session {}: writing its state failed: {}", s->key, status.error().message());
    }
    then(std::move(status));
  });
}

void SessionRouter::Apply(const SessionPtr& s, Change& change) {
  if (change.active && *change.active != s->active) {
    if (auto it = runs_.find(s->active); !s->active.empty() && it != runs_.end() && it->second == s) {
      runs_.erase(it);
    }
    s->active = *change.active;
    s->interrupted = false;
    if (!s->active.empty()) runs_[s->active] = s;
  }
  if (change.starting) s->starting = *change.starting;
  if (!change.removed.empty()) {
    std::sort(change.removed.begin(), change.removed.end());
    std::erase_if(s->waiting, [&](const internal::Waiting& w) {
      return std::binary_search(change.removed.begin(), change.removed.end(), w.seq);
    });
  }
  for (internal::Waiting& w : change.added) {
    s->next_seq = std::max(s->next_seq, w.seq + 1);
    s->waiting.push_back(std::move(w));
  }
}

std::int64_t SessionRouter::NowMicros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock_.Now().time_since_epoch()).count();
}

}  // namespace goclaw::signal
