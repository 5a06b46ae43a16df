// Call timing and status counting (metrics_interceptor.h).
#include "goclaw/api/grpc/metrics_interceptor.h"

#include <chrono>
#include <string>

#include "goclaw/api/grpc/grpc_status.h"

namespace goclaw::api::grpc {
namespace {

using ::grpc::experimental::InterceptionHookPoints;

class MetricsInterceptor final : public ::grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(GrpcMetrics& metrics, const char* method)
      : metrics_(metrics), method_(method != nullptr && method[0] == '/' ? method + 1 : (method ? method : "unknown")),
        start_(std::chrono::steady_clock::now()) {}
  // A call that ended without a status sent (the client went away first) counts as CANCELLED.
  ~MetricsInterceptor() override {
    if (!recorded_) Record(::grpc::StatusCode::CANCELLED);
  }

  void Intercept(::grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Record(::grpc::StatusCode code) {
    recorded_ = true;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    metrics_.Observe(method_, GrpcCodeName(code), seconds);
  }

  GrpcMetrics& metrics_;
  const std::string method_;
  const std::chrono::steady_clock::time_point start_;
  bool recorded_ = false;
};

class Factory final : public ::grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit Factory(GrpcMetrics& metrics) : metrics_(metrics) {}
  ::grpc::experimental::Interceptor* CreateServerInterceptor(::grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(metrics_, info->method());
  }

 private:
  GrpcMetrics& metrics_;
};

}  // namespace

std::unique_ptr<::grpc::experimental::ServerInterceptorFactoryInterface> NewMetricsInterceptorFactory(GrpcMetrics& metrics) {
  return std::make_unique<Factory>(metrics);
}

}  // namespace goclaw::api::grpc
