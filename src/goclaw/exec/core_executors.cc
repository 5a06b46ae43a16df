// builtin + function (core_executors.h).
#include "goclaw/exec/core_executors.h"

#include "goclaw/exec/builtin_executor.h"

namespace goclaw::exec {

Status AddCoreExecutors(ExecutorRegistry& registry, const ExecutorEnv& env,
                        FunctionExecutorOptions function_options, std::shared_ptr<const BuiltinOps> builtin_ops) {
  GOCLAW_RETURN_IF_ERROR(
      registry.Register("builtin", std::make_unique<BuiltinExecutor>(env.clock, env.timers, std::move(builtin_ops))));
  function_options.workers = env.function_workers;
  return registry.Register("function", std::make_unique<FunctionExecutor>(env.functions, std::move(function_options), env.logger));
}

}  // namespace goclaw::exec
