// A saga as submitted (docs/design/saga.md): a workflow spec whose tasks (its steps) may carry
// `compensate:` — a task of any executor type with its own config, timeout, retries and lane —
// and `on_compensation_failure: retry|fail`, plus the saga's own keys:
//
//   policy: auto | manual | skip       what a failure does (default auto)
//   timeout: 5m  (or timeout_ms)       the forward deadline; then it compensates
//   compensation_timeout: 1h           how long compensation may retry (default 1h)
//   step_timeout_ms                    a default timeout for steps that set none
//
// The reference Goclaw's body works too: `steps` for `tasks`, and steps described by
// `delay_ms` / `should_fail` / `timeout_ms` / `enable_compensation` / `skip_compensation`,
// which become builtin sleep / fail / echo steps with a builtin compensation.
//
// TakeSagaKeys takes all of that out of the document, leaving the forward workflow's spec
// (with its source lines), which the workflow loader checks as any other; the service checks
// each compensate block against the executors (compensation_plan.h).
//
// Thread-safety: pure functions over values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "goclaw/core/document.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/core/status.h"
#include "goclaw/saga/saga_states.h"

namespace goclaw::saga {

inline constexpr Millis kDefaultCompensationTimeout{3600000};

struct Compensation {
  boost::json::object task;  // type, config, timeout, retries, lane, priority (as written)
  OnCompensationFailure on_failure = OnCompensationFailure::kRetry;
  friend bool operator==(const Compensation&, const Compensation&) = default;
};

struct SagaDefinition {
  std::string name;
  Policy policy = Policy::kAuto;
  std::optional<Millis> timeout;  // forward deadline
  Millis compensation_timeout = kDefaultCompensationTimeout;
  boost::json::object workflow;   // the forward workflow's spec (JSON), saga keys removed
  std::map<std::string, Compensation> compensations;  // by step id

  // From `workflow`: the steps in spec order and what each depends on.
  std::vector<std::string> Steps() const;
  std::map<std::string, std::vector<std::string>> Dependencies() const;

  friend bool operator==(const SagaDefinition&, const SagaDefinition&) = default;
};

// Moves the saga's keys out of `doc.root`; problems go to `diag` with their paths. The
// returned definition's `workflow` is filled by the caller once the rest compiled (it is
// `doc.root` then).
SagaDefinition TakeSagaKeys(Document& doc, Diagnostics& diag);

// The definition as stored (saga_record.h) and back.
boost::json::object DefinitionToJson(const SagaDefinition& d);
Result<SagaDefinition> DefinitionFromJson(const boost::json::value& v);

}  // namespace goclaw::saga
