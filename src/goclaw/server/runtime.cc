// The runtime builder: store, executors, engine, collectors; the shutdown order.
#include "goclaw/server/runtime.h"

#include <cstdlib>

#include "goclaw/lane/lane_metrics.h"
#include "goclaw/memory/memory_metrics.h"
#include "goclaw/memory/memory_task_ops.h"
#include "goclaw/service/engine_collector.h"
#include "goclaw/saga/saga_record.h"
#include "goclaw/signal/session_tables.h"
#include "goclaw/store/store_metrics.h"
#include "goclaw/worker/worker_metrics.h"

namespace goclaw::server {
namespace {

// Every table a module keeps in the store: the engine's, the session router's and the sagas'.
std::vector<store::TableSpec> StoreTables() {
  std::vector<store::TableSpec> tables = engine::StoreTables();
  for (auto& t : signal::SessionTables()) tables.push_back(std::move(t));
  for (auto& t : saga::SagaTables()) tables.push_back(std::move(t));
  for (auto& t : memory::MemoryTables()) tables.push_back(std::move(t));
  return tables;
}

// memory.embedder: builtin (hashing), http (OpenAI-compatible) or none.
Result<std::unique_ptr<memory::Embedder>> EmbedderFromConfig(const config::MemoryEmbedderConfig& c) {
  if (c.kind == "none") return std::unique_ptr<memory::Embedder>();
  if (c.kind == "builtin") return memory::NewHashingEmbedder(static_cast<std::size_t>(c.dimensions));
  memory::HttpEmbedderOptions h;
  h.url = c.url;
  h.model = c.model;
  if (!c.api_key_env.empty()) {
    const char* key = std::getenv(c.api_key_env.c_str());
    if (key == nullptr || *key == '\0') {
      return MakeError(ErrorCode::kInvalidArgument, "memory.embedder.api_key_env names " + c.api_key_env +
                                                    ", which is not set in the environment");
    }
    h.api_key = key;
  }
  h.dimensions = static_cast<std::size_t>(c.dimensions);
  h.timeout = c.timeout;
  return memory::NewHttpEmbedder(std::move(h));
}

}  // namespace

Result<std::unique_ptr<Runtime>> Runtime::Build(const config::Config& config, RuntimeOptions options) {
  auto logger = [&](std::string_view module) { return options.loggers ? options.loggers(module) : log::Logger(); };
  std::unique_ptr<Runtime> rt(new Runtime());
  rt->logger_ = options.logger;
  if (!options.persist) {
    // No store: the engine keeps everything in memory and writes nothing.
  } else if (config.storage.backend == config::StorageBackend::kRocksDb) {
    store::StoreOptions sopts;
    sopts.path = config.storage.path;
    sopts.sync = config.storage.sync_mode;
    sopts.faults = options.faults;
    sopts.logger = logger("store");
    sopts.tables = StoreTables();
    GOCLAW_ASSIGN_OR_RETURN(rt->store_, store::OpenRocksDbStore(sopts));
    rt->data_dir_ = config.storage.path;
    rt->logger_.Info("store: rocksdb at {} (sync_mode {})", config.storage.path, SyncModeName(config.storage.sync_mode));
  } else {
    GOCLAW_ASSIGN_OR_RETURN(rt->store_, store::OpenMemoryStore({.faults = options.faults, .tables = StoreTables()}));
    rt->logger_.Info("store: memory (nothing survives a restart)");
  }

  if (config.memory.enabled) {
    store::Store* memory_store = rt->store_.get();
    if (memory_store == nullptr) {
      GOCLAW_ASSIGN_OR_RETURN(rt->memory_store_, store::OpenMemoryStore({.tables = memory::MemoryTables()}));
      memory_store = rt->memory_store_.get();
    }
    GOCLAW_ASSIGN_OR_RETURN(auto embedder, EmbedderFromConfig(config.memory.embedder));
    GOCLAW_ASSIGN_OR_RETURN(rt->memory_, memory::MemoryHub::Open(*memory_store, {.config = config.memory,
                                                                               .embedder = std::move(embedder),
                                                                               .logger = logger("memory")}));
    options.executors.builtin_ops = std::make_shared<const exec::BuiltinOps>(memory::MemoryBuiltinOps(rt->memory_.get()));
  }

  if (options.workers) {
    rt->worker_timers_ = std::make_unique<ThreadTimerQueue>();
    rt->workers_ = worker::WorkerHub::Create({.config = config.workers,
                                              .clock = &rt->clock_,
                                              .timers = rt->worker_timers_.get(),
                                              .logger = logger("workers")});
    options.executors.workers = rt->workers_;
  }

  engine::EngineOptions eopts = engine::EngineOptionsFromConfig(config);
  eopts.logger = logger("engine");
  eopts.store = rt->store_.get();
  eopts.executors = ExecutorsFromConfig(config, std::move(options.executors));
  GOCLAW_ASSIGN_OR_RETURN(rt->engine_, engine::Engine::Create(std::move(eopts)));

  engine::Engine& engine = *rt->engine_;
  rt->collectors_.Add("engine", service::EngineCollector(engine));
  rt->collectors_.Add("lanes", lane::LaneCollector(engine.lanes()));
  if (rt->store_) {
    rt->collectors_.Add("store", store::StoreCollector(*rt->store_, [&engine] { return engine.StoreHealthy(); }));
  }
  if (rt->memory_) rt->collectors_.Add("memory", memory::MemoryCollector(*rt->memory_));
  if (rt->workers_) rt->collectors_.Add("workers", worker::WorkerCollector(*rt->workers_));
  return rt;
}

Runtime::~Runtime() { Shutdown(); }

engine::Engine& Runtime::engine() { return *engine_; }
store::Store* Runtime::store() { return store_.get(); }
memory::MemoryHub* Runtime::memory() { return memory_.get(); }
worker::WorkerHub* Runtime::workers() { return workers_.get(); }
const std::string& Runtime::data_dir() const { return data_dir_; }
metrics::CollectorRegistry& Runtime::collectors() { return collectors_; }

std::size_t Runtime::Resume() {
  const std::size_t n = engine_->Resume();
  if (n > 0) logger_.Info("resuming {} unfinished workflows", n);
  return n;
}

std::size_t Runtime::Drain(Millis timeout) { return engine_ ? engine_->Drain(timeout) : 0; }

void Runtime::Shutdown() {
  // The engine cancels what still runs as it stops: workers hear "shutdown" for those. Its
  // executors' Shutdown then shuts the hub (worker streams end); again here, for a failed Build.
  if (workers_) workers_->BeginShutdown();
  engine_.reset();
  if (workers_) workers_->Shutdown();
  if (worker_timers_) worker_timers_->Stop();  // the hub stays (collectors may read it), idle
  memory_.reset();  // its last reviews are queued before the store closes
  memory_store_.reset();
  store_.reset();  // closes RocksDB after its last write
}

}  // namespace goclaw::server
