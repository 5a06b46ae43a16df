// goclaw.v1.AdminService over the health, lane and admin services and the metric collectors:
// the engine's status, lane statistics and runtime changes (as PATCH /api/v1/lanes/{name}),
// the Prometheus text of /metrics (filtered by name prefix), online snapshots (as POST
// /api/v1/admin/snapshot), and Drain through the server's own drain.
#include <algorithm>
#include <string_view>

#include "goclaw/api/grpc/grpc_services.h"
#include "goclaw/api/grpc/proto_convert.h"
#include "goclaw/core/json_format.h"
#include "goclaw/engine/engine.h"
#include "goclaw/metrics/collector_registry.h"
#include "goclaw/metrics/process_stats.h"
#include "goclaw/service/admin_service.h"
#include "goclaw/service/health_service.h"
#include "goclaw/service/lane_service.h"
#include "goclaw/v1/admin.grpc.pb.h"

namespace goclaw::api::grpc {
namespace {

// The families of a Prometheus text whose names start with `prefix`: their HELP and TYPE lines
// and their samples (which follow their TYPE line, so the last family named decides).
std::string FilterMetrics(std::string_view text, std::string_view prefix) {
  if (prefix.empty()) return std::string(text);
  std::string out;
  bool keep = false;
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    const std::string_view line = text.substr(0, eol == std::string_view::npos ? text.size() : eol + 1);
    text.remove_prefix(line.size());
    std::string_view name = line;
    if (name.rfind("# HELP ", 0) == 0 || name.rfind("# TYPE ", 0) == 0) {
      name.remove_prefix(7);
      keep = name.substr(0, name.find(' ')).rfind(prefix, 0) == 0;
    }
    if (keep) out.append(line);
  }
  return out;
}

using ::grpc::CallbackServerContext;
using ::grpc::ServerUnaryReactor;

::grpc::Status Absent(const char* what) {
  return ::grpc::Status(::grpc::StatusCode::UNIMPLEMENTED, std::string(what) + " is not available on this server");
}

class AdminGrpcService final : public v1::AdminService::CallbackService {
 public:
  explicit AdminGrpcService(const GrpcContext& ctx) : ctx_(ctx), s_(ctx_.services) {}

  ServerUnaryReactor* GetEngineStatus(CallbackServerContext* call, const v1::GetEngineStatusRequest*,
                                      v1::GetEngineStatusResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    FinishOnPool(ctx_, reactor, [this, resp] { return EngineStatus(resp); });
    return reactor;
  }

  ServerUnaryReactor* GetLaneStats(CallbackServerContext* call, const v1::GetLaneStatsRequest* req,
                                   v1::GetLaneStatsResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (s_.lanes == nullptr) return Now(reactor, Absent("lane statistics"));
    if (req->lane_name().empty()) {
      const boost::json::object all = s_.lanes->List();
      for (const auto& lane : all.at("lanes").as_array()) LaneStatsFromJson(lane.as_object(), resp->add_lanes());
      return Now(reactor, ::grpc::Status::OK);
    }
    auto lane = s_.lanes->Get(req->lane_name());
    if (!lane) return Now(reactor, Fail(lane.error()));
    LaneStatsFromJson(*lane, resp->add_lanes());
    return Now(reactor, ::grpc::Status::OK);
  }

  ServerUnaryReactor* UpdateLane(CallbackServerContext* call, const v1::UpdateLaneRequest* req,
                                 v1::UpdateLaneResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (s_.lanes == nullptr) return Now(reactor, Absent("lane changes"));
    if (req->lane_name().empty()) return Now(reactor, InvalidField("lane_name", "is required"));
    lane::LaneUpdate change;
    if (req->has_max_concurrency()) change.max_concurrency = req->max_concurrency();
    if (req->has_capacity()) change.capacity = req->capacity();
    if (req->has_rate_burst() && !req->has_rate_per_second()) {
      return Now(reactor, InvalidField("rate_per_second", "is required with rate_burst (0 removes the limit)"));
    }
    if (req->has_rate_per_second()) {
      if (req->rate_per_second() == 0) {
        if (req->has_rate_burst()) return Now(reactor, InvalidField("rate_burst", "must not be set when the rate is removed"));
        change.rate.emplace(std::nullopt);
      } else {
        change.rate.emplace(config::RateConfig{req->rate_per_second(), req->has_rate_burst() ? req->rate_burst() : 0});
      }
    }
    auto stats = s_.lanes->Reconfigure(req->lane_name(), change);
    if (!stats) return Now(reactor, Fail(stats.error()));
    LaneStatsFromJson(*stats, resp->mutable_lane());
    return Now(reactor, ::grpc::Status::OK);
  }

