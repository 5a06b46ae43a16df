// LaneGroup: admission, queueing, token buckets, deadlines, keyed queues.
#include "goclaw/lane/lane.h"

#include <cmath>

#include "goclaw/core/check.h"
#include "goclaw/core/mutex.h"
#include "goclaw/lane/lane_queue.h"

namespace goclaw::lane {

using internal::LaneQueue;
using internal::QueueEntry;
using internal::WaitState;

namespace {

constexpr int kMaxRedirectHops = 8;
const std::string kNoKey;

double Seconds(Clock::SteadyTime::duration d) {
  return std::chrono::duration<double>(d).count();
}

Clock::SteadyTime::duration FromSeconds(double s) {
  // Rounded up to whole nanoseconds so a wake-up for "enough tokens" is not early.
  return std::chrono::duration_cast<Clock::SteadyTime::duration>(
      std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(s * 1e9))));
}

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

// Callbacks collected under the lock and run after it is released. The first one is stored
// inline so that the common case (one admission) allocates nothing.
struct LaneGroup::Completions {
  struct Item {
    AcquireCallback done;
    Result<Permit> result;
  };
  std::optional<Item> first;
  std::vector<Item> rest;

  void Add(AcquireCallback done, Result<Permit> result) {
    if (!done) return;
    if (!first) {
      first.emplace(Item{std::move(done), std::move(result)});
    } else {
      rest.push_back(Item{std::move(done), std::move(result)});
    }
  }
  void Run() {
    if (first) first->done(std::move(first->result));
    for (Item& item : rest) item.done(std::move(item.result));
  }
};

bool Ticket::Cancel() {
  if (seq_ == 0) return false;
  auto group = group_.lock();
  return group && group->CancelTicket(key_, seq_, slot_);
}

void Permit::Release() {
  if (queue_ == nullptr) return;
  group_->Release(std::exchange(queue_, nullptr));
}

std::shared_ptr<LaneGroup> LaneGroup::Create(const LaneOptions& options, const Clock& clock,
                                             TimerQueue& timers, std::uint32_t order) {
  return std::shared_ptr<LaneGroup>(new LaneGroup(options, clock, timers, order));
}

LaneGroup::LaneGroup(const LaneOptions& options, const Clock& clock, TimerQueue& timers,
                     std::uint32_t order)
    : name_(options.name),
      keyed_(!options.name.empty() && options.name.back() == '*'),
      order_(order),
      clock_(clock),
      timers_(timers),
      options_(options) {
  stats_.name = name_;
  stats_.keyed = keyed_;
  stats_.max_concurrency = options.max_concurrency;
  stats_.capacity = options.capacity;
  stats_.rate = options.rate;
  stats_.on_full = options.on_full;
  if (!keyed_) {
    single_ = std::make_unique<LaneQueue>();
    single_->key = &kNoKey;
    if (options_.rate) {
      single_->tokens = options_.rate->burst;
      single_->refilled = clock_.SteadyNow();
    }
  }
}

LaneGroup::~LaneGroup() {
  // Permits point at their lane: destroying a lane that still has some is a bug.
  GOCLAW_CHECK(stats_.running == 0);
}

std::string LaneGroup::DisplayName(std::string_view key) const {
  if (!keyed_) return name_;
  return name_.substr(0, name_.size() - 1) + std::string(key);
}

void LaneGroup::set_redirect_target(std::shared_ptr<LaneGroup> target) {
  MutexLock lock(mu_);
  redirect_ = std::move(target);
}

LaneQueue* LaneGroup::FindQueue(std::string_view key) {
  if (!keyed_) return single_.get();
  auto it = keys_.find(std::string(key));
  return it == keys_.end() ? nullptr : &it->second;
}

LaneQueue& LaneGroup::QueueFor(std::string_view key) {
  if (!keyed_) return *single_;
  auto [it, inserted] = keys_.try_emplace(std::string(key));
  LaneQueue& q = it->second;
  if (inserted) {
    q.key = &it->first;
    if (options_.rate) {
      q.tokens = options_.rate->burst;
      q.refilled = Now();
    }
    stats_.keys = keys_.size();
  }
  return q;
}

void LaneGroup::Refill(LaneQueue& q, Clock::SteadyTime now) {
  if (!options_.rate) return;
  if (now > q.refilled) {
    q.tokens = std::min(options_.rate->burst,
                        q.tokens + Seconds(now - q.refilled) * options_.rate->per_second);
    q.refilled = now;
  }
}

