// goclaw.v1.SagaService over service::SagaService, as the REST saga routes use it
// (api/http/saga_routes.cc), and WatchSaga: the saga's current state, then each of its events
// as the saga service publishes it (through the server's EventFanout; no polling), until it
// settles (a terminal state, or pending-compensation).
#include <algorithm>
#include <optional>

#include "goclaw/service/event_fanout.h"
#include "goclaw/api/grpc/grpc_services.h"
#include "goclaw/api/grpc/outbox_reactor.h"
#include "goclaw/api/grpc/proto_convert.h"
#include "goclaw/core/document.h"
#include "goclaw/core/json_text.h"
#include "goclaw/saga/saga_states.h"
#include "goclaw/service/saga_service.h"
#include "goclaw/service/workflow_service.h"
#include "goclaw/v1/saga.grpc.pb.h"

namespace goclaw::api::grpc {
namespace {

using ::grpc::CallbackServerContext;
using ::grpc::ServerUnaryReactor;

v1::SagaState ToProto(saga::SagaState s) { return static_cast<v1::SagaState>(static_cast<int>(s) + 1); }
v1::SagaState SagaStateNamed(std::string_view name) {
  auto s = saga::ParseSagaState(name);
  return s ? ToProto(*s) : v1::SAGA_STATE_UNSPECIFIED;
}
// Where Wait stops too: nothing changes until someone asks.
bool Settled(v1::SagaState s) {
  return s == v1::SAGA_STATE_COMPLETED || s == v1::SAGA_STATE_COMPENSATED || s == v1::SAGA_STATE_COMPENSATION_FAILED ||
         s == v1::SAGA_STATE_PENDING_COMPENSATION;
}

void StatusFromJson(const boost::json::object& v, v1::GetSagaStatusResponse* out) {
  out->set_saga_id(StringOf(v, "saga_id"));
  out->set_name(StringOf(v, "name"));
  out->set_state(SagaStateNamed(StringOf(v, "state")));
  out->set_policy(StringOf(v, "policy"));
  out->set_failed_step(StringOf(v, "failed_step"));
  out->set_failure_reason(StringOf(v, "failure_reason"));
  out->set_reason(StringOf(v, "reason"));
  if (const auto* skipped = v.if_contains("compensation_skipped"); skipped && skipped->is_bool()) {
    out->set_compensation_skipped(skipped->get_bool());
  }
  out->set_workflow_id(StringOf(v, "workflow_id"));
  out->set_compensation_workflow_id(StringOf(v, "compensation_workflow_id"));
  out->set_compensation_round(static_cast<std::int32_t>(IntOf(v, "compensation_round")));
  auto strings = [&](const char* key, auto* list) {
    if (const auto* a = v.if_contains(key); a && a->is_array()) {
      for (const auto& s : a->get_array()) {
        if (s.is_string()) list->Add(std::string(s.get_string()));
      }
    }
  };
  strings("completed_steps", out->mutable_completed_steps());
  strings("compensated_steps", out->mutable_compensated_steps());
  if (const auto* results = v.if_contains("step_results"); results && results->is_object()) {
    for (const auto& kv : results->get_object()) {
      v1::SagaStepResult* r = out->add_step_results();
      r->set_step_id(std::string(kv.key()));
      r->set_result_json(JsonText(kv.value()));
    }
  }
  for (const auto& [key, field] : {std::pair{"created_at", out->mutable_created_at()}, {"updated_at", out->mutable_updated_at()},
                                   {"started_at", out->mutable_started_at()}, {"completed_at", out->mutable_completed_at()}}) {
    SetTimestamp(v.if_contains(key), field);
  }
  if (!out->completed_at().seconds() && !out->completed_at().nanos()) out->clear_completed_at();
  if (const auto* steps = v.if_contains("steps"); steps && steps->is_array()) {
    for (const auto& sv : steps->get_array()) {
      const boost::json::object& s = sv.as_object();
      v1::SagaStepStatus* st = out->add_steps();
      st->set_step_id(StringOf(s, "id"));
      st->set_state(StringOf(s, "state"));
      st->set_attempts(static_cast<std::int32_t>(IntOf(s, "attempts")));
      st->set_error(StringOf(s, "error"));
      if (const auto* c = s.if_contains("compensation"); c && c->is_object()) {
        st->set_compensation_state(StringOf(c->get_object(), "state"));
        st->set_compensation_attempts(static_cast<std::int32_t>(IntOf(c->get_object(), "attempts")));
        st->set_compensation_error(StringOf(c->get_object(), "error"));
      }
    }
  }
}

// WatchSaga: registers with the fan-out first, then reads the saga, then lets through what
// arrived meanwhile (dropping state changes older than what was read).
class SagaWatch final : public OutboxReactor<::grpc::ServerWriteReactor<v1::WatchSagaEvent>, v1::WatchSagaEvent> {
 public:
  static ::grpc::ServerWriteReactor<v1::WatchSagaEvent>* Start(const GrpcContext& ctx, std::string saga_id) {
    auto w = std::make_shared<SagaWatch>(ctx, std::move(saga_id));
    w->Own(w);
    if (w->saga_id_.empty()) {
      w->End(InvalidField("saga_id", "is required"));
    } else if (w->Register(*ctx.streams, /*counted=*/true)) {
      std::weak_ptr<SagaWatch> weak = w;
      const std::uint64_t handle = ctx.services.saga_events->Add([weak](const engine::Event& e) {
        if (auto self = weak.lock()) self->OnSagaEvent(e);
      });
      {
        std::lock_guard lock(w->mu_);
        w->handle_ = handle;
      }
      if (!ctx.pool->Post([w] { w->ReadCurrent(); })) w->End(::grpc::Status(::grpc::StatusCode::UNAVAILABLE, "shutting down"));
    }
    return w.get();
  }

