// Builds engine + API from config; owns their lifetimes and the shutdown order.
#include "goclaw/server/server.h"

#include <algorithm>
#include <atomic>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/event_stream.h"
#include "goclaw/api/http/http_metrics.h"
#include "goclaw/api/http/http_server.h"
#include "goclaw/core/version.h"

namespace goclaw::server {

class Server::Impl {
 public:
  Status Init(const config::Config& config, const Server::Loggers& loggers) {
    auto logger = [&](std::string_view module) { return loggers ? loggers(module) : log::Logger(); };
    config_ = config;
    logger_ = logger("server");
    if (config.storage.backend == config::StorageBackend::kRocksDb) {
      store::StoreOptions sopts;
      sopts.path = config.storage.path;
      sopts.sync = config.storage.sync_mode;
      sopts.faults = faults_;
      sopts.logger = logger("store");
      GOCLAW_ASSIGN_OR_RETURN(store_, store::OpenRocksDbStore(sopts));
      logger_.Info("store: rocksdb at {} (sync_mode {})", config.storage.path, SyncModeName(config.storage.sync_mode));
    } else {
      store_ = store::NewMemoryStore(faults_);
      logger_.Info("store: memory (nothing survives a restart)");
    }
    engine::EngineOptions eopts = engine::EngineOptionsFromConfig(config);
    eopts.logger = logger("engine");
    eopts.store = store_.get();
    // http tasks may not call this server (executors.http.egress.allow_self): a configured
    // port is known now, before Resume runs tasks; port 0 is added once bound, below.
    auto self = std::make_shared<engine::SelfEndpoints>();
    if (config.server.port != 0) self->Add(config.server.host, static_cast<std::uint16_t>(config.server.port));
    eopts.http.egress.self = self;
    GOCLAW_ASSIGN_OR_RETURN(engine_, engine::Engine::Create(std::move(eopts)));
    if (std::size_t n = engine_->Resume(); n > 0) logger_.Info("resuming {} unfinished workflows", n);

    events_ = std::make_unique<api::http::EventHub>(*engine_);
    ctx_.engine = engine_.get();
    ctx_.events = events_.get();
    ctx_.store = store_.get();
    ctx_.http_metrics = &http_metrics_;
    ctx_.limits.max_tasks = static_cast<std::size_t>(config.dag.max_tasks);
    ctx_.limits.max_spec_bytes = static_cast<std::size_t>(config.dag.max_spec_bytes);
    ctx_.max_status_bytes = static_cast<std::size_t>(config.limits.max_status_bytes);
    // A wait longer than request_timeout would be cut with 504: it is lowered to that instead.
    ctx_.wait_limit = config.server.request_timeout;
    ctx_.default_wait = std::min(ctx_.default_wait, ctx_.wait_limit);
    if (config.storage.backend == config::StorageBackend::kRocksDb) ctx_.data_dir = config.storage.path;
    ctx_.max_lineage_depth = static_cast<int>(config.limits.max_lineage_depth);
    ctx_.version = kVersion;
    ctx_.started_at = std::chrono::system_clock::now();
    ctx_.accepting = [this] { return accepting_.load(); };
    auto router = std::make_shared<api::http::Router>();
    api::http::AddWorkflowRoutes(*router, ctx_);
    api::http::AddLaneRoutes(*router, ctx_);
    api::http::AddHealthRoutes(*router, ctx_);
    api::http::AddMetricsRoute(*router, ctx_);
    api::http::AddAdminRoutes(*router, ctx_);
    api::http::AddEventStreamRoute(*router, ctx_);
    api::http::AddOpenApiRoute(*router, ctx_);
    router_ = router;

    api::http::HttpServerOptions hopts;
    hopts.host = config.server.host;
    hopts.port = static_cast<int>(config.server.port);
    hopts.io_threads = static_cast<int>(config.server.io_threads);
    hopts.handler_threads = static_cast<int>(config.server.handler_threads);
    hopts.max_body_bytes = static_cast<std::size_t>(config.server.max_body_bytes);
    hopts.header_timeout = config.server.header_timeout;
    hopts.idle_timeout = config.server.idle_timeout;
    hopts.request_timeout = config.server.request_timeout;
    hopts.cors_origins = config.server.cors_origins;
    hopts.ws_max_queued_bytes = static_cast<std::size_t>(config.server.ws_max_queued_bytes);
    hopts.allowed_hosts = config.server.allowed_hosts;
    hopts.max_connections = config.server.max_connections;
    hopts.body_timeout = config.server.body_timeout;
    hopts.on_connection_refused = [this] { http_metrics_.ConnectionRefused(); };
    hopts.observer = [this](const api::http::HttpRequest& req, int status, double seconds) {
      http_metrics_.Observe(req, status, seconds);
    };
    hopts.logger = logger("api");
    GOCLAW_ASSIGN_OR_RETURN(http_, api::http::HttpServer::Start(std::move(hopts), std::move(router)));
    if (config.server.port == 0) self->Add(config.server.host, static_cast<std::uint16_t>(http_->port()));
    accepting_ = true;
    logger_.Info("listening on http://{}:{} (at most {} connections)", config.server.host, http_->port(),
                 http_->max_connections());
    return OkStatus();
  }

  // Stop admitting, let running attempts finish (shutdown.drain_timeout), write everything,
  // let requests in flight finish (server.drain_timeout), then close the engine and the store.
  void Shutdown() {
    if (!http_ || done_) return;
    done_ = true;
    accepting_ = false;
    logger_.Info("shutting down: waiting up to {} for running tasks", FormatDuration(config_.shutdown.drain_timeout));
    const std::size_t left = engine_->Drain(config_.shutdown.drain_timeout);
    if (left > 0) logger_.Warn("{} task attempts still running; they run again after a restart", left);
    logger_.Info("draining requests for up to {}", FormatDuration(config_.server.drain_timeout));
    http_->Shutdown(config_.server.drain_timeout);
    events_.reset();
    engine_.reset();
    store_.reset();  // closes RocksDB after its last write
    logger_.Info("stopped");
  }

  ~Impl() { Shutdown(); }

  config::Config config_;
  log::Logger logger_;
  std::shared_ptr<store::WriteFaults> faults_;  // tests only
  std::unique_ptr<store::Store> store_;         // outlives the engine
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<api::http::EventHub> events_;  // before http_: connections hold it
  api::http::HttpMetrics http_metrics_;
  api::http::ApiContext ctx_;
  std::shared_ptr<const api::http::Router> router_;
  std::unique_ptr<api::http::HttpServer> http_;
  std::atomic<bool> accepting_{false};
  bool done_ = false;
};

Result<std::unique_ptr<Server>> Server::Start(const config::Config& config, Loggers loggers,
                                              std::shared_ptr<store::WriteFaults> faults) {
  auto impl = std::make_unique<Impl>();
  impl->faults_ = std::move(faults);
  GOCLAW_RETURN_IF_ERROR(impl->Init(config, loggers));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;
int Server::port() const { return impl_->http_->port(); }
engine::Engine& Server::engine() { return *impl_->engine_; }
store::Store& Server::store() { return *impl_->store_; }
const api::http::Router& Server::router() const { return *impl_->router_; }
void Server::Shutdown() { impl_->Shutdown(); }

}  // namespace goclaw::server
