// Internal to the gRPC API: what its service implementations share (the application services,
// the handler pool, the run feed, the stream registry, the timers) and the helpers every
// handler uses to answer. Included by the module's .cc files only (it pulls in gRPC).
//
// Thread-safety: the context is built once by the server and read-only afterwards; the
// objects it points to document their own.
#pragma once

#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <string>

#include "goclaw/api/grpc/grpc_server.h"
#include "goclaw/api/grpc/grpc_status.h"
#include "goclaw/api/grpc/handler_pool.h"
#include "goclaw/api/grpc/run_feed.h"
#include "goclaw/api/grpc/stream_registry.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/core/unique_function.h"

namespace goclaw::api::grpc {

struct GrpcContext {
  GrpcServices services;
  config::GrpcConfig config;
  HandlerPool* pool = nullptr;
  RunFeed* feed = nullptr;
  StreamRegistry* streams = nullptr;
  TimerQueue* timers = nullptr;
  std::function<void(bool)> set_serving;  // grpc.health.v1
  log::Logger logger;
};

// An error as the call's status.
inline ::grpc::Status Fail(const Error& e) { return ToGrpcStatus(e); }
// INVALID_ARGUMENT naming one field of the request.
::grpc::Status InvalidField(const std::string& path, const std::string& problem);

// Runs `fn` on the handler pool and finishes `reactor` with the status it returns (the
// response it filled is sent with OK); UNAVAILABLE when the pool has stopped.
void FinishOnPool(const GrpcContext& ctx, ::grpc::ServerUnaryReactor* reactor,
                  UniqueFunction<::grpc::Status()> fn);

// Runs `fn` on the handler pool; `fn` finishes the call (now or from a later callback).
// UNAVAILABLE at once when the pool has stopped.
void PostOrFail(const GrpcContext& ctx, ::grpc::ServerUnaryReactor* reactor, UniqueFunction<void()> fn);

// Pagination: page_size 1..1000 (0: `default_size`); the token is the offset this API handed
// out. INVALID_ARGUMENT with "pagination.page_size" / "pagination.page_token".
struct Page {
  std::size_t offset = 0;
  std::size_t size = 0;
};
Result<Page> ReadPage(std::int32_t page_size, const std::string& page_token, std::size_t default_size);

}  // namespace goclaw::api::grpc
