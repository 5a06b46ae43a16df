// A pull worker for goclaw's `type: remote` tasks (WorkerService.Connect, proto/goclaw/v1/
// worker.proto): it connects out to goclaw, says which queues it serves and how many attempts
// it takes at once (its capacity: the credits goclaw fills), runs each assigned attempt with the
// queue's handler on a pool of `capacity` threads, and reports progress, logs and the outcome.
//
//   goclaw::sdk::Worker worker({.target = "127.0.0.1:9090", .name = "gpu-1", .capacity = 4});
//   worker.Handle("research", [](goclaw::sdk::Task& task) {
//     task.Progress(0.5, "searching");
//     return goclaw::sdk::Outcome::Success(R"({"summary": "..."})");
//   });
//   goclaw::Status done = worker.Run();  // blocks until Stop() (any thread, a signal handler)
//
// Connection: a Heartbeat every heartbeat_interval_ms that goclaw's Welcome asked for. When the
// stream breaks, the worker connects again after a capped exponential backoff with jitter
// (backoff.h) and says Hello again. The attempts it held are abandoned: goclaw runs them again
// as new attempts and would refuse their results (it fences by attempt id), so they are
// cancelled locally ("disconnected") and nothing more is sent for them. An attempt goclaw
// cancelled (AttemptCancel: a workflow cancel, the task's timeout, shutdown) has its credit back
// already, so its handler's outcome is not sent either. A ResultAck with accepted=false (a
// result that crossed a cancel, or reached goclaw after it gave the worker up) is logged and
// counted in stats(), never retried.
//
// Run returns OK after Stop(); an error for bad options (a queue name goclaw would refuse,
// capacity out of range, no handler) or when goclaw refuses the worker for good
// (INVALID_ARGUMENT, UNIMPLEMENTED, PERMISSION_DENIED, UNAUTHENTICATED). Everything else
// (no server, a restart, a network cut) is retried until Stop(). Stop closes the stream at
// once (goclaw runs the attempts the worker held again, as new attempts, without using a
// retry), cancels the running handlers ("shutdown"), and Run returns once they have returned.
//
// Thread-safety: Handle before Run, from one thread; Run once; Stop and stats from any thread,
// Stop also from a signal handler (it only sets an atomic flag and posts a semaphore).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "goclaw/core/status.h"
#include "goclaw/sdk/task.h"

namespace goclaw::sdk {

using Handler = std::function<Outcome(Task&)>;

struct WorkerOptions {
  std::string target = "127.0.0.1:9090";  // goclaw's gRPC address
  std::string name;                       // [A-Za-z0-9._:-]{1,128}; empty: "<host>-<pid>"
  int capacity = 1;  // attempts at once, 1..10000 (threads in the handler pool)
  std::map<std::string, std::string> labels;
  std::chrono::milliseconds initial_backoff{250};    // first reconnect delay (before jitter)
  std::chrono::milliseconds max_backoff{30000};      // the cap of the reconnect delay
  std::chrono::milliseconds welcome_timeout{10000};  // no Welcome this long after Hello: reconnect
  std::uint64_t seed = 0;                            // the backoff jitter's seed; 0: from the clock
  // Where the worker's own messages go (connected, reconnecting, refused results); empty:
  // stderr, one line each, prefixed "goclaw worker <name>: ".
  std::function<void(std::string_view)> log;
};

// Counters since the worker was made (a snapshot).
struct WorkerStats {
  bool connected = false;        // welcomed on the current stream
  std::string worker_id;         // goclaw's id for the current (or last) stream
  std::int64_t connections = 0;  // streams goclaw welcomed
  std::int64_t assignments = 0;
  std::int64_t results_sent = 0;
  std::int64_t results_accepted = 0;
  std::int64_t results_refused = 0;     // ResultAck accepted=false
  std::int64_t attempts_abandoned = 0;  // held when a stream broke or the worker stopped
  std::int64_t signals_received = 0;
  std::int64_t reports_dropped = 0;  // progress/log lines dropped while the writer lagged
};

class Worker {
 public:
  explicit Worker(WorkerOptions options);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Serves `queue` with `handler` (a later Handle for the same queue replaces it). Names are
  // checked by Run.
  Worker& Handle(std::string queue, Handler handler);
  Status Run();
  void Stop();
  WorkerStats stats() const;
  const std::string& name() const;  // as given, or the default "<host>-<pid>"

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::sdk
