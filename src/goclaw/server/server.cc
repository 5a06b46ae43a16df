// Builds the runtime, the services, the HTTP API and the gRPC API from config; owns their
// lifetimes and the shutdown order.
#include "goclaw/server/server.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "goclaw/service/event_fanout.h"
#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/event_stream.h"
#include "goclaw/api/http/http_metrics.h"
#include "goclaw/api/http/http_server.h"
#include "goclaw/api/http/ui_files.h"
#include "goclaw/core/url.h"
#include "goclaw/core/version.h"
#include "goclaw/metrics/collector_registry.h"
#include "goclaw/server/grpc_endpoint.h"
#include "goclaw/server/runtime.h"
#include "goclaw/service/admin_service.h"
#include "goclaw/service/health_service.h"
#include "goclaw/service/lane_service.h"
#include "goclaw/service/run_series.h"
#include "goclaw/service/memory_service.h"
#include "goclaw/service/saga_service.h"
#include "goclaw/service/session_service.h"
#include "goclaw/service/signal_service.h"
#include "goclaw/service/workflow_service.h"

namespace goclaw::server {

class Server::Impl {
 public:
  Status Init(const config::Config& config, const Server::Loggers& loggers) {
    auto logger = [&](std::string_view module) { return loggers ? loggers(module) : log::Logger(); };
    config_ = config;
    logger_ = logger("server");
    // http tasks may not call this server (executors.http.egress.allow_self): a configured
    // port is known now, before Resume runs tasks; port 0 is added once bound, below.
    auto self = std::make_shared<exec::SelfEndpoints>();
    if (config.server.port != 0) self->Add(config.server.host, static_cast<std::uint16_t>(config.server.port));
    GOCLAW_ASSIGN_OR_RETURN(runtime_, Runtime::Build(config, {.loggers = loggers,
                                                              .logger = logger_,
                                                              .executors = {.self = self},
                                                              .faults = faults_,
                                                              .workers = config.grpc.enabled && GrpcEndpoint::Available()}));
    if (setup_) setup_(runtime_->engine());
    // Before Resume: the resumed runs' ends count too (GET /api/v1/stats/series).
    series_ = std::make_shared<service::RunSeries>(clock_);
    runtime_->engine().AddObserver(series_);
    runtime_->Resume();
    engine::Engine& engine = runtime_->engine();

    // The services, then the HTTP API over them.
    workflows_ = std::make_unique<service::WorkflowService>(engine, service::WorkflowPolicyFromConfig(config),
                                                            runtime_->store());
    lanes_ = std::make_unique<service::LaneService>(engine.lanes());
    signals_ = std::make_unique<service::SignalService>(engine);
    GOCLAW_ASSIGN_OR_RETURN(sessions_, service::SessionService::Create(engine, *workflows_, config, runtime_->store(),
                                                                       logger("signal")));
    GOCLAW_ASSIGN_OR_RETURN(sagas_, service::SagaService::Create(engine, *workflows_, runtime_->store(), logger("saga")));
    if (runtime_->memory() != nullptr) memory_ = std::make_unique<service::MemoryService>(*runtime_->memory());
    admin_ = std::make_unique<service::AdminService>(runtime_->store(), engine, runtime_->data_dir());
    health_ = std::make_unique<service::HealthService>(
        engine, *admin_,
        service::HealthOptions{.version = std::string(kVersion),
                               .started_at = std::chrono::system_clock::now(),
                               .accepting = [this] { return accepting_.load(); }});
    events_ = std::make_unique<api::http::EventHub>(engine);
    metrics::CollectorRegistry& collectors = runtime_->collectors();
    collectors.Add("http", api::http::HttpCollector(http_metrics_));
    collectors.Add("ws", api::http::EventHubCollector(*events_));
    collectors.Add("saga", sagas_->Collector());
    // The saga service has one listener: a fan-out, which the event hub and gRPC's WatchSaga share.
    service::EventFanout* saga_events = &saga_events_;
    sagas_->SetEventListener([saga_events](const engine::Event& e) { saga_events->Publish(e); });
    api::http::EventHub* hub = events_.get();
    hub_listener_ = saga_events_.Add([hub](const engine::Event& e) { hub->Publish(e); });
    collectors.Add("process", metrics::ProcessCollector(std::string(kVersion)));

    api::http::ApiContext ctx;
    ctx.workflows = workflows_.get();
    ctx.lanes = lanes_.get();
    ctx.signals = signals_.get();
    ctx.sessions = sessions_.get();
    ctx.sagas = sagas_.get();
    ctx.memory = memory_.get();
    ctx.health = health_.get();
    ctx.admin = admin_.get();
    ctx.events = events_.get();
    ctx.metrics = &collectors;
    ctx.series = series_.get();
    if (worker::WorkerHub* workers = runtime_->workers()) {
      ctx.workers = [workers] { return worker::SnapshotToJson(workers->Snapshot()).as_object(); };
    }
    auto router = std::make_shared<api::http::Router>();
    api::http::AddWorkflowRoutes(*router, ctx);
    api::http::AddLaneRoutes(*router, ctx);
    api::http::AddSignalRoutes(*router, ctx);
    api::http::AddSessionRoutes(*router, ctx);
    api::http::AddSagaRoutes(*router, ctx);
    api::http::AddMemoryRoutes(*router, ctx);
    api::http::AddHealthRoutes(*router, ctx);
    api::http::AddMetricsRoute(*router, ctx);
    api::http::AddAdminRoutes(*router, ctx);
    api::http::AddWorkerRoutes(*router, ctx);
    api::http::AddEventStreamRoute(*router, ctx);
    api::http::AddStatsRoutes(*router, ctx);
    if (config.ui.enabled) api::http::AddUiRoutes(*router, LoadUi(config.ui));
    api::http::AddOpenApiRoute(*router, ctx);
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
    GOCLAW_RETURN_IF_ERROR(StartGrpc(config, logger("grpc")));
    accepting_ = true;
    const Url listening{.scheme = "http", .host = config.server.host,
                        .port = static_cast<std::uint16_t>(http_->port()), .target = "/"};
    logger_.Info("listening on {} (at most {} connections)", listening.Origin(), http_->max_connections());
    if (ui_) {
      ui_url_ = listening.Origin() + "/ui/";
      logger_.Info("web UI: serving {} at {} ({} files, {} bytes)", ui_->dir(), ui_url_, ui_->count(), ui_->bytes());
    }
    return OkStatus();
  }

