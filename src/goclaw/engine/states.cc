// The transition tables.
#include "goclaw/engine/states.h"

#include <array>

namespace goclaw::engine {
namespace {

constexpr std::array<std::string_view, 6> kWorkflowNames{"pending",   "scheduled", "running",
                                                         "completed", "failed",    "cancelled"};
constexpr std::array<std::string_view, 9> kTaskNames{
    "pending", "ready", "queued", "running", "retrying", "completed", "failed", "skipped",
    "cancelled"};

using W = WorkflowState;
using T = TaskState;

// kWorkflowTable[from][to]
constexpr bool kWorkflowTable[6][6] = {
    //            pend   sched  run    done   fail   cancel
    /* pending */ {false, true, false, false, true, true},
    /* sched   */ {false, false, true, false, true, true},
    /* running */ {false, false, false, true, true, true},
    /* done    */ {false, false, false, false, false, false},
    /* failed  */ {false, false, false, false, false, false},
    /* cancel  */ {false, false, false, false, false, false},
};

// kTaskTable[from][to]
constexpr bool kTaskTable[9][9] = {
    //             pend   ready  queue  run    retry  done   fail   skip   cancel
    /* pending  */ {false, true, false, false, false, false, true, true, true},
    /* ready    */ {false, false, true, false, false, false, true, false, true},
    /* queued   */ {false, false, false, true, false, false, true, false, true},
    /* running  */ {false, false, false, false, true, true, true, false, true},
    /* retrying */ {false, false, true, false, false, false, true, false, true},
    /* done     */ {false, false, false, false, false, false, false, false, false},
    /* failed   */ {false, false, false, false, false, false, false, false, false},
    /* skipped  */ {false, false, false, false, false, false, false, false, false},
    /* cancel   */ {false, false, false, false, false, false, false, false, false},
};

template <typename E, std::size_t N>
std::optional<E> Parse(std::string_view name, const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view WorkflowStateName(WorkflowState s) { return kWorkflowNames[static_cast<int>(s)]; }
std::string_view TaskStateName(TaskState s) { return kTaskNames[static_cast<int>(s)]; }
std::optional<WorkflowState> ParseWorkflowState(std::string_view name) {
  return Parse<WorkflowState>(name, kWorkflowNames);
}
std::optional<TaskState> ParseTaskState(std::string_view name) {
  return Parse<TaskState>(name, kTaskNames);
}

bool IsTerminal(WorkflowState s) {
  return s == W::kCompleted || s == W::kFailed || s == W::kCancelled;
}
bool IsTerminal(TaskState s) {
  return s == T::kCompleted || s == T::kFailed || s == T::kSkipped || s == T::kCancelled;
}

bool CanTransition(WorkflowState from, WorkflowState to) {
  return kWorkflowTable[static_cast<int>(from)][static_cast<int>(to)];
}
bool CanTransition(TaskState from, TaskState to) {
  return kTaskTable[static_cast<int>(from)][static_cast<int>(to)];
}

Status CheckTransition(WorkflowState from, WorkflowState to) {
  if (CanTransition(from, to)) return OkStatus();
  return MakeError(ErrorCode::kFailedPrecondition,
                   "illegal workflow transition " + std::string(WorkflowStateName(from)) +
                       " -> " + std::string(WorkflowStateName(to)));
}

Status CheckTransition(TaskState from, TaskState to) {
  if (CanTransition(from, to)) return OkStatus();
  return MakeError(ErrorCode::kFailedPrecondition,
                   "illegal task transition " + std::string(TaskStateName(from)) + " -> " +
                       std::string(TaskStateName(to)));
}

}  // namespace goclaw::engine
