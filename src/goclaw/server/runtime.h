// The one runtime builder, used by `goclaw server` (server.cc) and `goclaw run`
// (apps/goclaw/cmd_run.cc): from a configuration it opens the store (RocksDB at storage.path,
// memory, or none), builds the executor registry (executors.h) and the engine with its lanes
// on them, the memory hub (whose task ops the executors get), the pull workers' hub (with
// RuntimeOptions::workers: `remote` tasks go to it; its gRPC service is the server's) and
// registers their metric collectors. It shuts them down in the reverse order: the engine (after
// an optional Drain; the worker hub is told first, so workers hear "shutdown" for what the
// engine cancels), the worker hub, then the store, after its last write.
//
//   auto runtime = Runtime::Build(config, {.loggers = loggers});
//   runtime->engine().RegisterFunction(...);    // before Resume
//   runtime->Resume();                           // unfinished workflows run again
//   ...
//   runtime->Drain(config.shutdown.drain_timeout);
//   runtime->Shutdown();
//
// What sits on top (the services, the HTTP API, a CLI's progress display) is the caller's, and
// must be stopped before Shutdown.
//
// Thread-safety: Build, Resume, Drain and Shutdown from one thread; the accessors from any
// thread until Shutdown.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "goclaw/config/config.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/status.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/engine/engine.h"
#include "goclaw/log/log.h"
#include "goclaw/memory/memory_hub.h"
#include "goclaw/metrics/collector_registry.h"
#include "goclaw/server/executors.h"
#include "goclaw/store/store.h"
#include "goclaw/worker/worker_hub.h"

namespace goclaw::server {

struct RuntimeOptions {
  // The logger of each module ("engine", "store"); none: logs are discarded.
  std::function<log::Logger(std::string_view module)> loggers;
  // Where the runtime says what it opened and resumed (the server's log); none: quiet.
  log::Logger logger;
  // false: no store at all, whatever storage.backend says — nothing is written anywhere, not
  // even to memory (`goclaw run` without --data-dir).
  bool persist = true;
  // Passed to ExecutorsFromConfig: the listeners http tasks may not call, where functions are.
  ExecutorsOptions executors;
  // Tests only: write failures injected into the store.
  std::shared_ptr<store::WriteFaults> faults;
  // Build the pull workers' hub (config.workers) for `remote` tasks: `goclaw server`, whose
  // gRPC port workers connect to. false (`goclaw run`): remote tasks are refused at submit.
  bool workers = false;
};

class Runtime {
 public:
  // Errors: the store's (kUnavailable for a directory it cannot open or lock, kFailedPrecondition
  // for a format it cannot read) and the engine's (kInvalidArgument for bad lanes or executors).
  static Result<std::unique_ptr<Runtime>> Build(const config::Config& config, RuntimeOptions options = {});
  ~Runtime();  // Shutdown() if not done
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  engine::Engine& engine();
  // Null without a store (RuntimeOptions::persist false).
  store::Store* store();
  // The memory hub (over the store; without one, over a private memory store); null when
  // memory.enabled is false.
  memory::MemoryHub* memory();
  // The pull workers' hub (serve it with worker::WorkerGrpcService; its snapshot is the workers'
  // status); null unless RuntimeOptions::workers. Lives as long as the Runtime.
  worker::WorkerHub* workers();
  // The live store's directory (storage.path with RocksDB), else "".
  const std::string& data_dir() const;
  // The engine's, the lanes' and the store's collectors; the caller adds its own (HTTP, process).
  metrics::CollectorRegistry& collectors();

  // Runs the unfinished workflows the store holds again (Engine::Resume; after RegisterFunction).
  std::size_t Resume();
  // Graceful stop, step one (Engine::Drain): no new submits or attempts, running attempts get
  // `timeout`, everything is written. Returns the attempts still running.
  std::size_t Drain(Millis timeout);
  // Destroys the engine, then closes the store. Idempotent.
  void Shutdown();

 private:
  Runtime() = default;

  log::Logger logger_;
  std::string data_dir_;
  metrics::CollectorRegistry collectors_;
  std::unique_ptr<store::Store> store_;  // outlives the engine
  std::unique_ptr<store::Store> memory_store_;  // the hub's own, when there is no store_
  std::unique_ptr<memory::MemoryHub> memory_;   // outlives the engine (its task ops call it)
  SystemClock clock_;                            // the worker hub's
  std::unique_ptr<ThreadTimerQueue> worker_timers_;  // its heartbeat deadlines ("goclaw-timers")
  std::shared_ptr<worker::WorkerHub> workers_;  // outlives the engine (the remote executor uses it)
  std::unique_ptr<engine::Engine> engine_;
};

}  // namespace goclaw::server
