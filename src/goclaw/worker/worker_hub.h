// WorkerHub: the transport-free core of pull workers (docs/design/workers.md). Attempts of
// `type: remote` tasks come in from the remote executor (Submit) and wait, first in first out,
// in their queue; connected workers (Connect, with a WorkerLink each) get them pushed while
// they have free credits — never more at once than the capacity they announced, to the worker
// of the queue with the most free credits (round robin among equals). A result frees the
// credit and the next waiting attempt is pushed at once: flow control, not polling.
//
//   worker reports    OnHeartbeat / OnProgress / OnLog / OnAck / OnResult, each quoting an
//                     attempt id the worker holds (else refused: fencing); any message counts
//                     as a sign of life
//   loss              a worker silent for workers.heartbeat_timeout (an injected clock and
//                     timer queue measure it), or whose stream ended (Disconnect), is removed:
//                     each attempt it held ends as AttemptResult::Lost and the engine runs the
//                     task again as its next attempt — unless that task's attempts were lost
//                     more than workers.max_lost_attempts times, then it fails for good
//   cancel            an attempt's channel cancelled (workflow cancel, timeout, interrupt,
//                     engine stop): a waiting attempt leaves its queue; a held one gets an
//                     AttemptCancel pushed to its worker, which gets the credit back; `done`
//                     gets a cancelled failure and a later result is refused
//   signals           the channel's messages go to the holding worker as AttemptSignal (kept
//                     while the attempt waits, sent right after its Assignment)
//
// Every attempt's `done` is called exactly once, never with the hub's lock held.
//
// Thread-safety: every method may be called from any thread; one mutex guards the state.
// WorkerLink::Send/Close run under it (links only queue). Create it with Create (callbacks the
// hub leaves on channels and timers hold a weak reference, so they are harmless once it is gone).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/config/config.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/core/unique_function.h"
#include "goclaw/core/uuid.h"
#include "goclaw/exec/attempt_channel.h"
#include "goclaw/exec/executor.h"
#include "goclaw/log/log.h"
#include "goclaw/worker/worker_protocol.h"

namespace goclaw::worker {

struct HubOptions {
  config::WorkersConfig config;
  const Clock* clock = nullptr;  // required
  TimerQueue* timers = nullptr;  // required: heartbeat deadlines; must outlive the hub's use
  log::Logger logger;
  std::uint64_t seed = 0;  // worker ids; 0: random
};

// For status pages (the lead's REST/admin routes) and tests.
struct WorkerSnapshot {
  std::string id;
  std::string name;
  std::vector<std::string> queues;
  std::map<std::string, std::string> labels;
  std::int64_t capacity = 0;
  std::int64_t free_credits = 0;
  Clock::WallTime connected_at;
  Millis silent_for{0};               // since the worker was last heard
  std::vector<std::string> attempts;  // the attempt ids it holds, sorted
};
struct QueueSnapshot {
  std::string name;
  std::size_t waiting = 0;        // attempts waiting for a worker
  std::size_t workers = 0;        // connected workers serving it
  std::int64_t free_credits = 0;  // their free credits together
};
struct HubSnapshot {
  std::vector<WorkerSnapshot> workers;  // by name, then id
  std::vector<QueueSnapshot> queues;    // by name
};
// {"workers": [{id, name, queues, labels, capacity, free_credits, connected_at, silent_ms,
// attempts}], "queues": [{name, waiting, workers, free_credits}]}
boost::json::value SnapshotToJson(const HubSnapshot& snapshot);

struct HubCounters {
  std::int64_t connected = 0;       // workers now
  std::int64_t held = 0;            // attempts held by workers now
  std::uint64_t assignments = 0;    // attempts pushed to a worker
  std::uint64_t reassignments = 0;  // attempts lost with their worker (they run again)
  std::uint64_t lost_for_good = 0;  // of those, past workers.max_lost_attempts (task failed)
  std::uint64_t results_accepted = 0;
  std::uint64_t results_refused = 0;           // fenced: not held by the sender
  std::map<std::string, std::size_t> waiting;  // per queue (queues with a worker or a waiter)
};

class WorkerHub : public std::enable_shared_from_this<WorkerHub> {
 public:
  static std::shared_ptr<WorkerHub> Create(HubOptions options);
  ~WorkerHub();
  WorkerHub(const WorkerHub&) = delete;
  WorkerHub& operator=(const WorkerHub&) = delete;

  const config::WorkersConfig& config() const { return options_.config; }

  // ---- the transport's side: one call per worker message ----
  // Registers a worker (its Hello checked: CheckHello) and returns its id; the Welcome, then
  // the attempts waiting in its queues, are sent on `link` before this returns.
  // kInvalidArgument for a bad Hello (field paths), kResourceExhausted past
  // workers.max_workers, kUnavailable once Shutdown began.
  Result<std::string> Connect(Hello hello, std::shared_ptr<WorkerLink> link);
  // The worker's stream ended: it is removed and its attempts are lost (see above). `why` ends
  // up in their error ("its stream closed"). Unknown ids are ignored.
  void Disconnect(const std::string& worker_id, std::string_view why);
  // Each returns whether the report reached the attempt's channel (false: unknown worker, or an
  // attempt it does not hold — refused, never seen by the engine).
  bool OnHeartbeat(const std::string& worker_id);
  bool OnProgress(const std::string& worker_id, const std::string& attempt_id, double fraction,
                  std::string_view message);
  bool OnLog(const std::string& worker_id, const std::string& attempt_id, std::string_view stream,
             std::string_view text);
  bool OnAck(const std::string& worker_id, const std::string& attempt_id, std::uint64_t seq);
  // Ends the attempt with the worker's result and answers ResultAck (accepted or, fenced,
  // refused with the reason); the freed credit takes the next waiting attempt.
  bool OnResult(const std::string& worker_id, WorkerResult result);

