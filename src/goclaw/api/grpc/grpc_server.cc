// The gRPC server: builds the services over the context, binds, serves, and shuts down in
// order (grpc_server.h).
#include "goclaw/api/grpc/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/service_type.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <atomic>
#include <chrono>

#include "goclaw/api/grpc/grpc_context.h"
#include "goclaw/api/grpc/grpc_metrics.h"
#include "goclaw/api/grpc/grpc_services.h"
#include "goclaw/api/grpc/metrics_interceptor.h"

namespace goclaw::api::grpc {
namespace {

// Server reflection on this builder as grpc.reflection says. Linking grpc++_reflection
// registers its plugin for every server of the process (a static initializer); this option
// removes that one and adds one of its own only when asked, so each server decides.
class ReflectionOption final : public ::grpc::ServerBuilderOption {
 public:
  explicit ReflectionOption(bool enabled) : enabled_(enabled) {}
  void UpdateArguments(::grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<::grpc::ServerBuilderPlugin>>* plugins) override {
    auto reflection = std::make_unique<::grpc::reflection::ProtoServerReflectionPlugin>();
    const std::string name = reflection->name();
    std::erase_if(*plugins, [&](const auto& p) { return p->name() == name; });
    if (enabled_) plugins->push_back(std::move(reflection));
  }

 private:
  const bool enabled_;
};

std::string Address(const std::string& host, std::int64_t port) {
  const bool v6 = host.find(':') != std::string::npos && host.front() != '[';
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

class GrpcServer::Impl {
 public:
  Status Init(GrpcServerOptions options, GrpcServices services) {
    options_ = std::move(options);
    const config::GrpcConfig& config = options_.config;
    if (services.engine == nullptr || services.workflows == nullptr || services.health == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument, "the gRPC API needs the engine, the workflow and the health services");
    }
    pool_ = std::make_unique<HandlerPool>(static_cast<std::size_t>(std::max(1, options_.handler_threads)));
    timers_ = std::make_unique<ThreadTimerQueue>();
    streams_ = std::make_unique<StreamRegistry>(static_cast<std::size_t>(config.max_streams), options_.metrics);
    feed_ = std::make_unique<RunFeed>(*services.engine);
    ctx_.services = std::move(services);
    ctx_.config = config;
    ctx_.pool = pool_.get();
    ctx_.feed = feed_.get();
    ctx_.streams = streams_.get();
    ctx_.timers = timers_.get();
    ctx_.set_serving = [this](bool serving) { SetServing(serving); };
    ctx_.logger = options_.logger;

    services_.push_back(NewWorkflowService(ctx_));
    services_.push_back(NewBatchService(ctx_));
    services_.push_back(NewStreamingService(ctx_));
    services_.push_back(NewAdminService(ctx_));
    if (ctx_.services.signals != nullptr) services_.push_back(NewSignalService(ctx_));
    if (ctx_.services.sagas != nullptr && ctx_.services.saga_events != nullptr) services_.push_back(NewSagaService(ctx_));

    // grpc.health.v1 (the library's own service; a process-wide switch read when building).
    ::grpc::EnableDefaultHealthCheckService(true);
    ::grpc::ServerBuilder builder;
    const std::string address = Address(config.host, config.port);
    builder.AddListeningPort(address, ::grpc::InsecureServerCredentials(), &port_);
    builder.SetMaxReceiveMessageSize(static_cast<int>(config.max_receive_message_bytes));
    builder.SetMaxSendMessageSize(static_cast<int>(config.max_send_message_bytes));
    // A port another server holds is an error, not a port shared with it (gRPC's default on Linux).
    builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    builder.SetOption(std::make_unique<ReflectionOption>(config.reflection));
    if (options_.metrics != nullptr) {
      std::vector<std::unique_ptr<::grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
      interceptors.push_back(NewMetricsInterceptorFactory(*options_.metrics));
      builder.experimental().SetInterceptorCreators(std::move(interceptors));
    }
    for (const auto& s : services_) builder.RegisterService(s.get());
    for (::grpc::Service* s : options_.extra_services) builder.RegisterService(s);
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      server_.reset();
      return MakeError(ErrorCode::kUnavailable, "cannot serve gRPC on " + address +
                                                    " (grpc.host, grpc.port): the port is in use or the host is "
                                                    "not an address of this machine");
    }
    SetServing(true);
    options_.logger.Info("gRPC listening on {} (at most {} streams, reflection {})", Address(config.host, port_),
                         config.max_streams, config.reflection ? "on" : "off");
    return OkStatus();
  }

  void SetServing(bool serving) {
    std::lock_guard lock(serving_mu_);
    if (server_ == nullptr || shut_) return;
    if (auto* health = server_->GetHealthCheckService()) health->SetServingStatus(serving);
  }

  void Shutdown(Millis deadline) {
    {
      std::lock_guard lock(serving_mu_);
      if (shut_ || server_ == nullptr) return;
      if (auto* health = server_->GetHealthCheckService()) health->SetServingStatus(false);
      shut_ = true;
    }
    streams_->CloseAll();  // watch and log streams end (UNAVAILABLE), waiting submits answer
    server_->Shutdown(std::chrono::system_clock::now() + deadline);  // calls in flight finish
    pool_->Stop();
    timers_->Stop();
    feed_.reset();  // stops observing the engine
    options_.logger.Info("gRPC stopped");
  }

  ~Impl() {
    Shutdown(Millis(0));
    server_.reset();
    services_.clear();  // after the timers (whose waiters point at them) stopped
  }

  GrpcServerOptions options_;
  std::unique_ptr<HandlerPool> pool_;
  std::unique_ptr<ThreadTimerQueue> timers_;
  std::unique_ptr<StreamRegistry> streams_;
  std::unique_ptr<RunFeed> feed_;
  GrpcContext ctx_;
  std::vector<std::unique_ptr<::grpc::Service>> services_;
  std::unique_ptr<::grpc::Server> server_;
  int port_ = 0;
  std::mutex serving_mu_;
  bool shut_ = false;
};

Result<std::unique_ptr<GrpcServer>> GrpcServer::Start(GrpcServerOptions options, GrpcServices services) {
  auto impl = std::make_unique<Impl>();
  GOCLAW_RETURN_IF_ERROR(impl->Init(std::move(options), std::move(services)));
  return std::unique_ptr<GrpcServer>(new GrpcServer(std::move(impl)));
}

GrpcServer::GrpcServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GrpcServer::~GrpcServer() = default;
int GrpcServer::port() const { return impl_->port_; }
void GrpcServer::SetServing(bool serving) { impl_->SetServing(serving); }
std::size_t GrpcServer::open_streams() const { return impl_->streams_->open_streams(); }
void GrpcServer::Shutdown(Millis deadline) { impl_->Shutdown(deadline); }

}  // namespace goclaw::api::grpc
