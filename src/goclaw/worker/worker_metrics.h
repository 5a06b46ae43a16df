// The pull workers' metrics for /metrics: goclaw_workers_connected, goclaw_worker_attempts_held
// (gauges), goclaw_worker_queue_waiting{queue} (attempts waiting for a worker, per queue),
// goclaw_worker_assignments_total, goclaw_worker_reassignments_total (attempts lost with their
// worker, which run again), goclaw_worker_lost_for_good_total (tasks failed for losing too many)
// and goclaw_worker_results_total{outcome="accepted"|"refused"} (counters).
//
// Thread-safety: the collector may run on any thread; the hub must outlive it.
#pragma once

#include "goclaw/metrics/collector_registry.h"
#include "goclaw/worker/worker_hub.h"

namespace goclaw::worker {

void WriteWorkerMetrics(metrics::TextWriter& w, const HubCounters& c);
metrics::Collector WorkerCollector(const WorkerHub& hub);

}  // namespace goclaw::worker
