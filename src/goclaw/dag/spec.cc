// Names of spec enums.
#include "goclaw/dag/spec.h"

namespace goclaw::dag {

std::string_view TaskTypeName(TaskType t) {
  switch (t) {
    case TaskType::kBuiltin:
      return "builtin";
    case TaskType::kFunction:
      return "function";
    case TaskType::kHttp:
      return "http";
    case TaskType::kExec:
      return "exec";
    case TaskType::kRemote:
      return "remote";
  }
  return "builtin";
}

std::optional<TaskType> ParseTaskType(std::string_view name) {
  if (name == "builtin") return TaskType::kBuiltin;
  if (name == "function") return TaskType::kFunction;
  if (name == "http") return TaskType::kHttp;
  if (name == "exec" || name == "script") return TaskType::kExec;
  if (name == "remote") return TaskType::kRemote;
  return std::nullopt;
}

std::string_view BackoffName(Backoff b) {
  return b == Backoff::kFixed ? "fixed" : "exponential";
}

}  // namespace goclaw::dag
