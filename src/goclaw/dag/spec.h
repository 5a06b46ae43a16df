// The workflow spec model (DESIGN.md §6): what a user submits, after decoding and after the
// spec's `defaults` were applied to every task. Produced by `DecodeSpec` (spec_decoder.h),
// consumed by the compiler (compiler.h) and later by the engine.
//
// Thread-safety: plain immutable-after-construction values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "goclaw/core/duration.h"

namespace goclaw::dag {

// A task's type names the executor that runs it ("builtin", "function", "http", "exec", or any
// type an installation registers: exec/registry.h). The spec language only fixes the default
// and the form of a name; which names exist is the executor registry's business
// (task_types.h).
inline constexpr std::string_view kDefaultTaskType = "builtin";
// Lower-case letters, digits, '_' and '-', starting with a letter; at most 64 characters.
bool IsValidTaskTypeName(std::string_view name);

enum class Backoff { kFixed, kExponential };
std::string_view BackoffName(Backoff b);

// How a failed attempt is retried. `max_retries` counts retries after the first attempt, so a
// task runs at most max_retries + 1 times.
struct RetryPolicy {
  std::int64_t max_retries = 0;
  Backoff backoff = Backoff::kExponential;
  Millis initial{1000};
  Millis max_delay{60000};
  double multiplier = 2.0;
  bool jitter = true;

  friend bool operator==(const RetryPolicy&, const RetryPolicy&) = default;
};

// What happens to the workflow when a task finally fails.
enum class OnFailure { kFail, kContinue };

// What an `interrupt` signal does to the task's attempt once it ends (docs/design/signals.md):
// the task fails as interrupted, or runs again with the interrupt's payload as extra input.
enum class OnInterrupt { kFail, kRestart };

inline constexpr std::string_view kDefaultLane = "default";

struct TaskSpec {
  std::string id;
  std::string name;  // display name; defaults to the id
  std::string type = std::string(kDefaultTaskType);
  std::vector<std::string> depends_on;
  boost::json::object config;
  std::optional<Millis> timeout;  // per attempt; none = no timeout
  RetryPolicy retries;
  std::string lane{kDefaultLane};
  std::int64_t priority = 0;  // higher runs first within a lane
  std::string session;        // session lane key; empty = none
  double estimate = 1.0;      // relative cost, for the critical path
  OnFailure on_failure = OnFailure::kFail;
  OnInterrupt on_interrupt = OnInterrupt::kFail;

  // Field-wise, so that a spec compiled again from its stored encoding (spec_encoder.h) can be
  // checked against the one that was submitted.
  friend bool operator==(const TaskSpec&, const TaskSpec&) = default;
};

struct WorkflowSpec {
  std::string name;
  std::string description;
  boost::json::object metadata;
  boost::json::object input;  // default workflow input; a submit's input overrides keys
  std::vector<TaskSpec> tasks;

  friend bool operator==(const WorkflowSpec&, const WorkflowSpec&) = default;
};

// Limits that protect the compiler and everything after it from oversized specs.
struct SpecLimits {
  std::size_t max_tasks = 100000;
  std::size_t max_spec_bytes = 16u << 20;
  std::size_t max_id_length = 128;
  std::size_t max_deps_per_task = 10000;
};

}  // namespace goclaw::dag
