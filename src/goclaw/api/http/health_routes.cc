// /health (liveness), /ready (accepting work) and /status (what is going on).
#include <chrono>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/engine/status_json.h"

namespace goclaw::api::http {
namespace {

constexpr engine::WorkflowState kStates[] = {
    engine::WorkflowState::kPending,   engine::WorkflowState::kScheduled, engine::WorkflowState::kRunning,
    engine::WorkflowState::kCompleted, engine::WorkflowState::kFailed,    engine::WorkflowState::kCancelled};

boost::json::object StoreJson(const ApiContext& ctx) {
  if (ctx.store == nullptr) return {{"kind", "none"}, {"durable", false}, {"healthy", true}};
  const store::StoreStats st = ctx.store->Stats();
  return {{"kind", st.kind},
          {"durable", st.durable},
          {"healthy", ctx.engine->StoreHealthy()},
          {"commits", st.commits},
          {"batches", st.batches},
          {"failed_batches", st.failed_batches},
          {"last_write_error", st.last_write_error}};
}

HttpResponse Status(const ApiContext& ctx, HttpRequest&) {
  boost::json::object counts;
  std::size_t total = 0;
  const auto by_state = ctx.engine->CountByState();
  for (auto state : kStates) {
    std::size_t n = by_state[static_cast<std::size_t>(state)];
    counts[engine::WorkflowStateName(state)] = n;
    total += n;
  }
  counts["total"] = total;
  boost::json::array lanes;
  for (const auto& s : ctx.engine->lanes().Snapshot()) {
    lanes.push_back({{"name", s.name}, {"running", s.running}, {"waiting", s.waiting},
                     {"max_concurrency", s.max_concurrency}});
  }
  const auto uptime = std::chrono::system_clock::now() - ctx.started_at;
  return HttpResponse::Json(200, boost::json::object{
                                     {"version", ctx.version},
                                     {"started_at", engine::FormatTime(ctx.started_at)},
                                     {"uptime_seconds", std::chrono::duration<double>(uptime).count()},
                                     {"workflows", std::move(counts)},
                                     {"lanes", std::move(lanes)},
                                     {"store", StoreJson(ctx)}});
}

}  // namespace

void AddHealthRoutes(Router& router, const ApiContext& ctx) {
  const ApiContext* c = &ctx;
  router.Add("GET", "/health", "Liveness", [](HttpRequest&) {
    return HttpResponse::Json(200, boost::json::object{{"status", "ok"}});
  });
  router.Add("GET", "/ready", "Readiness: 503 while starting, shutting down, or while the store cannot write", [c](HttpRequest& r) {
    if (c->accepting && !c->accepting()) {
      return ErrorResponse(r, 503, kUnavailable, "not ready: starting or shutting down");
    }
    if (!c->engine->StoreHealthy()) {
      std::string why = c->store != nullptr ? c->store->Stats().last_write_error : std::string();
      return ErrorResponse(r, 503, kUnavailable,
                           "not ready: the store cannot write" + (why.empty() ? std::string(" (disk full?)") : ": " + why) +
                               "; submits fail until it can, reads keep working");
    }
    return HttpResponse::Json(200, boost::json::object{{"status", "ready"}});
  });
  router.Add("GET", "/status", "Version, uptime, workflows by state, lanes, store", [c](HttpRequest& r) { return Status(*c, r); });
}

}  // namespace goclaw::api::http
