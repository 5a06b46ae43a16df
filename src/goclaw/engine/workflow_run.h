// Internal: the runtime state of one workflow, owned by its shard. Plain data; the scheduling
// logic that changes it lives in engine.cc and runs only on the shard thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/dag/plan.h"
#include "goclaw/engine/cancellation.h"
#include "goclaw/engine/engine.h"
#include "goclaw/engine/states.h"
#include "goclaw/lane/multi_acquire.h"

namespace goclaw::engine::internal {

struct TaskRun {
  TaskState state = TaskState::kPending;
  std::uint32_t waiting_for = 0;  // dependencies not yet completed
  int attempts = 0;
  std::optional<Clock::WallTime> started_at;
  std::optional<Clock::WallTime> finished_at;
  std::string error;
  boost::json::value config;  // resolved when the task became ready
  boost::json::value output;
  std::shared_ptr<lane::MultiAcquisition> acquisition;  // while queued
  std::optional<lane::PermitSet> permits;               // while running
  std::shared_ptr<CancellationSource> cancel;           // of the running attempt
};

// An event as the shard keeps it: about 56 bytes, no copies of ids or state names (a run of
// 100k tasks records 400k of these). Turned into an `Event` for subscribers and Events().
struct StoredEvent {
  static constexpr std::uint32_t kWorkflow = ~std::uint32_t{0};
  std::uint32_t task = kWorkflow;  // plan index, or kWorkflow
  std::uint8_t from = 0;           // TaskState or WorkflowState, by `task`
  std::uint8_t to = 0;
  std::int32_t attempt = 0;
  Clock::WallTime time;
  std::string error;
};

struct WorkflowRun {
  std::string id;
  std::uint64_t handle = 0;  // engine-unique; what callbacks hold instead of the id
  std::shared_ptr<const dag::Plan> shared_plan;  // shared by every run of the same compiled spec
  const dag::Plan& plan;
  std::shared_ptr<const boost::json::value> input;  // shared with every attempt
  WorkflowState state = WorkflowState::kPending;
  Clock::WallTime created_at;
  std::optional<Clock::WallTime> started_at;
  std::optional<Clock::WallTime> finished_at;
  std::string error;  // the first task failure
  std::vector<TaskRun> tasks;
  std::size_t unfinished = 0;  // tasks not in a terminal state
  std::vector<StoredEvent> events;

  explicit WorkflowRun(std::shared_ptr<const dag::Plan> p)
      : shared_plan(std::move(p)), plan(*shared_plan) {}
};

}  // namespace goclaw::engine::internal
