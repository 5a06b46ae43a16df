// How an engine is built (engine.h): lanes, shards, limits, executors, clock and timers, store
// and retention. EngineOptionsFromConfig (engine.h) fills it from a configuration.
//
// Thread-safety: a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "goclaw/config/config.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/engine/signal_types.h"
#include "goclaw/exec/core_executors.h"
#include "goclaw/log/log.h"
#include "goclaw/store/store.h"

namespace goclaw::engine {

struct EngineOptions {
  std::vector<config::LaneConfig> lanes;  // empty: one "default" lane
  int shards = 0;                         // 0: one per core
  int function_workers = 4;               // threads for non-inline functions
  // Builds the executor registry (exec/registry.h) with the engine's clock, timers and
  // function registry; none: builtin and function only (exec/core_executors.h). A server
  // builds it from its config (server/executors.h).
  exec::ExecutorFactory executors;
  std::size_t max_output_bytes = 1u << 20;            // one task's output
  std::size_t max_config_bytes = 1u << 20;            // a task's config after {{...}}
  std::size_t max_workflow_output_bytes = 64u << 20;  // all outputs of one workflow
  std::size_t max_attempt_log_bytes = 64u << 10;      // one attempt's log lines, together
  SignalOptions signals;                              // signals.* (signal_types.h)
  const Clock* clock = nullptr;                       // default: the system clock
  TimerQueue* timers = nullptr;                       // default: a timer thread owned by the engine
  log::Logger logger;
  std::uint64_t seed = 0;  // retry jitter; 0 = random
  // Persistence: none when null. Must outlive the engine, and be opened with StoreTables().
  store::Store* store = nullptr;
  Millis evict_after{10000};  // a finished workflow stays in memory this long (with a store)
  Millis retention{0};        // finished workflows older than this are erased; 0 = kept
};

}  // namespace goclaw::engine
