// The shard journal: dirty runs -> one store batch per flush, one flush in flight.
#include "goclaw/engine/journal.h"

#include "goclaw/engine/task_log.h"

#include <algorithm>

#include "goclaw/engine/run_records.h"

namespace goclaw::engine::internal {

namespace {
constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
}  // namespace

ShardJournal::ShardJournal(store::Store& store, Post post, TimerQueue& timers, const Clock& clock,
                           std::atomic<bool>& healthy, log::Logger logger, OnDurable on_durable)
    : store_(store),
      post_(std::move(post)),
      timers_(timers),
      clock_(clock),
      healthy_(healthy),
      logger_(std::move(logger)),
      on_durable_(std::move(on_durable)) {}

void ShardJournal::List(WorkflowRun& run) {
  if (!run.in_journal) {
    run.in_journal = true;
    dirty_.push_back(&run);
  }
  ScheduleFlush();
}

void ShardJournal::Touch(WorkflowRun& run) {
  on_shard_.Assume();
  List(run);
}

void ShardJournal::TouchTask(WorkflowRun& run, std::uint32_t task) {
  on_shard_.Assume();
  TaskRun& t = run.tasks[task];
  if (!t.dirty) {
    t.dirty = true;
    run.dirty_tasks.push_back(task);
  }
  List(run);
}

void ShardJournal::TouchSignal(WorkflowRun& run, std::uint64_t seq) {
  on_shard_.Assume();
  run.signals->Touch(static_cast<std::uint32_t>(seq - 1));
  List(run);
}

void ShardJournal::TouchRecord(WorkflowRun& run) {
  on_shard_.Assume();
  run.record_dirty = true;
  List(run);
}

void ShardJournal::WhenDurable(Done done) {
  on_shard_.Assume();
  if (retry_armed_) {  // the store is failing: acknowledge nothing until it writes again
    done(MakeError(ErrorCode::kUnavailable, "the store cannot write (retrying); nothing was acknowledged"));
    return;
  }
  if (!dirty_.empty()) {
    next_waiters_.push_back(std::move(done));
    ScheduleFlush();
  } else if (in_flight_) {
    in_flight_waiters_.push_back(std::move(done));
  } else {
    done(OkStatus());
  }
}

// Posted, not run now: everything the shard does in this turn of its loop joins the batch.
void ShardJournal::ScheduleFlush() {
  if (flush_posted_ || in_flight_ || retry_armed_) return;
  flush_posted_ = true;
  post_([this] {
    on_shard_.Assume();
    flush_posted_ = false;
    Flush();
  });
}

void ShardJournal::Flush() {
  if (in_flight_ || retry_armed_ || dirty_.empty()) return;
  changes_ = 0;
  store::StoreBatch batch;
  std::vector<Written> written;
  written.reserve(dirty_.size());
  for (WorkflowRun* run : dirty_) {
    Written w{run, run->events_written, run->events.size(), {}, run->record_dirty};
    if (run->record_dirty) batch.workflows.push_back(WorkflowRecordOf(*run));
    for (std::uint32_t i : run->dirty_tasks) {
      batch.tasks.push_back(TaskRecordOf(*run, i));
      run->tasks[i].dirty = false;
      if (const TaskLog* log = run->LogOf(i)) {  // with the task's record, whole
        batch.mutations.push_back(store::TableMutation::Put(std::string(kTaskLogTable), LogKey(run->id, i), EncodeLog(*log)));
      }
    }
    if (run->signals) {
      for (std::uint32_t k : run->signals->dirty) {
        RunSignal& signal = run->signals->list[k];
        signal.dirty = false;
        batch.mutations.push_back(store::TableMutation::Put(std::string(kSignalTable), SignalKey(run->id, signal.seq),
                                                            EncodeSignal(signal)));
      }
      w.signals = std::move(run->signals->dirty);
      run->signals->dirty.clear();
    }
    for (std::size_t k = run->events_written; k < run->events.size(); ++k) {
      batch.events.push_back(EventRecordOf(*run, k));
    }
    run->events_written = run->events.size();
    w.tasks = std::move(run->dirty_tasks);
    run->dirty_tasks.clear();
    run->record_dirty = false;
    run->in_journal = false;
    written.push_back(std::move(w));
  }
  dirty_.clear();
  in_flight_ = true;
  in_flight_waiters_ = std::move(next_waiters_);
  next_waiters_.clear();
  // The store calls back on its own thread: only posting to the shard is allowed there.
  store_.Commit(std::move(batch), [this, written = std::move(written)](Status status) mutable {
    post_([this, status = std::move(status), written = std::move(written)]() mutable {
      on_shard_.Assume();
      std::vector<Done> waiters = std::move(in_flight_waiters_);
      in_flight_waiters_.clear();
      Committed(std::move(status), std::move(written), std::move(waiters));
    });
  });
}

void ShardJournal::Committed(Status status, std::vector<Written> written, std::vector<Done> waiters) {
  in_flight_ = false;
  if (status) {
    if (!healthy_.exchange(true)) logger_.Info("the store accepts writes again");
    backoff_ = std::chrono::milliseconds(0);
    if (on_durable_) {
      for (const Written& w : written) {
        if (w.events_to > w.events_from) on_durable_(*w.run, w.events_from, w.events_to);
      }
    }
    for (Done& d : waiters) d(OkStatus());
    if (!dirty_.empty()) Flush();
    return;
  }
  // Nothing of the batch was applied: mark it all again (later changes of the same runs are
  // already marked; the next batch writes their current records and every unwritten event).
  if (healthy_.exchange(false)) logger_.Error("store write failed; retrying: {}", status.error().message());
  for (Written& w : written) {
    WorkflowRun& run = *w.run;
    run.events_written = std::min(run.events_written, w.events_from);
    for (std::uint32_t i : w.tasks) {
      if (!run.tasks[i].dirty) {
        run.tasks[i].dirty = true;
        run.dirty_tasks.push_back(i);
      }
    }
    run.record_dirty |= w.record;
    for (std::uint32_t k : w.signals) run.signals->Touch(k);
    if (!run.in_journal) {
      run.in_journal = true;
      dirty_.push_back(&run);
    }
  }
  Error e(ErrorCode::kUnavailable, "the store cannot write: " + status.error().message());
  for (Done& d : waiters) d(MakeError(e));
  backoff_ = std::clamp(backoff_ * 2, kFirstBackoff, kMaxBackoff);
  retry_armed_ = true;
  timers_.At(clock_.SteadyNow() + backoff_, [this] {
    post_([this] {
      on_shard_.Assume();
      retry_armed_ = false;
      Flush();
    });
  });
}

}  // namespace goclaw::engine::internal
