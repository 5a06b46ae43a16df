// The workflow API as an application service, for every transport (the REST routes in
// api/http/workflow_routes.cc; gRPC later): submit, validate, list, get, events, task result,
// task logs, cancel. It owns what is not transport: reading and checking specs within the configured limits,
// the lineage rule, the async-or-wait policy (default_wait, max_wait, wait_limit), the size of a
// status (max_status_bytes), and the JSON documents the API answers with.
//
//   WorkflowService workflows(engine, WorkflowPolicyFromConfig(config));
//   auto prepared = workflows.Prepare({.spec = text, .format = DocumentFormat::kYaml});
//   workflows.Submit(*prepared, [&](Result<std::string> id) { ... });   // once durable
//   auto outcome = workflows.AwaitFinish(id, prepared->wait);            // 201 or 202
//
// Requests are plain structs; what a transport reads itself (an HTTP query string) arrives
// typed. Errors are goclaw codes (errors.h): kInvalidArgument for the caller's mistakes (with
// kReasonMalformed when the spec does not parse, kReasonLineageLimit for the lineage rule),
// kResourceExhausted + kReasonTooLarge for a spec over dag.max_spec_bytes, kNotFound for unknown
// workflows and tasks, kFailedPrecondition for a result of an unfinished task or the cancel of a
// finished workflow, kUnavailable when the store cannot write or the engine drains.
//
// Thread-safety: every method may be called from any thread (the engine's rules apply:
// AwaitFinish and Get block, so not from an inline function). The engine must outlive the service.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "goclaw/config/config.h"
#include "goclaw/core/document.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/core/status.h"
#include "goclaw/core/unique_function.h"
#include "goclaw/dag/plan.h"
#include "goclaw/dag/spec.h"
#include "goclaw/dag/spec_checks.h"
#include "goclaw/engine/engine.h"
#include "goclaw/store/store.h"

namespace goclaw::service {

// What the workflow API allows (config: dag.*, limits.*, server.request_timeout).
struct WorkflowPolicy {
  dag::SpecLimits limits;                   // dag.max_spec_bytes, dag.max_tasks
  std::size_t max_status_bytes = 8u << 20;  // results inlined in one status (the rest referenced)
  int max_lineage_depth = 8;                // a deeper submit is refused (kReasonLineageLimit)
  Millis default_wait{30000};               // a submit without `wait` waits this long at most
  Millis max_wait{300000};                  // a longer `wait` is refused
  // A longer `wait` (up to max_wait) is lowered to this, and the submit says so
  // (PreparedSubmit::wait_clamped): the HTTP server cuts requests at server.request_timeout.
  Millis wait_limit{300000};
};

// The policy a configuration asks for; default_wait is lowered to server.request_timeout.
WorkflowPolicy WorkflowPolicyFromConfig(const config::Config& config);

// Workflows returned by one List call at most; offsets beyond kMaxListOffset are refused.
inline constexpr std::int64_t kMaxListLimit = 1000;
inline constexpr std::int64_t kMaxListOffset = 1000000000;

struct SubmitRequest {
  std::string spec;  // the workflow spec, JSON or YAML text
  DocumentFormat format = DocumentFormat::kJson;
  // The lineage depth as the caller sent it (HTTP: the Goclaw-Lineage header that goclaw's
  // http tasks set to their workflow's depth + 1); empty: 0. Recorded in the spec's metadata.
  std::string lineage;
  // Overrides of the spec's own `async` and `wait` keys (HTTP: the query string).
  std::optional<bool> async;
  std::optional<Millis> wait;
  // Problems the transport found reading those overrides (a malformed or unknown query
  // parameter): reported together with the spec's option problems, as one error.
  Diagnostics option_problems;
};

// A submit that passed every check and compiled; Submit starts it. Cheap to copy.
struct PreparedSubmit {
  std::shared_ptr<const dag::Plan> plan;
  int lineage_depth = 0;
  bool async = false;  // answer once durable, without waiting for the workflow to finish
  Millis wait{0};      // otherwise wait this long at most for it to finish
  // Set when the requested wait was lowered to policy.wait_limit, e.g.
  // "1m (server.request_timeout; requested 5m)" (HTTP: the X-Goclaw-Wait-Clamped header).
  std::string wait_clamped;
};

// What waiting for a submitted workflow gave.
struct WaitOutcome {
  bool finished = false;  // true: `body` is the full status; false: still running, the summary
  boost::json::object body;
};

// What Get adds to the status.
struct GetOptions {
  // "input": the workflow's input as it ran (the spec's input merged with the submit's), read
  // from the stored spec record; null without a store.
  bool input = false;
};

struct ListRequest {
  engine::ListFilter filter;  // limit 1..kMaxListLimit, offset 0..kMaxListOffset
};

using SubmitDone = UniqueFunction<void(Result<std::string>)>;
using SummaryDone = UniqueFunction<void(Result<boost::json::object>)>;

class WorkflowService {
 public:
  // `store` (optional, the engine's): where Spec and GetOptions::input read a workflow's spec
  // and input; it must outlive the service.
  WorkflowService(engine::Engine& engine, WorkflowPolicy policy, store::Store* store = nullptr);
  WorkflowService(const WorkflowService&) = delete;
  WorkflowService& operator=(const WorkflowService&) = delete;

