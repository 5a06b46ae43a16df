// The goclaw_worker* families (worker_metrics.h).
#include "goclaw/worker/worker_metrics.h"

namespace goclaw::worker {

void WriteWorkerMetrics(metrics::TextWriter& w, const HubCounters& c) {
  w.Family("goclaw_workers_connected", "gauge", "Pull workers connected now.");
  w.Sample("goclaw_workers_connected", {}, static_cast<double>(c.connected));
  w.Family("goclaw_worker_attempts_held", "gauge",
           "Remote attempts held by connected workers now.");
  w.Sample("goclaw_worker_attempts_held", {}, static_cast<double>(c.held));
  w.Family("goclaw_worker_queue_waiting", "gauge",
           "Remote attempts waiting for a worker of their queue.");
  for (const auto& [queue, n] : c.waiting) {
    w.Sample("goclaw_worker_queue_waiting", {{"queue", queue}}, static_cast<double>(n));
  }
  w.Family("goclaw_worker_assignments_total", "counter", "Remote attempts pushed to a worker.");
  w.Sample("goclaw_worker_assignments_total", {}, static_cast<double>(c.assignments));
  w.Family(
      "goclaw_worker_reassignments_total", "counter",
      "Remote attempts lost with their worker (missed heartbeats, stream closed); they run again.");
  w.Sample("goclaw_worker_reassignments_total", {}, static_cast<double>(c.reassignments));
  w.Family(
      "goclaw_worker_lost_for_good_total", "counter",
      "Tasks failed because their attempts were lost more than workers.max_lost_attempts times.");
  w.Sample("goclaw_worker_lost_for_good_total", {}, static_cast<double>(c.lost_for_good));
  w.Family(
      "goclaw_worker_results_total", "counter",
      "Results from workers: accepted, or refused because the sender did not hold the attempt.");
  w.Sample("goclaw_worker_results_total", {{"outcome", "accepted"}},
           static_cast<double>(c.results_accepted));
  w.Sample("goclaw_worker_results_total", {{"outcome", "refused"}},
           static_cast<double>(c.results_refused));
}

metrics::Collector WorkerCollector(const WorkerHub& hub) {
  return [&hub](metrics::TextWriter& w) { WriteWorkerMetrics(w, hub.Counters()); };
}

}  // namespace goclaw::worker
