// Lane routes: stats of every lane, of one lane, and runtime changes (PATCH).
#include <boost/json/parse.hpp>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"

namespace goclaw::api::http {
namespace {

boost::json::object LaneStatsToJson(const lane::LaneStats& s) {
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
  o["wait_seconds"] = {{"count", s.wait.count()},
                       {"sum", s.wait.sum()},
                       {"p50", s.wait.Quantile(0.5)},
                       {"p99", s.wait.Quantile(0.99)}};
  return o;
}

std::shared_ptr<lane::LaneGroup> FindLane(const ApiContext& ctx, const HttpRequest& req, HttpResponse* error) {
  const std::string& name = req.params.at("name");
  if (!ValidId(name)) {
    *error = ErrorResponse(req, 400, kValidationFailed, "invalid lane name \"" + name.substr(0, 64) + "\"");
    return nullptr;
  }
  auto lane = ctx.engine->lanes().Find(name);
  if (!lane) *error = ErrorResponse(req, 404, kNotFound, "no lane \"" + name + "\"");
  return lane;
}

HttpResponse ListLanes(const ApiContext& ctx, HttpRequest& req) {
  if (!req.query.empty()) {
    Diagnostics diag;
    QueryReader(req, diag).Allow({});
    Error e = diag.ToError("query");
    return ErrorResponse(req, 400, kValidationFailed, e.message(), e.details());
  }
  boost::json::array lanes;
  for (const auto& s : ctx.engine->lanes().Snapshot()) lanes.push_back(LaneStatsToJson(s));
  return HttpResponse::Json(200, boost::json::object{{"lanes", std::move(lanes)}});
}

HttpResponse GetLane(const ApiContext& ctx, HttpRequest& req) {
  HttpResponse error;
  auto lane = FindLane(ctx, req, &error);
  if (!lane) return error;
  return HttpResponse::Json(200, LaneStatsToJson(lane->Stats()));
}

// Body: {"max_concurrency": 8, "capacity": 1000, "rate": {"per_second": 5, "burst": 10} | null}.
// All or nothing: every field is checked before anything changes.
HttpResponse PatchLane(const ApiContext& ctx, HttpRequest& req) {
  HttpResponse error;
  auto lane = FindLane(ctx, req, &error);
  if (!lane) return error;
  if (!RequireJson(req, &error)) return error;
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(req.body, ec);
  if (ec) return ErrorResponse(req, 400, kBadRequest, "malformed JSON: " + ec.message());
  Diagnostics diag;
  std::optional<std::int64_t> concurrency, capacity;
  std::optional<std::optional<config::RateConfig>> rate;
  {
    ObjectReader r(body, "", diag, "the lane change");
    std::int64_t v = 0;
    // (the readers return true for absent keys: ask Has first)
    if (r.Has("max_concurrency") && r.Int("max_concurrency", &v, 0, 1000000)) concurrency = v;
    if (r.Has("capacity") && r.Int("capacity", &v, 0, 100000000)) capacity = v;
    if (const boost::json::value* rv = r.Get("rate")) {
      if (rv->is_null()) {
        rate.emplace(std::nullopt);
      } else {
        ObjectReader rr(*rv, "rate", diag, "a rate");
        double per_second = 0, burst = 0;
        bool has_rate = rr.Has("per_second") && rr.Double("per_second", &per_second, 1e-6, 1e9);
        if (rr.is_object() && rv->as_object().if_contains("per_second") == nullptr) {
          diag.Add("rate.per_second", "is required (or send \"rate\": null to remove the limit)");
        }
        rr.Double("burst", &burst, 1, 1e9);
        if (has_rate) rate.emplace(config::RateConfig{per_second, burst > 0 ? burst : std::max(1.0, per_second)});
      }
    }
  }
  if (!diag.empty()) {
    Error e = diag.ToError("lane change");
    return ErrorResponse(req, 400, kValidationFailed, e.message(), e.details());
  }
  if (!concurrency && !capacity && !rate) {
    return ErrorResponse(req, 400, kValidationFailed,
                         "nothing to change; send max_concurrency, capacity and/or rate");
  }
  if (rate && lane->keyed()) {
    return ErrorResponse(req, 400, kValidationFailed, "rate cannot be changed on a template lane at runtime");
  }
  // One update under the lane's lock: a new rate is in force before a raised concurrency admits.
  lane->Update(lane::LaneUpdate{.max_concurrency = concurrency, .capacity = capacity, .rate = rate});
  return HttpResponse::Json(200, LaneStatsToJson(lane->Stats()));
}

}  // namespace

void AddLaneRoutes(Router& router, const ApiContext& ctx) {
  const ApiContext* c = &ctx;
  router.Add("GET", "/api/v1/lanes", "Statistics of every lane", [c](HttpRequest& r) { return ListLanes(*c, r); });
  router.Add("GET", "/api/v1/lanes/{name}", "Statistics of one lane", [c](HttpRequest& r) { return GetLane(*c, r); });
  router.Add("PATCH", "/api/v1/lanes/{name}", "Change max_concurrency, capacity or rate at runtime", [c](HttpRequest& r) { return PatchLane(*c, r); });
}

}  // namespace goclaw::api::http
