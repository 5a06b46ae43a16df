// The health service.
#include "goclaw/service/health_service.h"

#include "goclaw/core/json_format.h"
#include "goclaw/engine/status_json.h"

namespace goclaw::service {
namespace {

constexpr engine::WorkflowState kStates[] = {
    engine::WorkflowState::kPending,   engine::WorkflowState::kScheduled, engine::WorkflowState::kRunning,
    engine::WorkflowState::kCompleted, engine::WorkflowState::kFailed,    engine::WorkflowState::kCancelled};

}  // namespace

HealthService::HealthService(engine::Engine& engine, const AdminService& admin, HealthOptions options)
    : engine_(engine),
      admin_(admin),
      options_(std::move(options)),
      clock_(options_.clock ? *options_.clock : system_clock_) {}

boost::json::object HealthService::Health() const { return {{"status", "ok"}}; }

Result<boost::json::object> HealthService::Ready() const {
  if (options_.accepting && !options_.accepting()) {
    return MakeError(ErrorCode::kUnavailable, "not ready: starting or shutting down");
  }
  if (!engine_.StoreHealthy()) {
    const std::string why = admin_.DescribeStore().last_write_error;
    return MakeError(ErrorCode::kUnavailable,
                     "not ready: the store cannot write" + (why.empty() ? std::string(" (disk full?)") : ": " + why) +
                         "; submits fail until it can, reads keep working");
  }
  return boost::json::object{{"status", "ready"}};
}

boost::json::object HealthService::Report() const {
  boost::json::object counts;
  std::size_t total = 0;
  const auto by_state = engine_.CountByState();
  for (auto state : kStates) {
    std::size_t n = by_state[static_cast<std::size_t>(state)];
    counts[engine::WorkflowStateName(state)] = n;
    total += n;
  }
  counts["total"] = total;
  boost::json::array lanes;
  for (const auto& s : engine_.lanes().Snapshot()) {
    lanes.push_back({{"name", s.name}, {"running", s.running}, {"waiting", s.waiting},
                     {"max_concurrency", s.max_concurrency}, {"dropped", s.dropped}, {"rejected", s.rejected}});
  }
  return boost::json::object{{"version", options_.version},
                             {"started_at", engine::FormatTime(options_.started_at)},
                             {"uptime_seconds", RoundedSeconds(clock_.Now() - options_.started_at)},
                             {"workflows", std::move(counts)},
                             {"lanes", std::move(lanes)},
                             {"store", admin_.DescribeStore().ToJson()}};
}

}  // namespace goclaw::service
