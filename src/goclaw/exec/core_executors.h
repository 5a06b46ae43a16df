// The executors every engine can offer without foreign dependencies: `builtin` (noop, echo,
// sleep, fail) and `function` (C++ functions registered by name). An engine built without an
// executor factory gets exactly these; a server adds http and exec (server/executors.h).
//
// Thread-safety: build once, before the engine runs.
#pragma once

#include <functional>
#include <memory>

#include "goclaw/core/clock.h"
#include "goclaw/core/status.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/exec/builtin_executor.h"
#include "goclaw/exec/function_executor.h"
#include "goclaw/exec/function_registry.h"
#include "goclaw/exec/registry.h"
#include "goclaw/log/log.h"

namespace goclaw::exec {

// What the engine lends the executors it is built with: its clock and timers (builtin sleep),
// its function registry (Engine::RegisterFunction fills it), its logger.
struct ExecutorEnv {
  const Clock& clock;
  TimerQueue& timers;
  std::shared_ptr<const FunctionRegistry> functions;
  int function_workers = 4;
  log::Logger logger;
};

// Builds the registry an engine runs with (EngineOptions::executors).
using ExecutorFactory = std::function<Result<std::unique_ptr<ExecutorRegistry>>(const ExecutorEnv&)>;

// Registers `builtin` (with the ops other modules add) and `function` (with
// `function_options`, whose workers come from env).
Status AddCoreExecutors(ExecutorRegistry& registry, const ExecutorEnv& env,
                        FunctionExecutorOptions function_options = {},
                        std::shared_ptr<const BuiltinOps> builtin_ops = nullptr);

}  // namespace goclaw::exec
