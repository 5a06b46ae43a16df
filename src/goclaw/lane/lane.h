// Lanes: named admission queues that decide when admitted work may run (DESIGN.md §4).
//
// A lane has a concurrency cap (`max_concurrency` items run at once), a token bucket (`rate`:
// an item costing c takes c tokens), a `capacity` of items that may wait, and a policy for
// when that is full (`on_full`): block the submitter until there is room, drop with an error,
// or redirect to another lane. Waiting items are served by priority (higher first) and FIFO
// among equals by a sequence number; an item is never lost or overtaken by a lower-priority one.
//
// A `LaneGroup` is either one lane ("web") or a template of keyed lanes ("session:*"): each key
// ("session:user-42") gets its own queue, created on first use and evicted when idle, so an idle
// key costs nothing. Keys share the template's settings and statistics.
//
// Admission is asynchronous: Acquire() takes a callback that runs exactly once with a Permit
// (the item may run; destroying the Permit frees its slot) or an error. No thread waits per
// item. Callbacks run on whichever thread admitted the item — the caller's thread when there
// was room, the thread that released a slot, or the timer thread for token refills and
// deadlines — and never while the lane's lock is held, so they may call back into lanes.
//
// Thread-safety: all methods may be called from any thread. One mutex per LaneGroup guards
// all of its queues and statistics; it is never held while user callbacks run (annotated for
// clang's thread-safety analysis: `make thread-safety`).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "goclaw/config/config.h"
#include "goclaw/core/adaptive_mutex.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/status.h"
#include "goclaw/core/thread_annotations.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/core/unique_function.h"
#include "goclaw/lane/permit.h"
#include "goclaw/metrics/histogram.h"

namespace goclaw::lane {

using LaneOptions = config::LaneConfig;
using config::OnFull;
using config::RateConfig;

struct AcquireRequest {
  std::int64_t priority = 0;  // higher is admitted first
  double cost = 1;            // tokens taken from the rate bucket
  std::optional<Clock::SteadyTime> deadline;  // give up (with an error) if not admitted by then
};

using AcquireCallback = UniqueFunction<void(Result<Permit>)>;

enum class CloseMode {
  kDrain,   // refuse new items; waiting items are still admitted as slots free up
  kCancel,  // refuse new items; every waiting item fails with kCancelled now
};

// Counters since the lane was created, and current levels. For a template, sums over its keys.
struct LaneStats {
  std::string name;
  bool keyed = false;
  std::size_t keys = 0;  // live keys of a template
  std::int64_t max_concurrency = 0;
  std::int64_t capacity = 0;
  std::optional<RateConfig> rate;
  OnFull on_full = OnFull::kBlock;
  bool closed = false;

  std::uint64_t accepted = 0;    // taken in: admitted at once, queued or blocked
  std::uint64_t admitted = 0;    // got a permit
  std::uint64_t dropped = 0;     // refused because full (on_full: drop)
  std::uint64_t redirected = 0;  // sent to the redirect lane because full
  std::uint64_t rejected = 0;    // refused for other reasons: closed, bad cost, deadline passed
  std::uint64_t cancelled = 0;   // waiting items cancelled (by their ticket or by Close)
  std::int64_t running = 0;      // permits held
  std::int64_t waiting = 0;      // queued for a slot or tokens
  std::int64_t blocked = 0;      // waiting for room in the queue (on_full: block)
  double tokens = 0;             // in the bucket now (single lanes with a rate)
  metrics::Histogram wait;       // time from Acquire to admission
};

// Several runtime changes at once (PATCH /api/v1/lanes/{name}). Applied under one lock with one
// admission pass at the end, so a new rate is in force before a raised concurrency admits
// anything: no burst slips through between the changes.
struct LaneUpdate {
  std::optional<std::int64_t> max_concurrency;
  std::optional<std::int64_t> capacity;
  std::optional<std::optional<RateConfig>> rate;  // an empty inner optional removes the limit
};

class LaneGroup;

// A pending acquisition. Cancel() makes its callback run with kCancelled if it was still
// waiting; it returns false (and does nothing) once the item was admitted or failed.
class Ticket {
 public:
  Ticket() = default;
  bool Cancel();
  bool empty() const { return seq_ == 0; }

 private:
  friend class LaneGroup;
  std::weak_ptr<LaneGroup> group_;
  std::string key_;
  std::uint64_t seq_ = 0;
  std::uint32_t slot_ = 0;
};

namespace internal {
struct LaneQueue;
}

class LaneGroup : public std::enable_shared_from_this<LaneGroup> {
 public:
  // `order` places the lane in the global acquisition order (see multi_acquire.h).
  static std::shared_ptr<LaneGroup> Create(const LaneOptions& options, const Clock& clock,
                                           TimerQueue& timers, std::uint32_t order);
  ~LaneGroup();
  LaneGroup(const LaneGroup&) = delete;
  LaneGroup& operator=(const LaneGroup&) = delete;

