// Lane routes over service::LaneService: stats of every lane, of one lane, and runtime changes
// (PATCH).
#include <boost/json/parse.hpp>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"

namespace goclaw::api::http {
namespace {

using service::LaneService;

HttpResponse Answer(const HttpRequest& req, const Result<boost::json::object>& r) {
  return r ? HttpResponse::Json(200, *r) : ErrorResponse(req, r.error());
}

HttpResponse ListLanes(LaneService& lanes, HttpRequest& req) {
  if (!req.query.empty()) {
    Diagnostics diag;
    QueryReader(req, diag).Allow({});
    return ErrorResponse(req, diag.ToError("query"));
  }
  return HttpResponse::Json(200, lanes.List());
}

HttpResponse GetLane(LaneService& lanes, HttpRequest& req) { return Answer(req, lanes.Get(req.params.at("name"))); }

// Body: {"max_concurrency": 8, "capacity": 1000, "rate": {"per_second": 5, "burst": 10} | null}.
// The lane is looked up first (404 before 415/400), then the body read with every problem
// reported at once; the service applies all of it or nothing.
HttpResponse PatchLane(LaneService& lanes, HttpRequest& req) {
  const std::string& name = req.params.at("name");
  if (auto lane = lanes.Get(name); !lane) return ErrorResponse(req, lane.error());
  HttpResponse error;
  if (!RequireJson(req, &error)) return error;
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(req.body, ec);
  if (ec) return ErrorResponse(req, 400, kBadRequest, "malformed JSON: " + ec.message());
  Diagnostics diag;
  lane::LaneUpdate change;
  {
    ObjectReader r(body, "", diag, "the lane change");
    r.Allow({"max_concurrency", "capacity", "rate"});  // named in an unknown key's message
    std::int64_t v = 0;
    // (the readers return true for absent keys: ask Has first)
    if (r.Has("max_concurrency") && r.Int("max_concurrency", &v, 0, service::kMaxLaneConcurrency)) {
      change.max_concurrency = v;
    }
    if (r.Has("capacity") && r.Int("capacity", &v, 0, service::kMaxLaneCapacity)) change.capacity = v;
    if (const boost::json::value* rv = r.Get("rate")) {
      if (rv->is_null()) {
        change.rate.emplace(std::nullopt);
      } else {
        ObjectReader rr(*rv, "rate", diag, "a rate");
        double per_second = 0, burst = 0;  // burst 0: the service's default
        bool has_rate = rr.Has("per_second") &&
                        rr.Double("per_second", &per_second, service::kMinLaneRate, service::kMaxLaneRate);
        if (rr.is_object() && rv->as_object().if_contains("per_second") == nullptr) {
          diag.Add("rate.per_second", "is required (or send \"rate\": null to remove the limit)");
        }
        rr.Double("burst", &burst, 1, service::kMaxLaneBurst);
        if (has_rate) change.rate.emplace(config::RateConfig{per_second, burst});
      }
    }
  }
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("lane change"));
  return Answer(req, lanes.Reconfigure(name, change));
}

}  // namespace

void AddLaneRoutes(Router& router, const ApiContext& ctx) {
  if (ctx.lanes == nullptr) return;
  LaneService* l = ctx.lanes;
  router.Add("GET", "/api/v1/lanes", "Statistics of every lane", [l](HttpRequest& r) { return ListLanes(*l, r); });
  router.Add("GET", "/api/v1/lanes/{name}", "Statistics of one lane", [l](HttpRequest& r) { return GetLane(*l, r); });
  router.Add("PATCH", "/api/v1/lanes/{name}", "Change max_concurrency, capacity or rate at runtime", [l](HttpRequest& r) { return PatchLane(*l, r); });
}

}  // namespace goclaw::api::http