  const WorkflowPolicy& policy() const { return policy_; }

  // Reads and checks a submit without touching the engine: the spec text (empty, syntax:
  // kInvalidArgument + kReasonMalformed; over limits.max_spec_bytes: kResourceExhausted +
  // kReasonTooLarge), the lineage (malformed: kReasonMalformed; too deep: kReasonLineageLimit),
  // the `async`/`wait` options (kInvalidArgument "submit options is invalid", every problem in
  // the details), then compiles it for this engine (unknown lanes or task types, task configs
  // their executor refuses, unregistered functions, bad references: kInvalidArgument with each
  // problem's path). Nothing is stored.
  Result<PreparedSubmit> Prepare(SubmitRequest request) const;
  // Starts a prepared workflow. `done` gets its id once the workflow is durable — on the store's
  // thread, or inline without a store: be quick — or the error: kInvalidArgument when the engine
  // refuses the spec (an executor that is off), kUnavailable when it cannot be stored or the
  // engine drains (nothing of it remains).
  void Submit(const PreparedSubmit& submit, SubmitDone done);
  // Blocks up to `wait` for the workflow to finish: the full status (as Get) when it did, else
  // the summary (as Summary).
  Result<WaitOutcome> AwaitFinish(const std::string& id, Millis wait);

  // `goclaw validate` as a service: {"valid": true, "name", "tasks", "order"} or the errors
  // Prepare gives for the spec (no lineage or options here).
  Result<boost::json::object> Validate(std::string_view spec, DocumentFormat format) const;

  // {"workflows": [{id, name, status, created_at, tasks, error?}], "total", "limit", "offset",
  //  "next_cursor"}, oldest first; next_cursor is null on the last page. `error` is a failed
  //  workflow's error, from the index (no store read per item).
  Result<boost::json::object> List(const ListRequest& request) const;
  // {id, name, status, created_at}: cheap (no trip to the workflow's shard).
  Result<boost::json::object> Summary(const std::string& id) const;
  // The status with every task (engine/status_json.h: each task's depends_on and lane too),
  // results inlined while they fit policy.max_status_bytes; with options.input, the input.
  Result<boost::json::object> Get(const std::string& id, GetOptions options = {});
  // {"workflow_id", "spec", "input"}: the normalized spec as stored at submit (dag/spec_encoder.h),
  // its "input" replaced by the input the run got, so that submitting `spec` as it is runs the
  // same tasks on the same input; "input" is that input again. kNotFound for unknown ids (or
  // erased by retention), kFailedPrecondition without a store.
  Result<boost::json::object> Spec(const std::string& id) const;
  // {"workflow_id", "events": [...]}: the stored history with seq > since.
  Result<boost::json::object> Events(const std::string& id, std::uint64_t since);
  // {"workflow_id", "task_id", "status": "completed", "result"}; kNotFound for an unknown task,
  // kFailedPrecondition while it has not completed (the message says its state and error).
  Result<boost::json::object> TaskResult(const std::string& id, const std::string& task_id);
  // {"workflow_id", "task_id", "lines": [{attempt, time, stream, text}], "truncated_attempts"}:
  // what the task's attempts reported (function log lines, exec stderr, http status lines,
  // progress), bounded per attempt; `attempt` > 0 keeps that attempt's lines only.
  Result<boost::json::object> TaskLogs(const std::string& id, const std::string& task_id, int attempt = 0);
  // Cancels; `done` gets the summary once the cancellation is durable (store or shard thread:
  // quick), or kNotFound / kFailedPrecondition (already finished) / kUnavailable.
  void Cancel(const std::string& id, SummaryDone done);

  // kInvalidArgument (with the detail path "id") unless `id` looks like a workflow id this API
  // hands out; every method above checks its id with it. Transports that check path parameters
  // before reading the rest of a request call it first.
  static Status CheckId(std::string_view id);

  // The pieces of Prepare, for services that build on workflows (sagas): reads a spec text
  // within the limits (errors as Prepare's), and compiles a document for this engine.
  Result<Document> ReadSpec(std::string_view spec, DocumentFormat format) const;
  Result<std::shared_ptr<const dag::Plan>> Compile(const Document& doc) const;

 private:
  dag::RunEnvironment Environment() const;

  // The stored spec record of a workflow: kNotFound when there is none.
  Result<store::SpecRecord> StoredSpec(const std::string& id) const;

  engine::Engine& engine_;
  const WorkflowPolicy policy_;
  store::Store* const store_;
};

}  // namespace goclaw::service
