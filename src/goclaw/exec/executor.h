// The executor interface: how one attempt of one task is run (DESIGN.md §4). An executor is
// registered under a task type name (registry.h); the engine never names types.
//
//   CheckConfig  at spec-validation time (`goclaw validate`, submit): the task's config as
//                written, problems reported with their field paths;
//   Unavailable  why tasks of this type cannot run in this installation (e.g. exec disabled);
//   Start        one attempt: the engine resolved the config; the executor calls `done` exactly
//                once, from any thread, and reports progress and log lines on the attempt's
//                channel (attempt_channel.h), which also carries cancellation;
//   Shutdown     no more `done` calls once it returns (the engine calls it before its shards go).
//
// Executors must not block the calling (shard) thread: waiting happens on timers, sockets or a
// worker pool.
//
// Thread-safety: Start may be called concurrently from several shards.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/status.h"
#include "goclaw/core/unique_function.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/exec/attempt_channel.h"

namespace goclaw::exec {

struct Attempt {
  std::string workflow_id;
  std::string task_id;
  int number = 1;                  // 1 for the first attempt
  // "workflow/task/attempt"; or, for a workflow whose metadata sets `idempotency_key` (a
  // template with "{task}": sagas' compensations), that template with the task id: the same
  // key for every attempt and every resubmit (IdempotencyKeyOf).
  std::string idempotency_key;
  std::string type;                // the task type (registry name) it runs as
  boost::json::value config;       // with {{...}} resolved
  std::shared_ptr<const boost::json::value> input;  // the workflow's input (shared, never null)
  std::shared_ptr<AttemptChannel> channel;  // cancellation, messages, reports (never null)
  // on_interrupt: restart — the payload of the interrupt signal that restarted the task; null
  // otherwise. Functions see it in their context, exec tasks in GOCLAW_INTERRUPT, http tasks in
  // the Goclaw-Interrupt header (docs/design/signals.md).
  boost::json::value interrupt;
  // The task's timeout per attempt (the engine cancels the channel and fails the attempt when
  // it passes); none: no timeout. Executors that hand work elsewhere pass it on.
  std::optional<std::chrono::milliseconds> timeout;
  // How many http-task submits led to this workflow (0: submitted by a person or program);
  // http tasks send it + 1 as Goclaw-Lineage.
  int lineage_depth = 0;
};

// An attempt's outcome. A failure is retried (if the task has retries left) only when
// `retryable`; executors decide (e.g. HTTP 5xx yes, 4xx no).
struct AttemptResult {
  Result<boost::json::value> output = boost::json::value();
  bool retryable = true;
  // The attempt was lost, not failed: the thing running it went away (a pull worker that
  // stopped heartbeating). The task runs again at once as its next attempt, without using up
  // a retry (like an attempt an engine stop cut short). Only with an error in `output`.
  bool lost = false;

  static AttemptResult Lost(std::string message) {
    AttemptResult r{MakeError(ErrorCode::kUnavailable, std::move(message)), true};
    r.lost = true;
    return r;
  }

  static AttemptResult Ok(boost::json::value v) { return {std::move(v), true}; }
  static AttemptResult Fail(ErrorCode code, std::string message, bool retryable) {
    return {MakeError(code, std::move(message)), retryable};
  }
};

using AttemptDone = UniqueFunction<void(AttemptResult)>;

// A config value written as a {{...}} placeholder: CheckConfig sees it before it is resolved
// (it may stand for any value), so it is checked only once the task starts.
inline bool IsPlaceholder(const boost::json::value& v) {
  return v.is_string() && v.get_string().find("{{") != boost::json::string::npos;
}

// Where a workflow's lineage depth is kept: a metadata key the submit route sets from the
// Goclaw-Lineage header (and removes when there is none), stored and shown with the spec.
inline constexpr std::string_view kLineageDepthKey = "lineage_depth";
inline constexpr std::string_view kLineageHeader = "Goclaw-Lineage";

inline int LineageDepth(const boost::json::object& metadata) {
  const boost::json::value* v = metadata.if_contains(kLineageDepthKey);
  if (v == nullptr || !v->is_int64() || v->get_int64() < 0) return 0;
  return static_cast<int>(std::min<std::int64_t>(v->get_int64(), 1 << 20));
}

// The metadata key of a workflow's idempotency key template ("saga-1/{task}/compensate").
inline constexpr std::string_view kIdempotencyKeyTemplate = "idempotency_key";

// The template `metadata` sets (a string containing "{task}"), or empty.
inline std::string IdempotencyKeyTemplate(const boost::json::object& metadata) {
  const boost::json::value* v = metadata.if_contains(kIdempotencyKeyTemplate);
  if (v == nullptr || !v->is_string() || v->get_string().find("{task}") == boost::json::string::npos) return {};
  return std::string(v->get_string());
}

// An attempt's key: `key_template` with {task} replaced, or "workflow/task/attempt".
inline std::string IdempotencyKeyOf(std::string_view key_template, std::string_view workflow_id,
                                    std::string_view task_id, int attempt) {
  if (key_template.empty()) {
    return std::string(workflow_id) + "/" + std::string(task_id) + "/" + std::to_string(attempt);
  }
  std::string key(key_template);
  const std::size_t at = key.find("{task}");
  key.replace(at, 6, task_id);
  return key;
}

class Executor {
 public:
  virtual ~Executor() = default;
  virtual void Start(Attempt attempt, AttemptDone done) = 0;
  // Adds a problem per bad field of `config` (a task's config as written, before {{...}} are
  // resolved: a string may stand for any value) to `diag`, under `path` ("tasks[2].config").
  virtual void CheckConfig(const boost::json::object& config, const std::string& path,
                           Diagnostics& diag) const {
    (void)config, (void)path, (void)diag;
  }
  // The signal kind a task of this type with this config waits for (builtin wait_signal and
  // collect), if any: a signal sent to the whole workflow also goes to such tasks, started or
  // not.
  virtual std::optional<std::string> AwaitedSignal(const boost::json::object& config) const {
    (void)config;
    return std::nullopt;
  }
  // nullopt when tasks of this type can run here; otherwise why not, and how to allow them.
  virtual std::optional<std::string> Unavailable() const { return std::nullopt; }
  // Stops: aborts what runs, joins threads. Idempotent; no `done` is called after it returns.
  virtual void Shutdown() {}
};

}  // namespace goclaw::exec
