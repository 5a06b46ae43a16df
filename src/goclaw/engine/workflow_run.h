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

struct WorkflowRun {
  std::string id;
  dag::Plan plan;
  boost::json::value input;
  WorkflowState state = WorkflowState::kPending;
  Clock::WallTime created_at;
  std::optional<Clock::WallTime> started_at;
  std::optional<Clock::WallTime> finished_at;
  std::string error;  // the first task failure
  std::vector<TaskRun> tasks;
  std::size_t unfinished = 0;  // tasks not in a terminal state
  std::vector<Event> events;

  explicit WorkflowRun(dag::Plan p) : plan(std::move(p)) {}
};

}  // namespace goclaw::engine::internal
