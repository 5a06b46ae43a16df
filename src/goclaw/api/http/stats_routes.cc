// GET /api/v1/stats/series over service::RunSeries: what the engine finished per time bucket
// (the UI's Overview sparklines).
#include <algorithm>
#include <string>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"

namespace goclaw::api::http {
namespace {

HttpResponse Series(const service::RunSeries& series, HttpRequest& req) {
  Diagnostics diag;
  QueryReader q(req, diag);
  std::int64_t step = service::RunSeries::kBaseStep.count();
  std::string text;
  if (q.String("step", &text)) {
    const auto& steps = service::RunSeries::kSteps;
    auto it = std::find_if(steps.begin(), steps.end(),
                           [&](std::int64_t s) { return std::to_string(s) == text; });
    if (it == steps.end()) {
      std::string accepted;
      for (std::int64_t s : steps) accepted += (accepted.empty() ? "" : ", ") + std::to_string(s);
      diag.Add("step",
               "expected one of " + accepted + " (seconds), got \"" + text.substr(0, 64) + "\"");
    } else {
      step = *it;
    }
  }
  q.Allow({"step"});
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  auto doc = series.Json(std::chrono::seconds(step));
  return doc ? HttpResponse::Json(200, *doc) : ErrorResponse(req, doc.error());
}

}  // namespace

void AddStatsRoutes(Router& router, const ApiContext& ctx) {
  if (ctx.series == nullptr) return;
  const service::RunSeries* s = ctx.series;
  router.Add("GET", "/api/v1/stats/series",
             "Workflows and tasks finished per time bucket over the last 10 minutes, with workflow "
             "latency "
             "percentiles (step=5|10|30|60 seconds)",
             [s](HttpRequest& r) { return Series(*s, r); });
}

}  // namespace goclaw::api::http