std::string LaneGroup::FullMessage(const LaneQueue& q) const {
  std::size_t waiting = q.wait ? q.wait->waiting_live : 0;
  return "lane \"" + DisplayName(*q.key) + "\" is full: " + std::to_string(waiting) +
         " waiting (capacity " + std::to_string(options_.capacity) + "), " +
         std::to_string(q.running) + " of " + std::to_string(options_.max_concurrency) +
         " running";
}

Ticket LaneGroup::Acquire(std::string_view key, const AcquireRequest& request,
                          AcquireCallback done) {
  return AcquireWithHops(key, request, std::move(done), 0);
}

Ticket LaneGroup::AcquireWithHops(std::string_view key, const AcquireRequest& request,
                                  AcquireCallback done, int hops) {
  Completions out;
  Ticket ticket;
  std::shared_ptr<LaneGroup> redirect_to;
  {
    MutexLock lock(mu_);
    auto refuse = [&](ErrorCode code, std::string message, std::uint64_t& counter)
                      GOCLAW_REQUIRES(mu_) {
      ++counter;
      out.Add(std::move(done), MakeError(code, std::move(message)));
    };
    if (keyed_ && key.empty()) {
      refuse(ErrorCode::kInvalidArgument,
             "lane \"" + name_ + "\" is a template: name a key, e.g. \"" + DisplayName("id") +
                 "\"",
             stats_.rejected);
    } else if (!keyed_ && !key.empty()) {
      refuse(ErrorCode::kInvalidArgument, "lane \"" + name_ + "\" has no keys",
             stats_.rejected);
    } else if (!(request.cost > 0) || !std::isfinite(request.cost)) {
      refuse(ErrorCode::kInvalidArgument,
             "cost must be a positive number, got " + FormatNumber(request.cost),
             stats_.rejected);
    } else if (options_.rate && request.cost > options_.rate->burst) {
      refuse(ErrorCode::kInvalidArgument,
             "cost " + FormatNumber(request.cost) + " is more than the burst (" +
                 FormatNumber(options_.rate->burst) + ") of lane \"" + DisplayName(key) +
                 "\", so it could never be admitted",
             stats_.rejected);
    } else if (closed_) {
      refuse(ErrorCode::kUnavailable, "lane \"" + DisplayName(key) + "\" is closed",
             stats_.rejected);
    } else {
      LaneQueue& q = QueueFor(key);
      const bool timed = options_.rate || request.deadline || q.HasWaiters();
      const Clock::SteadyTime now = timed ? Now() : Clock::SteadyTime{};
      Refill(q, now);
      const std::size_t waiting = q.wait ? q.wait->waiting_live : 0;
      if (!q.HasWaiters() && q.running < options_.max_concurrency &&
          (!options_.rate || q.tokens >= request.cost)) {
        // Room now and nobody to overtake.
        if (options_.rate) q.tokens -= request.cost;
        ++q.running;
        ++stats_.running;
        ++stats_.accepted;
        ++stats_.admitted;
        stats_.wait.Record(0);
        out.Add(std::move(done), Permit(this, &q));
      } else if (static_cast<std::int64_t>(waiting) < options_.capacity ||
                 options_.on_full == OnFull::kBlock) {
        const bool blocked = static_cast<std::int64_t>(waiting) >= options_.capacity;
        WaitState& ws = q.wait ? *q.wait : *(q.wait = std::make_unique<WaitState>());
        const std::uint32_t slot = ws.Allocate();
        const std::uint64_t seq = next_seq_++;
        internal::Waiter& w = ws.slots[slot];
        w.seq = seq;
        w.priority = request.priority;
        w.cost = request.cost;
        w.deadline = request.deadline;
        w.enqueued = timed ? now : Now();
        w.blocked = blocked;
        w.done = std::move(done);
        if (blocked) {
          internal::PushEntry(ws.blocked, {request.priority, seq, slot});
          ++ws.blocked_live;
          ++stats_.blocked;
        } else {
          internal::PushEntry(ws.waiting, {request.priority, seq, slot});
          ++ws.waiting_live;
          ++stats_.waiting;
        }
        if (request.deadline) internal::PushDeadline(ws.deadlines, {*request.deadline, seq, slot});
        ++stats_.accepted;
        ticket.group_ = weak_from_this();
        ticket.key_ = std::string(key);
        ticket.seq_ = seq;
        ticket.slot_ = slot;
        // A higher-priority arrival may be admissible at once (e.g. others wait for tokens).
        const Clock::SteadyTime enqueued = w.enqueued;  // Pump may free `w`
        Pump(q, enqueued, out);
        ScheduleWake(q, enqueued);
      } else if (options_.on_full == OnFull::kRedirect && redirect_ &&
                 hops < kMaxRedirectHops) {
        ++stats_.redirected;
        redirect_to = redirect_;
        MaybeEvict(q);
      } else {
        std::string message = FullMessage(q);
        message += options_.on_full == OnFull::kRedirect
                       ? "; redirect chain too long or without a target"
                       : "; on_full is drop";
        refuse(ErrorCode::kResourceExhausted, std::move(message), stats_.dropped);
        MaybeEvict(q);
      }
    }
  }
  out.Run();
  if (redirect_to) return redirect_to->AcquireWithHops("", request, std::move(done), hops + 1);
  return ticket;
}