  SagaWatch(const GrpcContext& ctx, std::string saga_id) : ctx_(ctx), saga_id_(std::move(saga_id)) {}

 private:
  void OnSagaEvent(const engine::Event& e) {
    if (e.workflow_id != saga_id_) return;
    std::lock_guard lock(mu_);
    if (!current_) {
      stash_.push_back(e);
      return;
    }
    Emit(e);
  }

  void ReadCurrent() {
    auto view = ctx_.services.sagas->Get(saga_id_);
    if (!view) return End(Fail(view.error()));
    v1::WatchSagaEvent first;
    first.set_saga_id(saga_id_);
    first.set_state(SagaStateNamed(StringOf(*view, "state")));
    first.set_event("saga." + StringOf(*view, "state"));
    first.set_failed_step(StringOf(*view, "failed_step"));
    first.set_failure_reason(StringOf(*view, "failure_reason"));
    SetTimestamp(view->if_contains("updated_at"), first.mutable_updated_at());
    std::lock_guard lock(mu_);
    current_ = first;
    Send(first);
    if (Settled(first.state())) return End(::grpc::Status::OK);
    // What arrived while the saga was read: the read shows its state as of `read_at` (to the
    // millisecond), so older changes are dropped; in that millisecond, those up to the one
    // that gave the state read.
    const auto ms = [](Clock::WallTime t) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    };
    const std::int64_t read_at = first.updated_at().seconds() * 1000 + first.updated_at().nanos() / 1000000;
    bool past_read = std::none_of(stash_.begin(), stash_.end(), [&](const engine::Event& e) {
      return e.task_id.empty() && ms(e.time) == read_at;
    });
    for (const engine::Event& e : stash_) {
      const std::int64_t at = ms(e.time);
      if (at < read_at) continue;
      if (at == read_at && !past_read) {
        if (e.task_id.empty() && SagaStateOf(e) == first.state()) past_read = true;
        continue;
      }
      Emit(e);
    }
    stash_.clear();
  }

