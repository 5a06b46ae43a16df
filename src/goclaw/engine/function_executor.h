// `function` tasks: calls a function registered on the engine (config.name) with config.args.
// Inline functions run on the calling shard thread; the others on a bounded pool of worker
// threads (`workers`), so a slow or blocking function never stalls a shard. Exceptions thrown
// by the function fail the attempt (retryable) with the exception's message.
//
// Thread-safety: Start may be called from any thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "goclaw/engine/executor.h"
#include "goclaw/engine/function_registry.h"
#include "goclaw/log/log.h"

namespace goclaw::engine {

class FunctionExecutor final : public Executor {
 public:
  FunctionExecutor(const FunctionRegistry& registry, int workers, log::Logger logger);
  // Running calls finish; calls still queued fail with kCancelled.
  ~FunctionExecutor() override;
  FunctionExecutor(const FunctionExecutor&) = delete;
  FunctionExecutor& operator=(const FunctionExecutor&) = delete;

  void Start(Attempt attempt, AttemptDone done) override;

 private:
  struct Call {
    Attempt attempt;
    AttemptDone done;
    const RegisteredFunction* fn;
  };
  void Run(Call& call) const;
  void Work(std::stop_token stop);

  const FunctionRegistry& registry_;
  log::Logger logger_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<Call> queue_;
  std::vector<std::jthread> workers_;
};

}  // namespace goclaw::engine