std::optional<Permit> LaneGroup::TryAcquire(std::string_view key, const AcquireRequest& request) {
  MutexLock lock(mu_);
  if (closed_ || keyed_ == key.empty() || !(request.cost > 0)) return std::nullopt;
  LaneQueue& q = QueueFor(key);
  if (options_.rate) Refill(q, Now());
  if (q.HasWaiters() || q.running >= options_.max_concurrency ||
      (options_.rate && q.tokens < request.cost)) {
    MaybeEvict(q);
    return std::nullopt;
  }
  if (options_.rate) q.tokens -= request.cost;
  ++q.running;
  ++stats_.running;
  ++stats_.accepted;
  ++stats_.admitted;
  stats_.wait.Record(0);
  return Permit(this, &q);
}

void LaneGroup::Pump(LaneQueue& q, Clock::SteadyTime now, Completions& out) {
  if (!q.wait) return;
  WaitState& ws = *q.wait;
  bool progress = true;
  while (progress) {
    progress = false;
    Refill(q, now);
    while (q.running < options_.max_concurrency && ws.waiting_live > 0) {
      const QueueEntry top = ws.waiting.front();
      if (!ws.Live(top)) {
        internal::PopEntry(ws.waiting);
        continue;
      }
      internal::Waiter& w = ws.slots[top.slot];
      if (options_.rate && q.tokens < w.cost) break;  // the head waits; nobody overtakes it
      if (options_.rate) q.tokens -= w.cost;
      internal::PopEntry(ws.waiting);
      --ws.waiting_live;
      --stats_.waiting;
      ++q.running;
      ++stats_.running;
      ++stats_.admitted;
      stats_.wait.Record(Seconds(now - w.enqueued));
      out.Add(std::move(w.done), Permit(this, &q));
      ws.Free(top.slot);
      progress = true;
    }
    while (ws.blocked_live > 0 &&
           static_cast<std::int64_t>(ws.waiting_live) < options_.capacity) {
      const QueueEntry top = ws.blocked.front();
      internal::PopEntry(ws.blocked);
      if (!ws.Live(top)) continue;
      ws.slots[top.slot].blocked = false;
      --ws.blocked_live;
      --stats_.blocked;
      internal::PushEntry(ws.waiting, top);  // keeps its sequence number: FIFO is preserved
      ++ws.waiting_live;
      ++stats_.waiting;
      progress = true;
    }
  }
  if (!q.HasWaiters()) q.wait.reset();  // drops stale heap entries too
}

void LaneGroup::Expire(LaneQueue& q, Clock::SteadyTime now, Completions& out) {
  if (!q.wait) return;
  WaitState& ws = *q.wait;
  while (!ws.deadlines.empty() && ws.deadlines.front().when <= now) {
    const internal::DeadlineEntry d = ws.deadlines.front();
    internal::PopDeadline(ws.deadlines);
    internal::Waiter& w = ws.slots[d.slot];
    if (w.seq != d.seq) continue;  // admitted or cancelled already
    Error error(ErrorCode::kDeadlineExceeded, "");
    if (w.blocked) {
      --ws.blocked_live;
      --stats_.blocked;
      error = Error(ErrorCode::kResourceExhausted,
                    FullMessage(q) + "; no room before the deadline (waited " +
                        FormatNumber(Seconds(now - w.enqueued)) + "s)");
    } else {
      --ws.waiting_live;
      --stats_.waiting;
      error = Error(ErrorCode::kDeadlineExceeded,
                    "not admitted to lane \"" + DisplayName(*q.key) + "\" before the deadline " +
                        "(waited " + FormatNumber(Seconds(now - w.enqueued)) + "s; " +
                        std::to_string(q.running) + " of " +
                        std::to_string(options_.max_concurrency) + " running)");
    }
    ++stats_.rejected;
    out.Add(std::move(w.done), MakeError(std::move(error)));
    ws.Free(d.slot);
  }
}