  static v1::SagaState SagaStateOf(const engine::Event& e) {
    const boost::json::object* p = e.payload.if_object();
    return p ? SagaStateNamed(StringOf(*p, "state")) : v1::SAGA_STATE_UNSPECIFIED;
  }

  void Emit(const engine::Event& e) {  // mu_ held
    const boost::json::object* p = e.payload.if_object();
    if (p == nullptr) return;
    v1::WatchSagaEvent out;
    out.set_saga_id(saga_id_);
    out.set_event(StringOf(*p, "event"));
    if (p->contains("state")) current_->set_state(SagaStateNamed(StringOf(*p, "state")));
    if (p->contains("failed_step")) current_->set_failed_step(StringOf(*p, "failed_step"));
    if (e.task_id.empty()) current_->set_failure_reason(e.error);
    out.set_state(current_->state());
    out.set_failed_step(current_->failed_step());
    out.set_failure_reason(e.task_id.empty() ? e.error : current_->failure_reason());
    out.set_step_id(e.task_id.empty() ? StringOf(*p, "step") : e.task_id);
    SetTimestamp(e.time, out.mutable_updated_at());
    Send(std::move(out));
    if (e.task_id.empty() && Settled(current_->state())) End(::grpc::Status::OK);
  }

  void Stopped() override {
    std::uint64_t handle = 0;
    {
      std::lock_guard lock(mu_);
      std::swap(handle, handle_);
    }
    if (handle != 0) ctx_.services.saga_events->Remove(handle);
  }

  const GrpcContext& ctx_;
  const std::string saga_id_;
  std::mutex mu_;  // before the outbox's
  std::uint64_t handle_ = 0;
  std::optional<v1::WatchSagaEvent> current_;  // set once the saga was read
  std::vector<engine::Event> stash_;
};

class SagaGrpcService final : public v1::SagaService::CallbackService {
 public:
  explicit SagaGrpcService(const GrpcContext& ctx) : ctx_(ctx), sagas_(*ctx.services.sagas) {}

  ServerUnaryReactor* SubmitSaga(CallbackServerContext* call, const v1::SubmitSagaRequest* req,
                                 v1::SubmitSagaResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (req->spec().empty()) return Now(reactor, InvalidField("spec", "is required: a saga spec (JSON or YAML)"));
    PostOrFail(ctx_, reactor, [this, reactor, req, resp] {
      std::string spec = req->spec();
      DocumentFormat format = DocumentFormat::kAuto;
      if (!req->name().empty()) {  // the name overrides the spec's
        auto doc = ctx_.services.workflows->ReadSpec(spec, format);
        if (!doc) return reactor->Finish(Fail(doc.error()));
        if (auto* root = doc->root.if_object()) (*root)["name"] = req->name();
        spec = JsonText(doc->root);
        format = DocumentFormat::kJson;
      }
      // Answered once the saga and its forward workflow are durable: not from this thread.
      sagas_.Submit(spec, format, [reactor, resp](Result<boost::json::object> r) {
        if (!r) return reactor->Finish(Fail(r.error()));
        resp->set_saga_id(StringOf(*r, "saga_id"));
        resp->set_name(StringOf(*r, "name"));
        resp->set_state(SagaStateNamed(StringOf(*r, "status")));
        SetTimestamp(r->if_contains("created_at"), resp->mutable_created_at());
        reactor->Finish(::grpc::Status::OK);
      });
    });
    return reactor;
  }

  ServerUnaryReactor* GetSagaStatus(CallbackServerContext* call, const v1::GetSagaStatusRequest* req,
                                    v1::GetSagaStatusResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (req->saga_id().empty()) return Now(reactor, InvalidField("saga_id", "is required"));
    FinishOnPool(ctx_, reactor, [this, req, resp]() -> ::grpc::Status {
      auto view = sagas_.Get(req->saga_id());
      if (!view) return Fail(view.error());
      StatusFromJson(*view, resp);
      return ::grpc::Status::OK;
    });
    return reactor;
  }

