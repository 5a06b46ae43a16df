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

#include "goclaw/exec/executor.h"
#include "goclaw/exec/function_registry.h"
#include "goclaw/log/log.h"

namespace goclaw::exec {

struct FunctionExecutorOptions {
  int workers = 4;  // threads for functions not registered inline
  // Whether validation may refuse names not registered (yes where functions are registered
  // before specs arrive: a server, an embedding program), and where: "on this server".
  bool check_names = true;
  std::string where = "here";
};

class FunctionExecutor final : public Executor {
 public:
  FunctionExecutor(std::shared_ptr<const FunctionRegistry> registry, FunctionExecutorOptions options,
                   log::Logger logger);
  ~FunctionExecutor() override;  // Shutdown()
  FunctionExecutor(const FunctionExecutor&) = delete;
  FunctionExecutor& operator=(const FunctionExecutor&) = delete;

  void Start(Attempt attempt, AttemptDone done) override;
  // config.name must be a string naming a registered function (with check_names).
  void CheckConfig(const boost::json::object& config, const std::string& path,
                   Diagnostics& diag) const override;
  // Running calls finish; calls still queued fail with kCancelled.
  void Shutdown() override;

 private:
  struct Call {
    Attempt attempt;
    AttemptDone done;
    const RegisteredFunction* fn;
  };
  void Run(Call& call) const;
  void Work(std::stop_token stop);

  const std::shared_ptr<const FunctionRegistry> registry_;
  const FunctionExecutorOptions options_;
  log::Logger logger_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::deque<Call> queue_;
  std::vector<std::jthread> workers_;
};

}  // namespace goclaw::exec
