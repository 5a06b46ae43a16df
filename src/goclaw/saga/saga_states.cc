// State names (saga_states.h).
#include "goclaw/saga/saga_states.h"

#include <array>

namespace goclaw::saga {
namespace {

constexpr std::array<std::string_view, kSagaStateCount> kSagaStates{
    "created", "running", "completed", "compensating", "pending-compensation", "compensated", "compensation-failed",
    "recovering"};
constexpr std::array<std::string_view, kCompensationStateCount> kCompensationStates{"none", "pending", "running",
                                                                                    "compensated", "failed"};

template <typename E, std::size_t N>
std::optional<E> Find(const std::array<std::string_view, N>& names, std::string_view name) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view SagaStateName(SagaState s) { return kSagaStates[static_cast<std::size_t>(s)]; }
std::optional<SagaState> ParseSagaState(std::string_view name) { return Find<SagaState>(kSagaStates, name); }

bool IsTerminal(SagaState s) {
  return s == SagaState::kCompleted || s == SagaState::kCompensated || s == SagaState::kCompensationFailed;
}

std::string_view CompensationStateName(CompensationState s) {
  return kCompensationStates[static_cast<std::size_t>(s)];
}
std::optional<CompensationState> ParseCompensationState(std::string_view name) {
  return Find<CompensationState>(kCompensationStates, name);
}

std::string_view PolicyName(Policy p) {
  switch (p) {
    case Policy::kAuto: return "auto";
    case Policy::kManual: return "manual";
    case Policy::kSkip: return "skip";
  }
  return "auto";
}

std::string_view OnCompensationFailureName(OnCompensationFailure f) {
  return f == OnCompensationFailure::kRetry ? "retry" : "fail";
}

}  // namespace goclaw::saga