  const std::string& name() const { return name_; }
  bool keyed() const { return keyed_; }
  std::uint32_t order() const { return order_; }
  // "web", or "session:user-42" for a key of "session:*".
  std::string DisplayName(std::string_view key) const;

  // `key` selects the queue of a template and must be empty for a single lane.
  // Runs `done` exactly once: before returning when the item is admitted or refused at once,
  // later otherwise. The returned ticket can cancel a waiting item.
  Ticket Acquire(std::string_view key, const AcquireRequest& request, AcquireCallback done)
      GOCLAW_EXCLUDES(mu_);
  // Admits only if that can happen now without overtaking anyone; never queues.
  std::optional<Permit> TryAcquire(std::string_view key, const AcquireRequest& request)
      GOCLAW_EXCLUDES(mu_);

  // Idempotent; kCancel after kDrain cancels what is still waiting.
  void Close(CloseMode mode) GOCLAW_EXCLUDES(mu_);

  // Runtime changes; queued items are kept, and admitted if the change makes room.
  void Update(const LaneUpdate& update) GOCLAW_EXCLUDES(mu_);
  void SetMaxConcurrency(std::int64_t max_concurrency) GOCLAW_EXCLUDES(mu_);
  void SetCapacity(std::int64_t capacity) GOCLAW_EXCLUDES(mu_);
  void SetRate(std::optional<RateConfig> rate) GOCLAW_EXCLUDES(mu_);

  LaneStats Stats() const GOCLAW_EXCLUDES(mu_);
  std::size_t key_count() const GOCLAW_EXCLUDES(mu_);

  // Where items go when full and on_full is redirect (set by the registry).
  void set_redirect_target(std::shared_ptr<LaneGroup> target) GOCLAW_EXCLUDES(mu_);

 private:
  friend class Permit;
  friend class Ticket;
  struct Completions;

  LaneGroup(const LaneOptions& options, const Clock& clock, TimerQueue& timers,
            std::uint32_t order);

  Ticket AcquireWithHops(std::string_view key, const AcquireRequest& request,
                         AcquireCallback done, int hops) GOCLAW_EXCLUDES(mu_);
  void Release(internal::LaneQueue* queue) GOCLAW_EXCLUDES(mu_);
  bool CancelTicket(const std::string& key, std::uint64_t seq, std::uint32_t slot)
      GOCLAW_EXCLUDES(mu_);
  void OnTimer(const std::string& key) GOCLAW_EXCLUDES(mu_);

  // All below run with mu_ held. The queues (internal::LaneQueue) are reached only through
  // single_ and keys_, so mu_ guards them too.
  internal::LaneQueue* FindQueue(std::string_view key) GOCLAW_REQUIRES(mu_);
  internal::LaneQueue& QueueFor(std::string_view key) GOCLAW_REQUIRES(mu_);
  void Refill(internal::LaneQueue& q, Clock::SteadyTime now) GOCLAW_REQUIRES(mu_);
  void Pump(internal::LaneQueue& q, Clock::SteadyTime now, Completions& out)
      GOCLAW_REQUIRES(mu_);
  void Expire(internal::LaneQueue& q, Clock::SteadyTime now, Completions& out)
      GOCLAW_REQUIRES(mu_);
  // Pump and ScheduleWake for every queue, after a settings change.
  void PumpAll(Clock::SteadyTime now, Completions& out) GOCLAW_REQUIRES(mu_);
  void ScheduleWake(internal::LaneQueue& q, Clock::SteadyTime now) GOCLAW_REQUIRES(mu_);
  void MaybeEvict(internal::LaneQueue& q) GOCLAW_REQUIRES(mu_);
  Clock::SteadyTime Now() const { return clock_.SteadyNow(); }
  std::string FullMessage(const internal::LaneQueue& q) const GOCLAW_REQUIRES(mu_);

  const std::string name_;
  const bool keyed_;
  const std::uint32_t order_;
  const Clock& clock_;
  TimerQueue& timers_;

  mutable AdaptiveMutex mu_;
  LaneOptions options_ GOCLAW_GUARDED_BY(mu_);  // current settings (changed at runtime by Set*)
  bool closed_ GOCLAW_GUARDED_BY(mu_) = false;
  std::uint64_t next_seq_ GOCLAW_GUARDED_BY(mu_) = 1;
  std::shared_ptr<LaneGroup> redirect_ GOCLAW_GUARDED_BY(mu_);
  LaneStats stats_ GOCLAW_GUARDED_BY(mu_);
  // The queue of a single lane (set once, by the constructor; its contents are guarded).
  std::unique_ptr<internal::LaneQueue> single_ GOCLAW_PT_GUARDED_BY(mu_);
  // Queues of a template.
  std::unordered_map<std::string, internal::LaneQueue> keys_ GOCLAW_GUARDED_BY(mu_);
};

}  // namespace goclaw::lane