  // ---- the remote executor's side ----
  // Queues an attempt (work.attempt_id and work.queue set) until a worker of its queue has a
  // free credit; `done` is called exactly once — except after Shutdown, when the attempt is
  // not started and `done` is never called (failing it would spend a retry, or fail the task,
  // because goclaw stops; the engine abandons it as it stops, and recovery runs it again).
  void Submit(Assignment work, std::shared_ptr<exec::AttemptChannel> channel,
              exec::AttemptDone done);

  // ---- the transport's deadline for a stream's Hello ----
  // Calls `expired` on the timer thread once workers.heartbeat_timeout has passed, the time a
  // stream has to say hello (worker_grpc_service.h ends it if it has not). Nothing is armed
  // after Shutdown (the transport's EndStreams ends what is left then).
  void AfterHelloTimeout(UniqueFunction<void()> expired);

  // From now on cancels tell workers "shutdown" instead of "cancelled" (the engine cancels
  // what runs when it stops). Nothing else changes.
  void BeginShutdown();
  // Final and idempotent: refuses new workers and attempts; held attempts get an
  // AttemptCancel "shutdown"; every waiting and held attempt ends as lost (an engine that is
  // draining keeps the task queued for the next start); every worker stream is closed with
  // kUnavailable. No `done` is called once it returns.
  void Shutdown();

  HubSnapshot Snapshot() const;
  HubCounters Counters() const;

 private:
  // One attempt, waiting (holder empty) or held by a worker.
  struct Entry {
    Assignment work;
    std::string task_key;  // "workflow/task": lost attempts are counted per task
    std::shared_ptr<exec::AttemptChannel> channel;
    exec::AttemptDone done;
    std::uint64_t seq = 0;                     // arrival order, across queues
    std::string holder;                        // the worker's id
    std::vector<AttemptSignal> early_signals;  // sent while waiting; pushed after the Assignment
  };
  struct Worker {
    std::string id;
    Hello hello;  // queues without repeats
    std::int64_t free = 0;
    std::shared_ptr<WorkerLink> link;
    Clock::SteadyTime last_heard;
    Clock::WallTime connected_at;
    std::set<std::string> held;
    bool timer_armed = false;
  };
  struct Queue {
    std::map<std::uint64_t, std::string> waiting;  // seq -> attempt id: FIFO, O(log n) cancel
    std::vector<std::string> workers;              // ids of connected workers serving it
    std::size_t next = 0;                          // round robin among equally free workers
  };
  class Effects;  // what runs once the lock is released

  explicit WorkerHub(HubOptions options);
  Worker* FindWorker(const std::string& id);
  // The attempt when `worker` holds it; otherwise nullptr and `why` says what it is instead.
  Entry* HeldBy(const Worker& worker, const std::string& attempt_id, std::string* why);
  // A report's channel: the attempt's when `worker_id` holds it (the worker's last-heard time
  // is updated either way), else null. Takes the lock.
  std::shared_ptr<exec::AttemptChannel> HeldChannel(const std::string& worker_id, const std::string& attempt_id);
  void Assign(Entry& entry, Worker& worker, Effects& fx);
  void DispatchQueue(const std::string& queue, Effects& fx);
  void DispatchWorker(Worker& worker, Effects& fx);
  void Release(Worker& worker, const std::string& attempt_id);
  void LoseWorker(Worker& worker, const std::string& why, Effects& fx);
  void ForgetQueueIfIdle(const std::string& queue);
  void ArmTimer(Worker& worker);
  void OnTimer(const std::string& worker_id);
  void Cancel(const std::string& attempt_id);
  void Signal(const std::string& attempt_id, const exec::ChannelMessage& message);
  void Run(Effects& fx, std::unique_lock<std::mutex>& lock);

  const HubOptions options_;
  mutable std::mutex mu_;
  std::condition_variable effects_done_;
  UuidGenerator ids_;
  bool stopping_ = false;    // BeginShutdown
  bool shut_down_ = false;   // Shutdown
  int running_effects_ = 0;  // threads running callbacks outside the lock (Shutdown waits)
  std::uint64_t next_seq_ = 0;
  std::unordered_map<std::string, std::unique_ptr<Entry>> attempts_;
  std::unordered_map<std::string, std::unique_ptr<Worker>> workers_;
  std::map<std::string, Queue, std::less<>> queues_;    // queues with a worker or a waiting attempt
  std::unordered_map<std::string, std::int64_t> lost_;  // "workflow/task" -> attempts lost so far
  HubCounters counters_;
};

}  // namespace goclaw::worker
