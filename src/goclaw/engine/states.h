// Workflow and task state machines (DESIGN.md §5), with every legal transition in one table.
//
//   workflow: pending -> scheduled -> running -> completed | failed | cancelled
//   task:     pending -> ready -> queued -> running -> completed | failed | skipped | cancelled
//             with running -> retrying -> queued between attempts
//
// Thread-safety: pure functions over constant tables.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "goclaw/core/status.h"

namespace goclaw::engine {

enum class WorkflowState { kPending, kScheduled, kRunning, kCompleted, kFailed, kCancelled };
inline constexpr std::size_t kWorkflowStateCount = 6;

enum class TaskState {
  kPending,    // waiting for dependencies
  kReady,      // dependencies done; inputs resolved
  kQueued,     // waiting for its lane(s)
  kRunning,    // an attempt is executing
  kRetrying,   // an attempt failed; waiting for the backoff before queueing again
  kCompleted,
  kFailed,
  kSkipped,    // an upstream task failed
  kCancelled,
};
inline constexpr std::size_t kTaskStateCount = 9;

std::string_view WorkflowStateName(WorkflowState s);
std::string_view TaskStateName(TaskState s);
std::optional<WorkflowState> ParseWorkflowState(std::string_view name);
std::optional<TaskState> ParseTaskState(std::string_view name);

bool IsTerminal(WorkflowState s);
bool IsTerminal(TaskState s);

bool CanTransition(WorkflowState from, WorkflowState to);
bool CanTransition(TaskState from, TaskState to);

// kFailedPrecondition "illegal task transition running -> pending" when not allowed.
Status CheckTransition(WorkflowState from, WorkflowState to);
Status CheckTransition(TaskState from, TaskState to);

}  // namespace goclaw::engine
