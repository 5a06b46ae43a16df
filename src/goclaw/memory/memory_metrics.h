// The memory hub's metrics for /metrics (metrics/collector_registry.h):
//   goclaw_memory_sessions, goclaw_memory_items, goclaw_memory_vectors, goclaw_memory_terms,
//   goclaw_memory_bytes (gauges); goclaw_memory_memorized_total, goclaw_memory_forgotten_total,
//   goclaw_memory_reviews_total (counters); goclaw_memory_retrieve_seconds{mode} (histogram);
//   goclaw_memory_load_seconds (the index rebuild at start).
//
// Thread-safety: the collector runs on the scraping thread; the hub must outlive it.
#pragma once

#include "goclaw/memory/memory_hub.h"
#include "goclaw/metrics/collector_registry.h"

namespace goclaw::memory {

metrics::Collector MemoryCollector(MemoryHub& hub);

}  // namespace goclaw::memory
