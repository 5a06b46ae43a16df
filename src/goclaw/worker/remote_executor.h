// `remote` tasks: run by pull workers connected to this server's WorkerService (worker_hub.h,
// docs/design/workers.md).
//
//   tasks:
//     - id: research
//       type: remote
//       config: {queue: research, topic: "{{input.topic}}", depth: 2}
//
// `queue` (required; [A-Za-z0-9._:-]{1,128}, or a {{...}} placeholder checked once resolved)
// names which workers may run it. Every other key is the worker's business: the whole config,
// placeholders resolved, travels to the worker as config_json, so no other key is refused here.
//
// Start hands the attempt to the hub. Until a worker of the queue has a free credit the task
// stays `running` in the engine; "waiting for a worker" shows in its log (a status line), in
// the hub's snapshot (queues[].waiting) and in goclaw_worker_queue_waiting{queue}. The task's
// timeout, retries, lane and cancellation work as for any task; a worker lost mid-attempt makes
// the task run again as its next attempt (AttemptResult::Lost), not counted as a retry.
//
// Without a hub (`goclaw run`: no gRPC port for workers to connect to) the type is known, so
// specs validate, but submits are refused with Unavailable()'s message.
//
// Thread-safety: Start may be called from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "goclaw/exec/executor.h"
#include "goclaw/worker/worker_hub.h"

namespace goclaw::worker {

void CheckRemoteConfig(const boost::json::object& config, const std::string& path,
                       Diagnostics& diag);

class RemoteExecutor final : public exec::Executor {
 public:
  explicit RemoteExecutor(std::shared_ptr<WorkerHub> hub) : hub_(std::move(hub)) {}

  void Start(exec::Attempt attempt, exec::AttemptDone done) override;
  void CheckConfig(const boost::json::object& config, const std::string& path,
                   Diagnostics& diag) const override {
    CheckRemoteConfig(config, path, diag);
  }
  std::optional<std::string> Unavailable() const override;
  // Shuts the hub down (WorkerHub::Shutdown): no `done` once it returns.
  void Shutdown() override;

 private:
  std::shared_ptr<WorkerHub> hub_;
};

}  // namespace goclaw::worker
