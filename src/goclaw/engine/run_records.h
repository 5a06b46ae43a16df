// Internal: a workflow run as store records and back (docs/design/storage.md). The engine keeps
// runs in memory; the store keeps one workflow record, one spec record, a record per task that
// left `pending`, and the event history. These functions are the one place that maps between
// them: what the journal writes, what recovery reads, what status queries of evicted
// workflows show.
//
// Thread-safety: pure functions over values the caller owns (a run only on its shard thread).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "goclaw/core/status.h"
#include "goclaw/engine/event.h"
#include "goclaw/engine/types.h"
#include "goclaw/engine/workflow_run.h"
#include "goclaw/store/records.h"

namespace goclaw::engine::internal {

std::int64_t ToMicros(Clock::WallTime t);  // 0 for "not set"
Clock::WallTime FromMicros(std::int64_t us);
std::optional<Clock::WallTime> OptionalTime(Clock::WallTime t);  // nullopt for "not set"

store::WorkflowRecord WorkflowRecordOf(const WorkflowRun& run);
store::TaskRecord TaskRecordOf(const WorkflowRun& run, dag::Plan::Index i);
// The event `k` of run.events (seq event_base + k + 1).
store::EventRecord EventRecordOf(const WorkflowRun& run, std::size_t k);

// Applies stored task records to a freshly built run (tasks without a record stay pending).
// kInternal when a record names a task or state the plan does not have.
Status RestoreTasks(WorkflowRun& run, const std::vector<store::TaskRecord>& tasks);

// The status of a workflow that is no longer in memory, from its records and its compiled plan.
WorkflowStatus StatusFromRecords(const store::WorkflowRecord& w, const dag::Plan& plan,
                                 const boost::json::object& metadata,
                                 const std::vector<store::TaskRecord>& tasks);

Event ToEvent(const store::EventRecord& e, const std::string& workflow_id, const dag::Plan* plan);

}  // namespace goclaw::engine::internal
