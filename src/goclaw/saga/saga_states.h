// The states of a saga and of each step's compensation (docs/design/saga.md). The saga states
// keep the reference Goclaw's names, so its clients read ours:
//
//   created -> running -> completed
//                      -> compensating -> compensated | compensation-failed
//                      -> pending-compensation (policy manual) -> compensating
//   compensation-failed -> (POST recover) compensating
//   recovering: the saga is being reconciled with its workflows after a restart.
//
// A step's forward state is its task's state in the forward workflow (engine/states.h).
//
// Thread-safety: pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace goclaw::saga {

enum class SagaState : std::uint8_t {
  kCreated,
  kRunning,
  kCompleted,
  kCompensating,
  kPendingCompensation,
  kCompensated,
  kCompensationFailed,
  kRecovering,
};
inline constexpr std::size_t kSagaStateCount = 8;

std::string_view SagaStateName(SagaState s);
std::optional<SagaState> ParseSagaState(std::string_view name);
// completed, compensated, compensation-failed: nothing runs until someone asks (recover).
bool IsTerminal(SagaState s);

// A step's compensation: none (the step did not complete, or has no compensate block),
// pending (planned, not started), running, compensated, failed (after its retries).
enum class CompensationState : std::uint8_t { kNone, kPending, kRunning, kCompensated, kFailed };
inline constexpr std::size_t kCompensationStateCount = 5;

std::string_view CompensationStateName(CompensationState s);
std::optional<CompensationState> ParseCompensationState(std::string_view name);

// What happens when a step fails (policy), per saga.
enum class Policy : std::uint8_t { kAuto, kManual, kSkip };
std::string_view PolicyName(Policy p);

// What a compensation does when an attempt fails, per step.
enum class OnCompensationFailure : std::uint8_t { kRetry, kFail };
std::string_view OnCompensationFailureName(OnCompensationFailure f);

}  // namespace goclaw::saga