  ServerUnaryReactor* ListSagas(CallbackServerContext* call, const v1::ListSagasRequest* req,
                                v1::ListSagasResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    FinishOnPool(ctx_, reactor, [this, req, resp]() -> ::grpc::Status {
      auto page = ReadPage(req->pagination().page_size(), req->pagination().page_token(), 100);
      if (!page) return Fail(page.error());
      std::optional<saga::SagaState> filter;
      if (req->state_filter() != v1::SAGA_STATE_UNSPECIFIED) {
        const int n = static_cast<int>(req->state_filter()) - 1;
        if (n < 0 || n >= static_cast<int>(saga::kSagaStateCount)) {
          return InvalidField("state_filter", "unknown saga state " + std::to_string(req->state_filter()));
        }
        filter = static_cast<saga::SagaState>(n);
      }
      auto list = sagas_.List(filter, page->size, page->offset);
      if (!list) return Fail(list.error());
      for (const auto& item : list->at("items").as_array()) {
        const boost::json::object& o = item.as_object();
        v1::SagaSummary* s = resp->add_sagas();
        s->set_saga_id(StringOf(o, "saga_id"));
        s->set_name(StringOf(o, "name"));
        s->set_state(SagaStateNamed(StringOf(o, "state")));
        SetTimestamp(o.if_contains("created_at"), s->mutable_created_at());
        if (!SetTimestamp(o.if_contains("completed_at"), s->mutable_completed_at())) s->clear_completed_at();
      }
      const std::int64_t total = IntOf(*list, "total");
      const std::size_t next = page->offset + static_cast<std::size_t>(resp->sagas_size());
      resp->mutable_pagination()->set_total_count(static_cast<std::int32_t>(total));
      if (static_cast<std::int64_t>(next) < total && resp->sagas_size() > 0) {
        resp->mutable_pagination()->set_next_page_token(std::to_string(next));
      }
      return ::grpc::Status::OK;
    });
    return reactor;
  }

  ServerUnaryReactor* CompensateSaga(CallbackServerContext* call, const v1::CompensateSagaRequest* req,
                                     v1::CompensateSagaResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (req->saga_id().empty()) return Now(reactor, InvalidField("saga_id", "is required"));
    sagas_.Compensate(req->saga_id(), req->reason(), StateReply(reactor, resp));
    return reactor;
  }

  ServerUnaryReactor* RecoverSaga(CallbackServerContext* call, const v1::RecoverSagaRequest* req,
                                  v1::RecoverSagaResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (req->saga_id().empty()) return Now(reactor, InvalidField("saga_id", "is required"));
    sagas_.Recover(req->saga_id(), StateReply(reactor, resp));
    return reactor;
  }

  ::grpc::ServerWriteReactor<v1::WatchSagaEvent>* WatchSaga(CallbackServerContext*, const v1::WatchSagaRequest* req) override {
    return SagaWatch::Start(ctx_, req->saga_id());
  }

 private:
  static ServerUnaryReactor* Now(ServerUnaryReactor* reactor, ::grpc::Status status) {
    reactor->Finish(std::move(status));
    return reactor;
  }

  // {saga_id, state} once durable (the saga service's thread).
  template <typename Resp>
  static service::JsonDone StateReply(ServerUnaryReactor* reactor, Resp* resp) {
    return [reactor, resp](Result<boost::json::object> r) {
      if (!r) return reactor->Finish(Fail(r.error()));
      resp->set_saga_id(StringOf(*r, "saga_id"));
      resp->set_state(SagaStateNamed(StringOf(*r, "state")));
      reactor->Finish(::grpc::Status::OK);
    };
  }

  const GrpcContext ctx_;
  service::SagaService& sagas_;
};

}  // namespace

std::unique_ptr<::grpc::Service> NewSagaService(const GrpcContext& ctx) {
  return std::make_unique<SagaGrpcService>(ctx);
}

}  // namespace goclaw::api::grpc
