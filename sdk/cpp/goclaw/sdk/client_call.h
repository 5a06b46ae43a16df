// Internal to client.cc and client_admin.cc: the stubs a Client holds and the two call shapes
// every method is written with (one unary call, one server stream read to its end), so that
// deadlines and error mapping are done in one place.
//
// Thread-safety: the stubs are thread-safe; each call has its own ClientContext.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include "goclaw/core/status.h"
#include "goclaw/sdk/client.h"
#include "goclaw/sdk/errors.h"
#include "goclaw/v1/admin.grpc.pb.h"
#include "goclaw/v1/batch.grpc.pb.h"
#include "goclaw/v1/saga.grpc.pb.h"
#include "goclaw/v1/signal.grpc.pb.h"
#include "goclaw/v1/streaming.grpc.pb.h"
#include "goclaw/v1/workflow.grpc.pb.h"

namespace goclaw::sdk {

struct Client::Stubs {
  explicit Stubs(const std::shared_ptr<grpc::Channel>& channel)
      : workflow(channel),
        streaming(channel),
        batch(channel),
        signal(channel),
        saga(channel),
        admin(channel) {}
  v1::WorkflowService::Stub workflow;
  v1::StreamingService::Stub streaming;
  v1::BatchService::Stub batch;
  v1::SignalService::Stub signal;
  v1::SagaService::Stub saga;
  v1::AdminService::Stub admin;
};

namespace internal {

inline void SetDeadline(grpc::ClientContext& ctx, std::chrono::milliseconds deadline) {
  if (deadline.count() > 0) ctx.set_deadline(std::chrono::system_clock::now() + deadline);
}

// One unary call: `call(ctx, response)` is a stub method bound to its request.
template <typename Response>
Result<Response> Unary(const std::string& target, std::chrono::milliseconds deadline,
                       const std::function<grpc::Status(grpc::ClientContext*, Response*)>& call) {
  grpc::ClientContext ctx;
  SetDeadline(ctx, deadline);
  Response response;
  grpc::Status status = call(&ctx, &response);
  if (!status.ok()) return MakeError(ErrorFromStatus(status, target));
  return response;
}

// A server stream read to its end or until `on_item` returns false (then the call is
// cancelled and the result is OK).
template <typename Item>
Status ReadStream(grpc::ClientContext& ctx, grpc::ClientReader<Item>& reader,
                  const std::string& target, const std::function<bool(const Item&)>& on_item) {
  Item item;
  while (reader.Read(&item)) {
    if (!on_item(item)) {
      ctx.TryCancel();
      while (reader.Read(&item)) {
      }
      grpc::Status ignored = reader.Finish();  // CANCELLED, as asked
      (void)ignored;
      return OkStatus();
    }
  }
  grpc::Status status = reader.Finish();
  if (!status.ok()) return MakeError(ErrorFromStatus(status, target));
  return OkStatus();
}

}  // namespace internal
}  // namespace goclaw::sdk
