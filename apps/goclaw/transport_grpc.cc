// The gRPC transport (transport.h): goclaw::sdk::Client at --grpc, each answer converted to
// the REST document (grpc_json.h).
#include <boost/json/serialize.hpp>

#include "goclaw/sdk/client.h"

#include "grpc_json.h"
#include "transport.h"

namespace goclaw::cli {
namespace {

class GrpcTransport final : public Transport {
 public:
  explicit GrpcTransport(const ClientOptions& o) : o_(o) {}

  Result<boost::json::value> SubmitWorkflow(const std::string& spec_json,
                                            std::optional<Millis> wait) override {
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect());
    sdk::SubmitOptions options;
    if (wait) options = {.wait = true, .wait_for = *wait};
    GOCLAW_ASSIGN_OR_RETURN(sdk::Submitted s,
                            Hinted(client->SubmitWorkflow(spec_json, {}, options)));
    if (s.final_status) return WorkflowJson(*s.final_status);
    return boost::json::object{{"id", s.workflow_id}, {"status", WorkflowStatusText(s.status)}};
  }

  Result<boost::json::value> GetWorkflow(const std::string& id) override {
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect());
    GOCLAW_ASSIGN_OR_RETURN(auto w, Hinted(client->GetWorkflowStatus(id)));
    return WorkflowJson(w);
  }

  Result<boost::json::value> ListWorkflows(const WorkflowQuery& q) override {
    const v1::WorkflowStatus status = WorkflowStatusFromText(q.status);
    if (!q.status.empty() && status == v1::WORKFLOW_STATUS_UNSPECIFIED) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--status: unknown status \"" + q.status +
                           "\"; accepted: pending, scheduled, running, completed, "
                           "failed, cancelled");
    }
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect());
    GOCLAW_ASSIGN_OR_RETURN(
        auto list,
        Hinted(client->ListWorkflows(
            {.page_size = q.limit, .status = status, .name = q.name, .newest_first = q.newest_first})));
    return WorkflowListJson(list);
  }

  Result<boost::json::value> CancelWorkflow(const std::string& id) override {
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect());
    GOCLAW_ASSIGN_OR_RETURN(auto r, Hinted(client->CancelWorkflow(id)));
    return boost::json::object{{"id", id}, {"status", WorkflowStatusText(r.status())}};
  }

  Result<boost::json::value> Signal(const std::string& id, const std::string& task,
                                    const std::string& kind,
                                    const boost::json::value& payload) override {
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect());
    GOCLAW_ASSIGN_OR_RETURN(
        auto s, Hinted(client->Signal(id, task, kind, boost::json::serialize(payload))));
    return SignalJson(s);
  }

  Result<boost::json::value> ListSignals(const std::string& id, const std::string& task) override {
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect());
    GOCLAW_ASSIGN_OR_RETURN(auto list, Hinted(client->ListSignals(id, task)));
    return SignalListJson(list);
  }

  Result<boost::json::value> SubmitSaga(const std::string& text, DocumentFormat) override {
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect());
    GOCLAW_ASSIGN_OR_RETURN(auto s, Hinted(client->SubmitSaga(text)));
    return boost::json::object{
        {"saga_id", s.saga_id()}, {"name", s.name()}, {"state", SagaStateText(s.state())}};
  }

  Result<boost::json::value> GetSaga(const std::string& id, std::optional<Millis> wait) override {
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect(wait));
    if (wait) {
      // WatchSaga pushes every change as it is stored: follow it until the saga settles or
      // the wait (the stream's deadline) runs out; either way the status comes next.
      Status watched = client->WatchSaga(
          id, [](const v1::WatchSagaEvent& e) { return !SagaSettled(SagaStateText(e.state())); });
      if (!watched && watched.error().code() != ErrorCode::kDeadlineExceeded)
        return MakeError(watched.error());
    }
    GOCLAW_ASSIGN_OR_RETURN(auto s, Hinted(client->GetSagaStatus(id)));
    return SagaJson(s);
  }

  Result<boost::json::value> ListSagas(const SagaQuery& q) override {
    const v1::SagaState state = SagaStateFromText(q.state);
    if (!q.state.empty() && state == v1::SAGA_STATE_UNSPECIFIED) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--state: unknown saga state \"" + q.state + "\"");
    }
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect());
    // gRPC pages by token: skip --offset sagas page by page, then keep --limit.
    v1::ListSagasResponse kept;
    int skipped = 0;
    std::string token;
    do {
      v1::ListSagasRequest req;
      req.set_state_filter(state);
      req.mutable_pagination()->set_page_size(
          std::min(1000, q.offset - skipped + q.limit - kept.sagas_size()));
      req.mutable_pagination()->set_page_token(token);
      GOCLAW_ASSIGN_OR_RETURN(auto page, Hinted(client->ListSagas(req)));
      *kept.mutable_pagination() = page.pagination();
      for (v1::SagaSummary& s : *page.mutable_sagas()) {
        if (skipped < q.offset) {
          ++skipped;
        } else if (kept.sagas_size() < q.limit) {
          *kept.add_sagas() = std::move(s);
        }
      }
      token = page.pagination().next_page_token();
    } while (!token.empty() && kept.sagas_size() < q.limit);
    return SagaListJson(kept);
  }

  Result<boost::json::value> CompensateSaga(const std::string& id,
                                            const std::string& reason) override {
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect());
    GOCLAW_ASSIGN_OR_RETURN(auto r, Hinted(client->CompensateSaga(id, reason)));
    return boost::json::object{{"saga_id", r.saga_id()}, {"state", SagaStateText(r.state())}};
  }

  Result<boost::json::value> RecoverSaga(const std::string& id) override {
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect());
    GOCLAW_ASSIGN_OR_RETURN(auto r, Hinted(client->RecoverSaga(id)));
    return boost::json::object{{"saga_id", r.saga_id()}, {"state", SagaStateText(r.state())}};
  }

  Status Snapshot(const std::string& dir) override {
    GOCLAW_ASSIGN_OR_RETURN(auto client, Connect());
    GOCLAW_RETURN_IF_ERROR(Hinted(client->CreateSnapshot(dir)));
    return OkStatus();
  }

 private:
  // A client whose calls get --timeout (watches: `stream_wait`, when given).
  Result<std::unique_ptr<sdk::Client>> Connect(
      std::optional<Millis> stream_wait = std::nullopt) const {
    GOCLAW_ASSIGN_OR_RETURN(std::string target, o_.GrpcTarget());
    sdk::ClientOptions options{.deadline = o_.Timeout(), .user_agent = kCliUserAgent};
    if (stream_wait) options.stream_deadline = *stream_wait;
    return sdk::Client::Connect(target, options);
  }

  template <typename T>
  Result<T> Hinted(Result<T> r) const {
    if (!r) return MakeError(WithTimeoutHint(r.error(), o_.TimeoutText()));
    return r;
  }

  const ClientOptions& o_;
};

}  // namespace

std::unique_ptr<Transport> MakeGrpcTransport(const ClientOptions& o) {
  return std::make_unique<GrpcTransport>(o);
}

}  // namespace goclaw::cli
