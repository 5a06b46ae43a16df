// Internal: a shard's write-behind journal. The scheduler marks what changed (a run's new
// events, tasks and workflow record); the journal turns everything marked during one turn of
// the shard's loop into one store Commit, with at most one Commit of this shard in flight.
// While one is in flight, changes accumulate for the next, so a busy shard writes big
// batches and an idle one writes at once (group commit in the store then folds the shards'
// and the submits' commits into one write and one fsync).
//
// Task execution does not wait for the journal (at-least-once: after a crash, attempts whose
// completion was not durable run again). Acknowledgements do: WhenDurable(fn) runs fn once
// everything marked so far is durable, or with the error that stopped it.
//
// A failed Commit (a full disk) marks its runs dirty again, fails its waiters with
// kUnavailable, and retries after a backoff (100 ms doubling to 5 s): nothing that was in it
// is lost while the process lives, and it is written once the store accepts writes again.
//
// Thread-safety: every method runs on the shard thread; store callbacks are posted back to it.
// No lock: the state is the shard's, which the `on_shard_` role (core/mutex.h) tells clang's
// thread-safety analysis, so code running on the store's or the timer's thread cannot touch it.
// Runs listed as dirty must stay alive until they are written (eviction waits for WhenDurable).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "goclaw/core/clock.h"
#include "goclaw/core/mutex.h"
#include "goclaw/core/status.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/core/unique_function.h"
#include "goclaw/engine/workflow_run.h"
#include "goclaw/log/log.h"
#include "goclaw/store/store.h"

namespace goclaw::engine::internal {

class ShardJournal {
 public:
  using Post = std::function<void(UniqueFunction<void()>)>;  // runs a closure on the shard
  using Done = UniqueFunction<void(Status)>;

  // Events [from, to) of a run were committed (called on the shard, before WhenDurable's).
  using OnDurable = std::function<void(WorkflowRun& run, std::size_t from, std::size_t to)>;

  // `healthy` is shared by every shard: false from a failed write until the next good one.
  ShardJournal(store::Store& store, Post post, TimerQueue& timers, const Clock& clock,
               std::atomic<bool>& healthy, log::Logger logger, OnDurable on_durable = {});
  ShardJournal(const ShardJournal&) = delete;
  ShardJournal& operator=(const ShardJournal&) = delete;

  // The run has new events (always written from run.events_written on).
  void Touch(WorkflowRun& run);
  // Counts one more change; a shard that stays busy (a long chain of synchronous completions
  // never yields to the posted flush) flushes every kFlushEvery changes, so the store writes
  // while the shard keeps working.
  void Counted() {
    on_shard_.Assume();
    if (++changes_ >= kFlushEvery) Flush();
  }
  void TouchTask(WorkflowRun& run, std::uint32_t task);
  void TouchRecord(WorkflowRun& run);
  // Signal `seq` of the run changed (run_signals.h); its record is written whole.
  void TouchSignal(WorkflowRun& run, std::uint64_t seq);

  // Runs `done` on the shard thread once everything touched so far is durable.
  void WhenDurable(Done done);

  // Nothing waits to be written and nothing is in flight.
  bool idle() const {
    on_shard_.Assume();
    return dirty_.empty() && !in_flight_;
  }

 private:
  struct Written {  // what one Commit carried, to mark again if it fails
    WorkflowRun* run;
    std::size_t events_from;
    std::size_t events_to;
    std::vector<std::uint32_t> tasks;
    bool record;
    std::vector<std::uint32_t> signals = {};
  };

  void List(WorkflowRun& run) GOCLAW_REQUIRES(on_shard_);
  void ScheduleFlush() GOCLAW_REQUIRES(on_shard_);
  void Flush() GOCLAW_REQUIRES(on_shard_);
  void Committed(Status status, std::vector<Written> written, std::vector<Done> waiters)
      GOCLAW_REQUIRES(on_shard_);

  store::Store& store_;
  Post post_;
  TimerQueue& timers_;
  const Clock& clock_;
  std::atomic<bool>& healthy_;
  log::Logger logger_;
  OnDurable on_durable_;

  static constexpr std::size_t kFlushEvery = 32768;
  ThreadRole on_shard_;  // held by code running on the shard thread
  std::size_t changes_ GOCLAW_GUARDED_BY(on_shard_) = 0;  // since the last flush
  std::vector<WorkflowRun*> dirty_ GOCLAW_GUARDED_BY(on_shard_);
  // Satisfied by the next Commit, and by the one in flight.
  std::vector<Done> next_waiters_ GOCLAW_GUARDED_BY(on_shard_);
  std::vector<Done> in_flight_waiters_ GOCLAW_GUARDED_BY(on_shard_);
  bool in_flight_ GOCLAW_GUARDED_BY(on_shard_) = false;
  bool flush_posted_ GOCLAW_GUARDED_BY(on_shard_) = false;
  bool retry_armed_ GOCLAW_GUARDED_BY(on_shard_) = false;
  std::chrono::milliseconds backoff_ GOCLAW_GUARDED_BY(on_shard_){0};
};

}  // namespace goclaw::engine::internal