void LaneGroup::ScheduleWake(LaneQueue& q, Clock::SteadyTime now) {
  std::optional<Clock::SteadyTime> wake;
  auto earliest = [&wake](Clock::SteadyTime t) {
    if (!wake || t < *wake) wake = t;
  };
  if (q.wait) {
    WaitState& ws = *q.wait;
    while (!ws.waiting.empty() && !ws.Live(ws.waiting.front())) internal::PopEntry(ws.waiting);
    if (options_.rate && q.running < options_.max_concurrency && !ws.waiting.empty()) {
      double missing = ws.slots[ws.waiting.front().slot].cost - q.tokens;
      if (missing > 0) earliest(now + FromSeconds(missing / options_.rate->per_second));
    }
    while (!ws.deadlines.empty() &&
           ws.slots[ws.deadlines.front().slot].seq != ws.deadlines.front().seq) {
      internal::PopDeadline(ws.deadlines);
    }
    if (!ws.deadlines.empty()) earliest(ws.deadlines.front().when);
  } else if (keyed_ && options_.rate && q.running == 0 && q.tokens < options_.rate->burst) {
    // An idle key is evicted once its bucket is full again, so eviction never resets a limit.
    earliest(now + FromSeconds((options_.rate->burst - q.tokens) / options_.rate->per_second));
  }
  if (!wake || (q.wake_at && *q.wake_at <= *wake)) return;
  q.wake_at = wake;
  timers_.At(*wake, [weak = weak_from_this(), key = *q.key] {
    if (auto self = weak.lock()) self->OnTimer(key);
  });
}

void LaneGroup::MaybeEvict(LaneQueue& q) {
  if (!keyed_ || q.running > 0 || q.HasWaiters()) return;
  if (options_.rate) {
    Refill(q, Now());
    if (q.tokens < options_.rate->burst) return;  // a wake-up is scheduled for when it is full
  }
  keys_.erase(keys_.find(*q.key));
  stats_.keys = keys_.size();
  if (keys_.empty() && keys_.bucket_count() > 1024) {
    // Erasing never shrinks the bucket array: after a burst of a million sessions it would
    // keep 8 MB. Give it back once the template is idle.
    std::unordered_map<std::string, LaneQueue>().swap(keys_);
  }
}

void LaneGroup::OnTimer(const std::string& key) {
  Completions out;
  {
    MutexLock lock(mu_);
    LaneQueue* q = FindQueue(key);
    if (q == nullptr) return;
    const Clock::SteadyTime now = Now();
    if (q->wake_at && *q->wake_at <= now) q->wake_at.reset();
    Expire(*q, now, out);
    Pump(*q, now, out);
    ScheduleWake(*q, now);
    MaybeEvict(*q);
  }
  out.Run();
}

void LaneGroup::Release(LaneQueue* q) {
  Completions out;
  {
    MutexLock lock(mu_);
    --q->running;
    --stats_.running;
    if (q->HasWaiters()) {
      const Clock::SteadyTime now = Now();
      Pump(*q, now, out);
      ScheduleWake(*q, now);
    } else if (keyed_ && options_.rate) {
      const Clock::SteadyTime now = Now();
      Refill(*q, now);
      ScheduleWake(*q, now);
    }
    MaybeEvict(*q);
  }
  out.Run();
}

