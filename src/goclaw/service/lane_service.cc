// The lane service.
#include "goclaw/service/lane_service.h"

#include <algorithm>

#include "goclaw/core/json_format.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/core/names.h"

namespace goclaw::service {

LaneService::LaneService(lane::LaneRegistry& lanes) : lanes_(lanes) {}

boost::json::object LaneService::StatsToJson(const lane::LaneStats& s) {
  boost::json::object o{{"name", s.name},
                        {"keyed", s.keyed},
                        {"max_concurrency", s.max_concurrency},
                        {"capacity", s.capacity},
                        {"on_full", config::OnFullName(s.on_full)},
                        {"closed", s.closed},
                        {"running", s.running},
                        {"waiting", s.waiting},
                        {"blocked", s.blocked},
                        {"accepted", s.accepted},
                        {"admitted", s.admitted},
                        {"dropped", s.dropped},
                        {"redirected", s.redirected},
                        {"rejected", s.rejected},
                        {"cancelled", s.cancelled}};
  if (s.keyed) o["keys"] = s.keys;
  if (s.rate) {
    o["rate"] = {{"per_second", s.rate->per_second}, {"burst", s.rate->burst}};
    if (!s.keyed) o["tokens"] = s.tokens;
  } else {
    o["rate"] = nullptr;
  }
  // The histogram /metrics exposes, cumulative as there: `count` waited at most `le` seconds;
  // the last bucket's `le` is null (+Inf) and its count the total.
  boost::json::array buckets;
  buckets.reserve(metrics::Histogram::kBounds.size() + 1);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= metrics::Histogram::kBounds.size(); ++i) {
    cumulative += s.wait.bucket(i);
    boost::json::value le = nullptr;
    if (i < metrics::Histogram::kBounds.size()) le = metrics::Histogram::kBounds[i];
    buckets.push_back(boost::json::object{{"le", std::move(le)}, {"count", cumulative}});
  }
  o["wait_seconds"] = {{"count", s.wait.count()},
                       {"sum", RoundedSeconds(s.wait.sum())},
                       {"p50", RoundedSeconds(s.wait.Quantile(0.5))},
                       {"p99", RoundedSeconds(s.wait.Quantile(0.99))},
                       {"buckets", std::move(buckets)}};
  return o;
}

Result<std::shared_ptr<lane::LaneGroup>> LaneService::Find(std::string_view name) const {
  if (!IsSafeId(name)) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid lane name \"" + std::string(name.substr(0, 64)) + "\"");
  }
  auto lane = lanes_.Find(name);
  if (!lane) return MakeError(ErrorCode::kNotFound, "no lane \"" + std::string(name) + "\"");
  return lane;
}

boost::json::object LaneService::List() const {
  boost::json::array lanes;
  for (const auto& s : lanes_.Snapshot()) lanes.push_back(StatsToJson(s));
  return boost::json::object{{"lanes", std::move(lanes)}};
}

Result<boost::json::object> LaneService::Get(std::string_view name) const {
  GOCLAW_ASSIGN_OR_RETURN(auto lane, Find(name));
  return StatsToJson(lane->Stats());
}

Result<boost::json::object> LaneService::Reconfigure(std::string_view name, lane::LaneUpdate change) {
  GOCLAW_ASSIGN_OR_RETURN(auto lane, Find(name));
  // Transports check their fields' ranges as they read them (with their own field paths);
  // these are the same rules, for callers that build the change themselves.
  Diagnostics diag;
  auto count = [&](const char* path, std::int64_t v, std::int64_t max) {
    if (v < 0 || v > max) {
      diag.Add(path, "expected an integer from 0 to " + std::to_string(max) + ", got " + std::to_string(v));
    }
  };
  auto number = [&](const char* path, double v, double min, double max) {
    if (!(v >= min && v <= max)) {
      diag.Add(path, "expected a number from " + PlainNumber(min) + " to " + PlainNumber(max) + ", got " +
                         PlainNumber(v));
    }
  };
  if (change.max_concurrency) count("max_concurrency", *change.max_concurrency, kMaxLaneConcurrency);
  if (change.capacity) count("capacity", *change.capacity, kMaxLaneCapacity);
  if (change.rate && *change.rate) {
    config::RateConfig& rate = **change.rate;
    number("rate.per_second", rate.per_second, kMinLaneRate, kMaxLaneRate);
    if (rate.burst == 0) rate.burst = std::max(1.0, rate.per_second);
    number("rate.burst", rate.burst, 1, kMaxLaneBurst);
  }
  if (!diag.empty()) return MakeError(diag.ToError("lane change"));
  if (!change.max_concurrency && !change.capacity && !change.rate) {
    return MakeError(ErrorCode::kInvalidArgument, "nothing to change; send max_concurrency, capacity and/or rate");
  }
  if (change.rate && lane->keyed()) {
    return MakeError(ErrorCode::kInvalidArgument, "rate cannot be changed on a template lane at runtime");
  }
  // One update under the lane's lock: a new rate is in force before a raised concurrency admits.
  lane->Update(change);
  return StatsToJson(lane->Stats());
}

}  // namespace goclaw::service
