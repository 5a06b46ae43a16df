// The runtime builder: store, executors, engine, collectors; the shutdown order.
#include "goclaw/server/runtime.h"

#include "goclaw/lane/lane_metrics.h"
#include "goclaw/service/engine_collector.h"
#include "goclaw/saga/saga_record.h"
#include "goclaw/signal/session_tables.h"
#include "goclaw/store/store_metrics.h"

namespace goclaw::server {
namespace {

// Every table a module keeps in the store: the engine's, the session router's and the sagas'.
std::vector<store::TableSpec> StoreTables() {
  std::vector<store::TableSpec> tables = engine::StoreTables();
  for (auto& t : signal::SessionTables()) tables.push_back(std::move(t));
  for (auto& t : saga::SagaTables()) tables.push_back(std::move(t));
  return tables;
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
  return rt;
}

Runtime::~Runtime() { Shutdown(); }

engine::Engine& Runtime::engine() { return *engine_; }
store::Store* Runtime::store() { return store_.get(); }
const std::string& Runtime::data_dir() const { return data_dir_; }
metrics::CollectorRegistry& Runtime::collectors() { return collectors_; }

std::size_t Runtime::Resume() {
  const std::size_t n = engine_->Resume();
  if (n > 0) logger_.Info("resuming {} unfinished workflows", n);
  return n;
}

std::size_t Runtime::Drain(Millis timeout) { return engine_ ? engine_->Drain(timeout) : 0; }

void Runtime::Shutdown() {
  engine_.reset();
  store_.reset();  // closes RocksDB after its last write
}

}  // namespace goclaw::server
