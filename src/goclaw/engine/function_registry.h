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
#include <map>
#include <memory>
#include <string>

#include <boost/json/value.hpp>

#include "goclaw/core/status.h"
#include "goclaw/engine/cancellation.h"
#include "goclaw/log/log.h"

namespace goclaw::engine {

struct TaskContext {
  const std::string& workflow_id;
  const std::string& task_id;
  int attempt;
  const std::string& idempotency_key;
  const boost::json::value& args;   // config.args, resolved
  const boost::json::value& input;  // the workflow input
  const CancellationSource& cancel;
  log::Logger logger;
  std::function<void(double fraction, std::string_view message)> progress;

  bool cancelled() const { return cancel.cancelled(); }
};

using TaskFunction = std::function<Result<boost::json::value>(TaskContext&)>;

struct RegisteredFunction {
  TaskFunction fn;
  bool inline_on_shard = false;
};

class FunctionRegistry {
 public:
  // kAlreadyExists when the name is taken; kInvalidArgument for an empty name or function.
  Status Register(std::string name, TaskFunction fn, bool inline_on_shard = false);
  const RegisteredFunction* Find(const std::string& name) const;

 private:
  std::map<std::string, RegisteredFunction, std::less<>> functions_;
};

}  // namespace goclaw::engine