  // The web UI's files (api/http/ui_files.h), or null — /ui/ then answers 503 saying how to
  // build them — with the log saying where it looked.
  std::shared_ptr<const api::http::UiFiles> LoadUi(const config::UiConfig& config) {
    std::error_code ec;
    std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) exe.clear();
    const char* env = std::getenv("GOCLAW_UI_DIR");
    const api::http::UiLocation where =
        api::http::FindUiDir({.configured = config.dir, .env = env != nullptr ? env : "", .executable = exe});
    if (where.dir.empty()) {
      std::string searched;
      for (const std::string& place : where.searched) searched += (searched.empty() ? "" : ", ") + place;
      logger_.Warn("web UI: not built, /ui/ answers 503 (looked for index.html in: {}); build it with `make ui` "
                   "and restart", searched);
      return nullptr;
    }
    auto files = api::http::UiFiles::Load(where.dir);
    if (!files) {
      logger_.Warn("web UI: not serving {}: {}; /ui/ answers 503", where.dir, files.error().message());
      return nullptr;
    }
    if (files->skipped() > 0) {
      logger_.Info("web UI: left out {} symlinks and dot-files under {}", files->skipped(), files->dir());
    }
    ui_ = std::make_shared<const api::http::UiFiles>(std::move(*files));
    return ui_;
  }

  // The gRPC API over the same services (api/grpc) and the pull workers, after the HTTP API.
  Status StartGrpc(const config::Config& config, log::Logger logger) {
    GOCLAW_ASSIGN_OR_RETURN(grpc_, GrpcEndpoint::Start({.config = &config,
                                                        .runtime = runtime_.get(),
                                                        .workflows = workflows_.get(),
                                                        .signals = signals_.get(),
                                                        .sagas = sagas_.get(),
                                                        .saga_events = &saga_events_,
                                                        .lanes = lanes_.get(),
                                                        .admin = admin_.get(),
                                                        .health = health_.get(),
                                                        .drain = [this](Millis timeout) {
                                                          accepting_ = false;  // as SIGTERM's first steps
                                                          return runtime_->Drain(timeout);
                                                        },
                                                        .logger = std::move(logger)}));
    return OkStatus();
  }

