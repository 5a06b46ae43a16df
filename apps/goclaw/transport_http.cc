// The REST transport (transport.h): each call is one request to /api/v1 at --server, answered
// with the server's document as it is.
#include <boost/json/serialize.hpp>

#include "goclaw/core/url.h"
#include "transport.h"

namespace goclaw::cli {
namespace {

constexpr const char* kWorkflows = "/api/v1/workflows";
constexpr const char* kSagas = "/api/v1/sagas";

client::Request JsonPost(std::string target, const boost::json::value& body) {
  return {.method = "POST",
          .target = std::move(target),
          .body = boost::json::serialize(body),
          .content_type = "application/json"};
}

class HttpTransport final : public Transport {
 public:
  explicit HttpTransport(const ClientOptions& o) : o_(o) {}

  Result<boost::json::value> SubmitWorkflow(const std::string& spec_json,
                                            std::optional<Millis> wait) override {
    client::Request req{.method = "POST", .body = spec_json, .content_type = "application/json"};
    if (!wait) {
      req.target = std::string(kWorkflows) + "?async=true";
      return HttpJson(o_, std::move(req));
    }
    req.target = std::string(kWorkflows) + "?wait=" + std::to_string(wait->count()) + "ms";
    // The server answers after the workflow finished or the wait ran out.
    req.connect_timeout = ParsedDuration(kDefaultClientTimeout);
    req.timeout = *wait + ParsedDuration(kDefaultClientTimeout);
    return HttpJson(o_, std::move(req), /*caller_timeouts=*/true);
  }

  Result<boost::json::value> GetWorkflow(const std::string& id) override {
    return HttpJson(o_, {.target = std::string(kWorkflows) + "/" + id});
  }

  Result<boost::json::value> ListWorkflows(const WorkflowQuery& q) override {
    std::string target = std::string(kWorkflows) + "?limit=" + std::to_string(q.limit);
    if (!q.status.empty()) target += "&status=" + QueryComponent(q.status);
    if (!q.name.empty()) target += "&name=" + QueryComponent(q.name);
    if (q.newest_first) target += "&order=desc";
    return HttpJson(o_, {.target = target});
  }

  Result<boost::json::value> CancelWorkflow(const std::string& id) override {
    return HttpJson(o_,
                    {.method = "POST", .target = std::string(kWorkflows) + "/" + id + "/cancel"});
  }

  Result<boost::json::value> Signal(const std::string& id, const std::string& task,
                                    const std::string& kind,
                                    const boost::json::value& payload) override {
    boost::json::object body{{"kind", kind}, {"payload", payload}};
    if (!task.empty()) body["task"] = task;
    return HttpJson(o_, JsonPost(std::string(kWorkflows) + "/" + id + "/signals", body));
  }

  Result<boost::json::value> ListSignals(const std::string& id, const std::string& task) override {
    std::string target = std::string(kWorkflows) + "/" + id + "/signals";
    if (!task.empty()) target += "?task=" + task;
    return HttpJson(o_, {.target = target});
  }

  Result<boost::json::value> SubmitSaga(const std::string& text, DocumentFormat format) override {
    return HttpJson(o_, {.method = "POST",
                         .target = kSagas,
                         .body = text,
                         .content_type = format == DocumentFormat::kJson ? "application/json"
                                                                         : "application/yaml"});
  }

  Result<boost::json::value> GetSaga(const std::string& id, std::optional<Millis> wait) override {
    if (!wait) return HttpJson(o_, {.target = std::string(kSagas) + "/" + id});
    // The server answers once the saga settled or the wait ran out, with its status either way.
    client::Request get{.target = std::string(kSagas) + "/" + id +
                                  "?wait=" + std::to_string(wait->count()) + "ms"};
    get.connect_timeout = o_.Timeout();
    get.timeout = *wait + o_.Timeout();
    return HttpJson(o_, std::move(get), /*caller_timeouts=*/true);
  }

  Result<boost::json::value> ListSagas(const SagaQuery& q) override {
    std::string target = std::string(kSagas) + "?limit=" + std::to_string(q.limit) +
                         "&offset=" + std::to_string(q.offset);
    if (!q.state.empty()) target += "&state=" + q.state;
    return HttpJson(o_, {.target = target});
  }

  Result<boost::json::value> CompensateSaga(const std::string& id,
                                            const std::string& reason) override {
    client::Request req{.method = "POST", .target = std::string(kSagas) + "/" + id + "/compensate"};
    if (!reason.empty()) req = JsonPost(req.target, boost::json::object{{"reason", reason}});
    return HttpJson(o_, std::move(req));
  }

  Result<boost::json::value> RecoverSaga(const std::string& id) override {
    return HttpJson(o_, {.method = "POST", .target = std::string(kSagas) + "/" + id + "/recover"});
  }

  Status Snapshot(const std::string& dir) override {
    GOCLAW_RETURN_IF_ERROR(
        HttpJson(o_, JsonPost("/api/v1/admin/snapshot", boost::json::object{{"dir", dir}})));
    return OkStatus();
  }

 private:
  const ClientOptions& o_;
};

}  // namespace

std::unique_ptr<Transport> MakeHttpTransport(const ClientOptions& o) {
  return std::make_unique<HttpTransport>(o);
}

std::unique_ptr<Transport> MakeTransport(const ClientOptions& o) {
  return o.transport == "grpc" ? MakeGrpcTransport(o) : MakeHttpTransport(o);
}

bool SagaSettled(std::string_view state) {
  return state == "completed" || state == "compensated" || state == "compensation-failed" ||
         state == "pending-compensation";
}

}  // namespace goclaw::cli