  ServerUnaryReactor* ExportMetrics(CallbackServerContext* call, const v1::ExportMetricsRequest* req,
                                    v1::ExportMetricsResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (s_.metrics == nullptr) return Now(reactor, Absent("metrics"));
    if (req->format() != v1::METRICS_FORMAT_UNSPECIFIED && req->format() != v1::METRICS_FORMAT_PROMETHEUS) {
      return Now(reactor, InvalidField("format", "unknown format " + std::to_string(req->format()) +
                                                     "; accepted: METRICS_FORMAT_PROMETHEUS"));
    }
    // The engine's collector visits every shard: off gRPC's thread.
    FinishOnPool(ctx_, reactor, [this, req, resp] {
      resp->set_metrics_data(FilterMetrics(s_.metrics->Text(), req->prefix_filter()));
      return ::grpc::Status::OK;
    });
    return reactor;
  }

  ServerUnaryReactor* CreateSnapshot(CallbackServerContext* call, const v1::CreateSnapshotRequest* req,
                                     v1::CreateSnapshotResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (s_.admin == nullptr) return Now(reactor, Absent("snapshots"));
    if (req->dir().empty()) return Now(reactor, InvalidField("dir", "is required: a new absolute directory"));
    FinishOnPool(ctx_, reactor, [this, req, resp]() -> ::grpc::Status {
      auto taken = s_.admin->Snapshot(req->dir());  // blocks while the checkpoint is written
      if (!taken) return Fail(taken.error());
      resp->set_dir(StringOf(*taken, "dir"));
      const boost::json::value* seconds = taken->if_contains("seconds");
      resp->set_seconds(seconds && seconds->is_number() ? seconds->to_number<double>() : 0);
      return ::grpc::Status::OK;
    });
    return reactor;
  }

  ServerUnaryReactor* Drain(CallbackServerContext* call, const v1::DrainRequest* req, v1::DrainResponse* resp) override {
    ServerUnaryReactor* reactor = call->DefaultReactor();
    if (!s_.drain) return Now(reactor, Absent("drain"));
    if (req->timeout_ms() < 0) return Now(reactor, InvalidField("timeout_ms", "must not be negative (0: shutdown.drain_timeout)"));
    const Millis timeout = req->timeout_ms() > 0 ? Millis(req->timeout_ms()) : s_.drain_timeout;
    if (ctx_.set_serving) ctx_.set_serving(false);  // health NOT_SERVING from now on
    FinishOnPool(ctx_, reactor, [this, timeout, resp] {
      resp->set_still_running(static_cast<std::int64_t>(s_.drain(timeout)));
      return ::grpc::Status::OK;
    });
    return reactor;
  }

 private:
  static ServerUnaryReactor* Now(ServerUnaryReactor* reactor, ::grpc::Status status) {
    reactor->Finish(std::move(status));
    return reactor;
  }

  ::grpc::Status EngineStatus(v1::GetEngineStatusResponse* resp) {
    const boost::json::object report = s_.health->Report();
    resp->set_version(s_.health->version());
    SetTimestamp(report.if_contains("started_at"), resp->mutable_uptime_since());
    v1::EngineMetrics* m = resp->mutable_metrics();
    const boost::json::object& counts = report.at("workflows").as_object();
    for (const auto& kv : counts) {
      if (kv.key() != "total" && kv.value().is_number()) (*m->mutable_workflows_by_state())[std::string(kv.key())] = kv.value().to_number<std::int64_t>();
    }
    auto count = [&](std::string_view state) { return IntOf(counts, state); };
    m->set_active_workflows(count("pending") + count("scheduled") + count("running"));
    m->set_completed_workflows(count("completed") + count("failed") + count("cancelled"));
    for (const auto& lane : report.at("lanes").as_array()) {
      m->set_running_tasks(m->running_tasks() + IntOf(lane.as_object(), "running"));
      m->set_queue_depth(m->queue_depth() + IntOf(lane.as_object(), "waiting"));
    }
    if (auto process = metrics::ReadProcessStats()) m->set_memory_usage_bytes(static_cast<std::int64_t>(process->resident_bytes));
    m->set_workers_connected(s_.workers_connected ? s_.workers_connected() : 0);
    const boost::json::object& store = report.at("store").as_object();
    resp->set_store_kind(StringOf(store, "kind"));
    resp->set_last_error(StringOf(store, "last_write_error"));
    auto ready = s_.health->Ready();
    resp->set_healthy(ready.has_value());
    if (!ready) ToProtoError(ready.error(), resp->mutable_error());
    const bool store_healthy = !store.contains("healthy") || !store.at("healthy").is_bool() || store.at("healthy").get_bool();
    resp->set_state(s_.engine->draining()         ? v1::ENGINE_STATE_STOPPED
                    : !store_healthy              ? v1::ENGINE_STATE_ERROR
                    : m->active_workflows() > 0   ? v1::ENGINE_STATE_RUNNING
                                                  : v1::ENGINE_STATE_IDLE);
    return ::grpc::Status::OK;
  }

  const GrpcContext ctx_;
  const GrpcServices& s_;
};

}  // namespace

std::unique_ptr<::grpc::Service> NewAdminService(const GrpcContext& ctx) {
  return std::make_unique<AdminGrpcService>(ctx);
}

}  // namespace goclaw::api::grpc
