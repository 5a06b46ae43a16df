// C++ functions that `function` tasks call by name. A function receives a TaskContext (its
// arguments, the workflow input, the idempotency key, cancellation, a logger and progress
// reporting) and returns Result<json>. An exception thrown by a function fails that attempt
// (retryable); the engine lives on.
//
// Functions registered with `inline_on_shard` run on the shard thread and must be short and
// non-blocking; the others run on the engine's bounded CPU pool.
//
// Thread-safety: register before submitting work; lookups are then lock-free reads.
#pragma once

#include <functional>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <memory>
#include <string>

#include <boost/json/value.hpp>

#include "goclaw/core/status.h"
#include "goclaw/exec/attempt_channel.h"
#include "goclaw/log/log.h"

namespace goclaw::exec {

struct TaskContext {
  const std::string& workflow_id;
  const std::string& task_id;
  int attempt;
  const std::string& idempotency_key;
  const boost::json::value& args;   // config.args, resolved
  const boost::json::value& input;  // the workflow input
  AttemptChannel& channel;          // cancellation, messages in, progress and logs out
  log::Logger logger;
  // on_interrupt: restart — the payload of the interrupt signal that restarted this task
  // (`reason`, ...); null otherwise.
  const boost::json::value& interrupt;

  bool cancelled() const { return channel.cancelled(); }
  // Reported to the engine: progress shows in the task's status, log lines in its logs
  // (GET /api/v1/workflows/{id}/tasks/{task}/logs, bounded per attempt).
  void progress(double fraction, std::string_view message) { channel.Progress(fraction, message); }
  void log(std::string_view line) { channel.Log("log", line); }
  // Signals sent to this attempt, in order, each with its workflow-wide seq; reading one
  // acknowledges it. `wait` returns nullopt after `timeout` or when the attempt is cancelled.
  std::optional<ChannelMessage> poll() { return Acked(channel.Poll()); }
  std::optional<ChannelMessage> wait(std::chrono::milliseconds timeout) { return Acked(channel.Wait(timeout)); }

 private:
  std::optional<ChannelMessage> Acked(std::optional<ChannelMessage> m) {
    if (m) channel.Ack(m->seq);
    return m;
  }
};

using TaskFunction = std::function<Result<boost::json::value>(TaskContext&)>;

struct RegisteredFunction {
  TaskFunction fn;
  bool inline_on_shard = false;
};

// Shared by the engine (RegisterFunction) and the function executor; register before
// submitting work that calls a function. Entries are never removed, so a found pointer stays
// valid.
class FunctionRegistry {
 public:
  // kAlreadyExists when the name is taken; kInvalidArgument for an empty name or function.
  Status Register(std::string name, TaskFunction fn, bool inline_on_shard = false);
  const RegisteredFunction* Find(std::string_view name) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, RegisteredFunction, std::less<>> functions_;
};

}  // namespace goclaw::exec
