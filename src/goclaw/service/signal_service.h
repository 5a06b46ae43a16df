// Signals as an application service, for every transport (REST in api/http/signal_routes.cc;
// gRPC later): send a signal to a workflow or one of its tasks, list a workflow's signals. It
// owns what is not transport: reading the request body (goclaw's shape {"kind", "task",
// "payload"} and the reference Goclaw's {"type", "task_id", "payload"}), and the JSON the API
// answers with. The engine checks the request and stores the signal (engine/signal_types.h).
//
//   SignalService signals(engine);
//   signals.Send(id, body, [](Result<boost::json::object> accepted) { ... });  // once durable
//
// Errors (errors.h): kInvalidArgument (+ kReasonMalformed when the body is not JSON) with field
// paths, kNotFound for unknown workflows and tasks, kFailedPrecondition when the workflow or
// task finished, kResourceExhausted past signals.max_per_workflow, kUnavailable when the store
// cannot write.
//
// Thread-safety: every method may be called from any thread; List blocks (not from an inline
// function). The engine must outlive the service.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "goclaw/core/status.h"
#include "goclaw/core/unique_function.h"
#include "goclaw/engine/engine.h"

namespace goclaw::service {

// The signal request in a body, either shape; problems with their paths.
Result<engine::SignalRequest> ParseSignalRequest(std::string_view body);
// {"workflow_id", "seq", "kind", "task", "state", "payload", "created_at", "deliveries": [...]}
boost::json::object SignalToJson(const engine::SignalStatus& s);

class SignalService {
 public:
  explicit SignalService(engine::Engine& engine) : engine_(engine) {}

  // `done` gets {"workflow_id", "seq", "kind", "task", "state": "pending"} once the signal is
  // durable (on a store or shard thread: be quick), or the error.
  void Send(const std::string& workflow_id, std::string_view body, UniqueFunction<void(Result<boost::json::object>)> done);
  // {"workflow_id", "signals": [...], "total"}; `task` (optional) keeps those for one task.
  Result<boost::json::object> List(const std::string& workflow_id, const std::string& task);

 private:
  engine::Engine& engine_;
};

}  // namespace goclaw::service
