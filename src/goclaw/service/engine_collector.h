// The engine's metrics for /metrics: workflows and tasks by state (now and entered), workflows
// held in memory, and the attempt duration and queue wait histograms by task type and lane
// (engine/engine_metrics.h). Lives here rather than in engine/ so that the engine stays free of
// the exposition format; the server's wiring registers it.
//
// Thread-safety: the collector may run on any thread but not from an inline function (it visits
// every shard); the engine must outlive it.
#pragma once

#include "goclaw/engine/engine.h"
#include "goclaw/engine/engine_metrics.h"
#include "goclaw/metrics/collector_registry.h"
#include "goclaw/metrics/text_format.h"

namespace goclaw::service {

// goclaw_workflows, goclaw_workflows_entered_total, goclaw_workflows_in_memory, goclaw_tasks,
// goclaw_tasks_entered_total (by state), goclaw_task_duration_seconds and
// goclaw_task_queue_wait_seconds (histograms by type and lane).
void WriteEngineMetrics(metrics::TextWriter& w, const engine::EngineMetrics& m);

metrics::Collector EngineCollector(engine::Engine& engine);

}  // namespace goclaw::service