bool LaneGroup::CancelTicket(const std::string& key, std::uint64_t seq, std::uint32_t slot) {
  Completions out;
  {
    MutexLock lock(mu_);
    LaneQueue* q = FindQueue(key);
    if (q == nullptr || !q->wait || slot >= q->wait->slots.size() ||
        q->wait->slots[slot].seq != seq) {
      return false;
    }
    WaitState& ws = *q->wait;
    internal::Waiter& w = ws.slots[slot];
    if (w.blocked) {
      --ws.blocked_live;
      --stats_.blocked;
    } else {
      --ws.waiting_live;
      --stats_.waiting;
    }
    ++stats_.cancelled;
    out.Add(std::move(w.done),
            MakeError(ErrorCode::kCancelled,
                      "cancelled while waiting in lane \"" + DisplayName(key) + "\""));
    ws.Free(slot);
    const Clock::SteadyTime now = Now();
    Pump(*q, now, out);
    ScheduleWake(*q, now);
    MaybeEvict(*q);
  }
  out.Run();
  return true;
}

void LaneGroup::Close(CloseMode mode) {
  Completions out;
  {
    MutexLock lock(mu_);
    closed_ = true;
    stats_.closed = true;
    auto cancel_all = [&](LaneQueue& q) GOCLAW_REQUIRES(mu_) {
      if (!q.wait) return;
      for (internal::Waiter& w : q.wait->slots) {
        if (w.seq == 0) continue;
        ++stats_.cancelled;
        out.Add(std::move(w.done), MakeError(ErrorCode::kCancelled,
                                             "lane \"" + DisplayName(*q.key) + "\" was closed"));
      }
      stats_.waiting -= static_cast<std::int64_t>(q.wait->waiting_live);
      stats_.blocked -= static_cast<std::int64_t>(q.wait->blocked_live);
      q.wait.reset();
    };
    if (mode == CloseMode::kCancel) {
      if (single_) cancel_all(*single_);
      for (auto& [key, q] : keys_) cancel_all(q);
    }
    for (auto it = keys_.begin(); it != keys_.end();) {
      LaneQueue& q = it->second;
      ++it;  // MaybeEvict may erase q
      MaybeEvict(q);
    }
  }
  out.Run();
}

void LaneGroup::PumpAll(Clock::SteadyTime now, Completions& out) {
  if (single_) {
    Pump(*single_, now, out);
    ScheduleWake(*single_, now);
  }
  for (auto& [key, q] : keys_) {
    Pump(q, now, out);
    ScheduleWake(q, now);
  }
}

void LaneGroup::Update(const LaneUpdate& update) {
  Completions out;
  {
    MutexLock lock(mu_);
    const Clock::SteadyTime now = Now();
    if (update.rate) {
      const std::optional<RateConfig>& rate = *update.rate;
      auto adjust = [&](LaneQueue& q) GOCLAW_REQUIRES(mu_) {
        Refill(q, now);
        if (rate) {
          q.tokens = options_.rate ? std::min(q.tokens, rate->burst) : rate->burst;
          q.refilled = now;
        }
      };
      if (single_) adjust(*single_);
      for (auto& [key, q] : keys_) adjust(q);
      options_.rate = rate;
      stats_.rate = rate;
    }
    if (update.max_concurrency) {
      options_.max_concurrency = std::max<std::int64_t>(0, *update.max_concurrency);
      stats_.max_concurrency = options_.max_concurrency;
    }
    if (update.capacity) {
      options_.capacity = std::max<std::int64_t>(0, *update.capacity);
      stats_.capacity = options_.capacity;
    }
    PumpAll(now, out);  // once, with every setting in force
  }
  out.Run();
}

void LaneGroup::SetMaxConcurrency(std::int64_t max_concurrency) { Update({.max_concurrency = max_concurrency}); }

void LaneGroup::SetCapacity(std::int64_t capacity) { Update({.capacity = capacity}); }

void LaneGroup::SetRate(std::optional<RateConfig> rate) {
  LaneUpdate update;
  update.rate.emplace(std::move(rate));  // engaged even when `rate` is empty (no limit)
  Update(update);
}

LaneStats LaneGroup::Stats() const {
  MutexLock lock(mu_);
  LaneStats s = stats_;
  s.keys = keys_.size();
  if (single_ && options_.rate) {
    Clock::SteadyTime now = Now();
    double elapsed = now > single_->refilled ? Seconds(now - single_->refilled) : 0;
    s.tokens = std::min(options_.rate->burst,
                        single_->tokens + elapsed * options_.rate->per_second);
  }
  return s;
}

std::size_t LaneGroup::key_count() const {
  MutexLock lock(mu_);
  return keys_.size();
}

}  // namespace goclaw::lane
