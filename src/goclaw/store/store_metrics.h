// The store's metrics for /metrics (the goclaw_store_* families, labelled by kind): a
// collector over Store::Stats, registered by the server's wiring.
//
// Thread-safety: the collector may run on any thread (Stats is); the store and `healthy` must
// outlive it.
#pragma once

#include <functional>

#include "goclaw/metrics/collector_registry.h"
#include "goclaw/store/store.h"

namespace goclaw::store {

// goclaw_store_healthy (1 while writes succeed: the engine's view, `healthy`),
// _commits_total, _batches_total, _records_total, _failed_batches_total, _max_batch_commits,
// and the histograms goclaw_store_commit_seconds and goclaw_store_write_seconds.
metrics::Collector StoreCollector(const Store& store, std::function<bool()> healthy);

}  // namespace goclaw::store
