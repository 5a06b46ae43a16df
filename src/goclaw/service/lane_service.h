// The lanes as an application service, for every transport (api/http/lane_routes.cc; gRPC
// later): the statistics of every lane or one, and runtime changes of a lane's concurrency,
// capacity and rate. Owns the rules of a change (ranges, "nothing to change", no rate change
// on a template of keyed lanes) and the JSON document of a lane's statistics.
//
// Errors (errors.h): kInvalidArgument for an invalid name or change, kNotFound for an unknown
// lane.
//
// Thread-safety: every method from any thread (lanes lock themselves; a change is applied under
// the lane's lock, all fields at once). The registry must outlive the service.
#pragma once

#include <cstdint>
#include <string_view>

#include <boost/json/object.hpp>

#include "goclaw/core/status.h"
#include "goclaw/lane/lane.h"
#include "goclaw/lane/registry.h"

namespace goclaw::service {

// The ranges a change may set.
inline constexpr std::int64_t kMaxLaneConcurrency = 1000000;
inline constexpr std::int64_t kMaxLaneCapacity = 100000000;
inline constexpr double kMinLaneRate = 1e-6;  // per second
inline constexpr double kMaxLaneRate = 1e9;
inline constexpr double kMaxLaneBurst = 1e9;

class LaneService {
 public:
  explicit LaneService(lane::LaneRegistry& lanes);
  LaneService(const LaneService&) = delete;
  LaneService& operator=(const LaneService&) = delete;

  // {"lanes": [<stats of each lane and template, by name>]}.
  boost::json::object List() const;
  // One lane's (or template's, "session:*") statistics.
  Result<boost::json::object> Get(std::string_view name) const;
  // Applies `change` (max_concurrency 0..kMaxLaneConcurrency, capacity 0..kMaxLaneCapacity,
  // rate per_second kMinLaneRate..kMaxLaneRate with burst 1..kMaxLaneBurst, 0 meaning
  // max(1, per_second); an empty rate removes the limit) all at once — a new rate is in force
  // before a raised concurrency admits — and returns the new statistics. Nothing changes when
  // any field is wrong, when nothing would change, or for a rate on a template.
  Result<boost::json::object> Reconfigure(std::string_view name, lane::LaneUpdate change);

  // The document of one lane's statistics: name, keyed, limits, counters, running/waiting,
  // rate (or null), tokens, wait_seconds {count, sum, p50, p99, buckets: [{le, count}]} (the
  // /metrics histogram: cumulative counts per upper bound in seconds, the last `le` null = +Inf).
  static boost::json::object StatsToJson(const lane::LaneStats& s);

 private:
  Result<std::shared_ptr<lane::LaneGroup>> Find(std::string_view name) const;

  lane::LaneRegistry& lanes_;
};

}  // namespace goclaw::service
