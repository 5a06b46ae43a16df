// goclaw.v1.SignalService over service::SignalService, as POST/GET
// /api/v1/workflows/{id}/signals: SignalTask is answered once the signal is stored.
//
// The request's kind is `kind`, else the reference Goclaw's `type` enum. Its payload is
// `payload_json`, else `parameters` (a steer signal's `{"parameters": {...}}`; any other kind's
// payload object itself), else {}; an interrupt's `reason` goes into its payload.
#include "goclaw/api/grpc/grpc_services.h"
#include "goclaw/api/grpc/proto_convert.h"
#include "goclaw/core/json_text.h"
#include "goclaw/engine/signal_types.h"
#include "goclaw/service/errors.h"
#include "goclaw/service/signal_service.h"
#include "goclaw/v1/signal.grpc.pb.h"

namespace goclaw::api::grpc {
namespace {

using ::grpc::CallbackServerContext;
using ::grpc::ServerUnaryReactor;

std::string KindOf(v1::SignalType type) {
  switch (type) {
    case v1::SIGNAL_TYPE_STEER: return std::string(engine::kSteerSignal);
    case v1::SIGNAL_TYPE_INTERRUPT: return std::string(engine::kInterruptSignal);
    case v1::SIGNAL_TYPE_COLLECT: return std::string(engine::kCollectSignal);
    case v1::SIGNAL_TYPE_APPROVE: return "approve";
    default: return "";
  }
}

// The signal as the body SignalService reads ({"kind", "task", "payload"}).
Result<std::string> SignalBody(const v1::SignalTaskRequest& req) {
  std::string kind = req.kind().empty() ? KindOf(req.type()) : req.kind();
  if (kind.empty()) {
    return MakeError(Error(ErrorCode::kInvalidArgument, "kind: is required",
                           {{"kind", "is required: steer, interrupt, collect, approve or a custom kind (or the `type` enum)", 0, ""}}));
  }
  boost::json::value payload = boost::json::object();
  if (!req.payload_json().empty()) {
    auto parsed = ParseJsonText(req.payload_json(), "payload_json");
    if (!parsed) {
      Error e(ErrorCode::kInvalidArgument, "payload_json is not valid JSON", {{"payload_json", parsed.error().message(), 0, ""}});
      return MakeError(std::move(e.WithReason(std::string(service::kReasonMalformed))));
    }
    payload = std::move(*parsed);
  } else if (!req.parameters().empty()) {
    boost::json::object params;
    for (const auto& [k, v] : req.parameters()) params[k] = v;
    if (kind == engine::kSteerSignal) {
      payload = boost::json::object{{"parameters", std::move(params)}};
    } else {
      payload = std::move(params);
    }
  }
  if (kind == engine::kInterruptSignal && !req.reason().empty()) {
    if (auto* o = payload.if_object(); o != nullptr && !o->contains("reason")) (*o)["reason"] = req.reason();
  }
  boost::json::object body{{"kind", kind}, {"payload", std::move(payload)}};
  if (!req.task_id().empty()) body["task"] = req.task_id();
  return JsonText(body);
}

class SignalGrpcService final : public v1::SignalService::CallbackService {
 public:
  explicit SignalGrpcService(const GrpcContext& ctx) : ctx_(ctx), signals_(*ctx.services.signals) {}

  ServerUnaryReactor* SignalTask(CallbackServerContext* call, const v1::SignalTaskRequest* req,
                                 v1::SignalTaskResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (req->workflow_id().empty()) {
      reactor->Finish(InvalidField("workflow_id", "is required: a signal names its workflow"));
      return reactor;
    }
    auto body = SignalBody(*req);
    if (!body) {
      reactor->Finish(Fail(body.error()));
      return reactor;
    }
    // From the pool (a finished workflow is read from the store); answered once the signal is
    // durable (on a store or shard thread).
    PostOrFail(ctx_, reactor, [this, reactor, req, resp, body = std::move(*body)] {
      signals_.Send(req->workflow_id(), body, [reactor, resp](Result<boost::json::object> accepted) {
        if (!accepted) return reactor->Finish(Fail(accepted.error()));
        resp->set_success(true);
        resp->set_workflow_id(StringOf(*accepted, "workflow_id"));
        resp->set_seq(IntOf(*accepted, "seq"));
        resp->set_kind(StringOf(*accepted, "kind"));
        resp->set_task_id(StringOf(*accepted, "task"));
        resp->set_state(StringOf(*accepted, "state"));
        reactor->Finish(::grpc::Status::OK);
      });
    });
    return reactor;
  }

  ServerUnaryReactor* ListSignals(CallbackServerContext* call, const v1::ListSignalsRequest* req,
                                  v1::ListSignalsResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    FinishOnPool(ctx_, reactor, [this, req, resp]() -> ::grpc::Status {
      if (req->workflow_id().empty()) return InvalidField("workflow_id", "is required");
      auto list = signals_.List(req->workflow_id(), req->task_id());
      if (!list) return Fail(list.error());
      resp->set_workflow_id(req->workflow_id());
      for (const auto& s : list->at("signals").as_array()) SignalInfoFromJson(s.as_object(), resp->add_signals());
      return ::grpc::Status::OK;
    });
    return reactor;
  }

 private:
  const GrpcContext ctx_;
  service::SignalService& signals_;
};

}  // namespace

std::unique_ptr<::grpc::Service> NewSignalService(const GrpcContext& ctx) {
  return std::make_unique<SignalGrpcService>(ctx);
}

}  // namespace goclaw::api::grpc