  // Stop admitting (gRPC health: NOT_SERVING); let running attempts finish
  // (shutdown.drain_timeout), pull workers still connected, and write everything; end the
  // worker streams, then the other gRPC streams and calls (grpc.drain_timeout); let HTTP
  // requests in flight finish (server.drain_timeout); then close the engine and the store.
  void Shutdown() {
    if (!http_ || done_) return;
    done_ = true;
    accepting_ = false;
    if (grpc_) grpc_->SetServing(false);
    // Pull workers stay connected while running attempts finish: their results still count.
    logger_.Info("shutting down: waiting up to {} for running tasks", FormatDuration(config_.shutdown.drain_timeout));
    const std::size_t left = runtime_->Drain(config_.shutdown.drain_timeout);
    if (left > 0) logger_.Warn("{} task attempts still running; they run again after a restart", left);
    // Then the workers are told "shutdown" and their streams end (what they still hold runs
    // again after a restart), and the other streams and calls get grpc.drain_timeout.
    if (grpc_) {
      logger_.Info("shutting down gRPC: streams end, calls get up to {}", FormatDuration(config_.grpc.drain_timeout));
      grpc_->Shutdown(config_.grpc.drain_timeout);
    }
    logger_.Info("draining requests for up to {}", FormatDuration(config_.server.drain_timeout));
    http_->Shutdown(config_.server.drain_timeout);
    if (sagas_) sagas_->SetEventListener(nullptr);  // the hub goes next
    saga_events_.Remove(hub_listener_);
    events_.reset();
    if (sessions_) sessions_->Shutdown();  // no run starts while the engine stops
    if (sagas_) sagas_->Shutdown();        // nor a saga's workflow
    // The services stay until the Impl goes: the engine may still call their callbacks while it
    // stops (a cancel that became durable).
    runtime_->Shutdown();
    logger_.Info("stopped");
  }

  ~Impl() {
    Shutdown();
    // Also after a failed Init: what listens to the engine goes first, then the engine, before
    // the services its callbacks may reach.
    grpc_.reset();
    http_.reset();
    if (sagas_) sagas_->SetEventListener(nullptr);
    saga_events_.Remove(hub_listener_);
    events_.reset();
    sessions_.reset();  // it observes the engine
    sagas_.reset();     // so does it
    runtime_.reset();
  }

  config::Config config_;
  log::Logger logger_;
  SystemClock clock_;  // the run series' (outlives the engine, which holds the series)
  service::EventFanout saga_events_;  // the saga service's events, to the hub and WatchSaga
  std::uint64_t hub_listener_ = 0;
  std::shared_ptr<store::WriteFaults> faults_;  // tests only
  Server::Setup setup_;
  std::unique_ptr<service::WorkflowService> workflows_;
  std::unique_ptr<service::LaneService> lanes_;
  std::unique_ptr<service::SignalService> signals_;
  std::unique_ptr<service::SessionService> sessions_;  // observes the engine: stopped before it
  std::unique_ptr<service::SagaService> sagas_;        // the same
  std::unique_ptr<service::MemoryService> memory_;  // over the runtime's hub
  std::unique_ptr<service::AdminService> admin_;
  std::unique_ptr<service::HealthService> health_;
  api::http::HttpMetrics http_metrics_;         // before the runtime: its collectors read it
  std::unique_ptr<Runtime> runtime_;            // store, executors, engine; after the services
  std::unique_ptr<api::http::EventHub> events_;  // before http_: connections hold it
  std::shared_ptr<const api::http::Router> router_;
  std::unique_ptr<api::http::HttpServer> http_;
  std::unique_ptr<GrpcEndpoint> grpc_;  // when grpc.enabled (and the build has gRPC)
  std::atomic<bool> accepting_{false};
  bool done_ = false;
  std::shared_ptr<service::RunSeries> series_;  // an engine observer: the engine shares it
  std::shared_ptr<const api::http::UiFiles> ui_;  // null: the UI is off or not found
  std::string ui_url_;                          // "http://host:port/ui/" when served
};

Result<std::unique_ptr<Server>> Server::Start(const config::Config& config, Loggers loggers,
                                              std::shared_ptr<store::WriteFaults> faults, Setup setup) {
  auto impl = std::make_unique<Impl>();
  impl->faults_ = std::move(faults);
  impl->setup_ = std::move(setup);
  GOCLAW_RETURN_IF_ERROR(impl->Init(config, loggers));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;
int Server::port() const { return impl_->http_->port(); }
int Server::grpc_port() const { return impl_->grpc_ ? impl_->grpc_->port() : 0; }
const std::string& Server::ui_url() const { return impl_->ui_url_; }
engine::Engine& Server::engine() { return impl_->runtime_->engine(); }
store::Store& Server::store() { return *impl_->runtime_->store(); }
const api::http::Router& Server::router() const { return *impl_->router_; }
void Server::Shutdown() { impl_->Shutdown(); }

}  // namespace goclaw::server
