// The remote executor (remote_executor.h): a task's attempt becomes an Assignment for the hub.
#include "goclaw/worker/remote_executor.h"

#include "goclaw/core/document.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/text.h"

namespace goclaw::worker {

void CheckRemoteConfig(const boost::json::object& config, const std::string& path,
                       Diagnostics& diag) {
  const boost::json::value* queue = config.if_contains("queue");
  if (queue == nullptr) {
    diag.Add(JoinPath(path, "queue"),
             "a remote task names the queue its workers take it from (e.g. queue: research)");
  } else if (exec::IsPlaceholder(*queue)) {
    // Checked once resolved, when the task starts.
  } else if (!queue->is_string() || !IsValidWorkerName(queue->get_string())) {
    diag.Add(
        JoinPath(path, "queue"),
        "expected a queue name of " + std::string(kWorkerNameRule) + ", got " +
            (queue->is_string() ? QuoteForMessage(queue->get_string()) : DescribeJson(*queue)));
  }
}

std::optional<std::string> RemoteExecutor::Unavailable() const {
  if (hub_) return std::nullopt;
  return "remote tasks need `goclaw server` (workers connect to its gRPC port)";
}

void RemoteExecutor::Start(exec::Attempt attempt, exec::AttemptDone done) {
  if (!hub_) {
    done(exec::AttemptResult::Fail(ErrorCode::kFailedPrecondition, *Unavailable(), false));
    return;
  }
  const boost::json::value* queue =
      attempt.config.is_object() ? attempt.config.as_object().if_contains("queue") : nullptr;
  if (queue == nullptr || !queue->is_string() || !IsValidWorkerName(queue->get_string())) {
    done(exec::AttemptResult::Fail(
        ErrorCode::kInvalidArgument,
        "config.queue: expected a queue name of " + std::string(kWorkerNameRule) + ", got " +
            (queue == nullptr ? std::string("nothing") : DescribeJson(*queue)),
        false));
    return;
  }
  Assignment work;
  work.attempt_id = AttemptIdOf(attempt.workflow_id, attempt.task_id, attempt.number);
  work.workflow_id = attempt.workflow_id;
  work.task_id = attempt.task_id;
  work.attempt = attempt.number;
  work.queue = std::string(queue->get_string());
  work.config_json = JsonText(attempt.config);
  work.input_json = JsonText(*attempt.input);
  work.idempotency_key = attempt.idempotency_key;
  if (attempt.timeout) work.timeout_ms = attempt.timeout->count();
  if (!attempt.interrupt.is_null()) work.interrupt_json = JsonText(attempt.interrupt);
  // Like http tasks' Goclaw-Lineage header: a worker that submits workflows passes it on.
  work.trace["goclaw-lineage"] = std::to_string(attempt.lineage_depth + 1);
  hub_->Submit(std::move(work), std::move(attempt.channel), std::move(done));
}

void RemoteExecutor::Shutdown() {
  if (hub_) hub_->Shutdown();
}

}  // namespace goclaw::worker
