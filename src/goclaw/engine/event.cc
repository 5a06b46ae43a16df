// Event names and conversions (event.h).
#include "goclaw/engine/event.h"

#include "goclaw/engine/signal_types.h"

namespace goclaw::engine {
namespace {

std::string_view StateName(EventKind kind, std::uint8_t state) {
  if (kind == EventKind::kWorkflowState) return WorkflowStateName(static_cast<WorkflowState>(state));
  if (kind == EventKind::kTaskState) return TaskStateName(static_cast<TaskState>(state));
  if (kind == EventKind::kSignal && state < kSignalStateCount) return SignalStateName(static_cast<SignalState>(state));
  return {};
}

}  // namespace

std::string_view EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kWorkflowState:
      return "workflow";
    case EventKind::kTaskState:
      return "task";
    case EventKind::kSignal:
      return "signal";
    case EventKind::kSaga:
      return "saga";
    case EventKind::kMemory:
      return "memory";
    case EventKind::kCustom:
      return "custom";
  }
  return "custom";
}

std::string_view Event::from_name() const { return StateName(kind, from); }
std::string_view Event::to_name() const { return StateName(kind, to); }

Event EventView::ToEvent() const {
  Event e;
  e.kind = kind;
  e.seq = seq;
  e.workflow_id = std::string(workflow_id);
  e.task_id = std::string(task_id);
  e.from = from;
  e.to = to;
  e.attempt = attempt;
  e.time = time;
  e.error = std::string(error);
  if (payload != nullptr) e.payload = *payload;
  return e;
}

}  // namespace goclaw::engine
