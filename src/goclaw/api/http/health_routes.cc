// /health (liveness), /ready (accepting work) and /status (what is going on).
#include <chrono>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/engine/status_json.h"

namespace goclaw::api {
namespace {

constexpr engine::WorkflowState kStates[] = {
    engine::WorkflowState::kPending,   engine::WorkflowState::kScheduled, engine::WorkflowState::kRunning,
    engine::WorkflowState::kCompleted, engine::WorkflowState::kFailed,    engine::WorkflowState::kCancelled};

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
                                     {"store", {{"kind", "memory"}, {"durable", false}}}});
}

}  // namespace

void AddHealthRoutes(Router& router, const ApiContext& ctx) {
  const ApiContext* c = &ctx;
  router.Add("GET", "/health", "Liveness", [](HttpRequest&) {
    return HttpResponse::Json(200, boost::json::object{{"status", "ok"}});
  });
  router.Add("GET", "/ready", "Readiness: 503 while starting or shutting down", [c](HttpRequest& r) {
    if (c->accepting && !c->accepting()) {
      return ErrorResponse(r, 503, kUnavailable, "not ready: starting or shutting down");
    }
    return HttpResponse::Json(200, boost::json::object{{"status", "ready"}});
  });
  router.Add("GET", "/status", "Version, uptime, workflows by state, lanes, store", [c](HttpRequest& r) { return Status(*c, r); });
}

}  // namespace goclaw::api
