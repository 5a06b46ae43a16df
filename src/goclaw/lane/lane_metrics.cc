// The goclaw_lane_* families.
#include "goclaw/lane/lane_metrics.h"

namespace goclaw::lane {

void WriteLaneMetrics(metrics::TextWriter& w, const std::vector<LaneStats>& lanes) {
  auto each = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
    w.Family(name, type, help);
    for (const auto& s : lanes) w.Sample(name, {{"lane", s.name}}, static_cast<double>(value(s)));
  };
  using S = LaneStats;
  each("goclaw_lane_running", "gauge", "Items running in the lane (permits held).", [](const S& s) { return s.running; });
  each("goclaw_lane_waiting", "gauge", "Items queued in the lane for a slot or tokens (its depth).", [](const S& s) { return s.waiting; });
  each("goclaw_lane_blocked", "gauge", "Submitters blocked on a full lane (on_full: block).", [](const S& s) { return s.blocked; });
  each("goclaw_lane_max_concurrency", "gauge", "The lane's concurrency cap.", [](const S& s) { return s.max_concurrency; });
  each("goclaw_lane_capacity", "gauge", "Items that may wait in the lane.", [](const S& s) { return s.capacity; });
  each("goclaw_lane_keys", "gauge", "Live keys of a keyed lane template.", [](const S& s) { return s.keys; });
  each("goclaw_lane_admitted_total", "counter", "Items admitted by the lane.", [](const S& s) { return s.admitted; });
  each("goclaw_lane_dropped_total", "counter", "Items refused because the lane was full (on_full: drop).", [](const S& s) { return s.dropped; });
  each("goclaw_lane_redirected_total", "counter", "Items sent to the redirect lane because the lane was full.", [](const S& s) { return s.redirected; });
  each("goclaw_lane_rejected_total", "counter", "Items refused for other reasons (closed, deadline).", [](const S& s) { return s.rejected; });
  each("goclaw_lane_cancelled_total", "counter", "Waiting items cancelled.", [](const S& s) { return s.cancelled; });
  w.Family("goclaw_lane_wait_seconds", "histogram", "Time from asking a lane for a slot to admission.");
  for (const auto& s : lanes) w.Histogram("goclaw_lane_wait_seconds", {{"lane", s.name}}, s.wait);
}

metrics::Collector LaneCollector(const LaneRegistry& lanes) {
  return [&lanes](metrics::TextWriter& w) { WriteLaneMetrics(w, lanes.Snapshot()); };
}

}  // namespace goclaw::lane
