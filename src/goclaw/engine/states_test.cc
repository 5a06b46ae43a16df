#include "goclaw/engine/states.h"

#include <gtest/gtest.h>

#include <set>

namespace goclaw::engine {
namespace {

// The complete list of legal task transitions; everything else must be refused.
const std::set<std::pair<TaskState, TaskState>> kLegalTask = {
    {TaskState::kPending, TaskState::kReady},     {TaskState::kPending, TaskState::kFailed},
    {TaskState::kPending, TaskState::kSkipped},   {TaskState::kPending, TaskState::kCancelled},
    {TaskState::kReady, TaskState::kQueued},      {TaskState::kReady, TaskState::kFailed},
    {TaskState::kReady, TaskState::kCancelled},   {TaskState::kQueued, TaskState::kRunning},
    {TaskState::kQueued, TaskState::kFailed},     {TaskState::kQueued, TaskState::kCancelled},
    {TaskState::kRunning, TaskState::kRetrying},  {TaskState::kRunning, TaskState::kCompleted},
    {TaskState::kRunning, TaskState::kFailed},    {TaskState::kRunning, TaskState::kCancelled},
    {TaskState::kRetrying, TaskState::kQueued},   {TaskState::kRetrying, TaskState::kFailed},
    {TaskState::kRetrying, TaskState::kCancelled},
};

const std::set<std::pair<WorkflowState, WorkflowState>> kLegalWorkflow = {
    {WorkflowState::kPending, WorkflowState::kScheduled},
    {WorkflowState::kPending, WorkflowState::kFailed},
    {WorkflowState::kPending, WorkflowState::kCancelled},
    {WorkflowState::kScheduled, WorkflowState::kRunning},
    {WorkflowState::kScheduled, WorkflowState::kFailed},
    {WorkflowState::kScheduled, WorkflowState::kCancelled},
    {WorkflowState::kRunning, WorkflowState::kCompleted},
    {WorkflowState::kRunning, WorkflowState::kFailed},
    {WorkflowState::kRunning, WorkflowState::kCancelled},
};

TEST(StatesTest, TaskTableIsExactlyTheLegalSet) {
  for (int f = 0; f < 9; ++f) {
    for (int t = 0; t < 9; ++t) {
      auto from = static_cast<TaskState>(f), to = static_cast<TaskState>(t);
      EXPECT_EQ(CanTransition(from, to), kLegalTask.contains({from, to}))
          << TaskStateName(from) << " -> " << TaskStateName(to);
    }
  }
}

TEST(StatesTest, WorkflowTableIsExactlyTheLegalSet) {
  for (int f = 0; f < 6; ++f) {
    for (int t = 0; t < 6; ++t) {
      auto from = static_cast<WorkflowState>(f), to = static_cast<WorkflowState>(t);
      EXPECT_EQ(CanTransition(from, to), kLegalWorkflow.contains({from, to}))
          << WorkflowStateName(from) << " -> " << WorkflowStateName(to);
    }
  }
}

TEST(StatesTest, TerminalStatesHaveNoWayOut) {
  for (int f = 0; f < 9; ++f) {
    auto from = static_cast<TaskState>(f);
    if (!IsTerminal(from)) continue;
    for (int t = 0; t < 9; ++t) EXPECT_FALSE(CanTransition(from, static_cast<TaskState>(t)));
  }
}

TEST(StatesTest, NamesRoundTripAndErrorsSayWhat) {
  for (int i = 0; i < 9; ++i) {
    auto s = static_cast<TaskState>(i);
    EXPECT_EQ(ParseTaskState(TaskStateName(s)), s);
  }
  for (int i = 0; i < 6; ++i) {
    auto s = static_cast<WorkflowState>(i);
    EXPECT_EQ(ParseWorkflowState(WorkflowStateName(s)), s);
  }
  EXPECT_FALSE(ParseTaskState("done"));
  auto bad = CheckTransition(TaskState::kCompleted, TaskState::kRunning);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(bad.error().message(), "illegal task transition completed -> running");
}

}  // namespace
}  // namespace goclaw::engine
