// The lanes' metrics for /metrics (the goclaw_lane_* families, labelled by lane): a collector
// over a registry's live statistics (LaneRegistry::Snapshot), registered by the server's wiring.
//
// Thread-safety: the collector may run on any thread (Snapshot locks each lane in turn); the
// registry must outlive it.
#pragma once

#include <vector>

#include "goclaw/lane/lane.h"
#include "goclaw/lane/registry.h"
#include "goclaw/metrics/collector_registry.h"
#include "goclaw/metrics/text_format.h"

namespace goclaw::lane {

// goclaw_lane_running, _waiting, _blocked, _max_concurrency, _capacity, _keys (gauges),
// _admitted_total, _dropped_total, _redirected_total, _rejected_total, _cancelled_total
// (counters) and goclaw_lane_wait_seconds (histogram), one series per lane.
void WriteLaneMetrics(metrics::TextWriter& w, const std::vector<LaneStats>& lanes);

metrics::Collector LaneCollector(const LaneRegistry& lanes);

}  // namespace goclaw::lane
