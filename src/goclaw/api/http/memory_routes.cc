// Memory hub routes over service::MemoryService (docs/design/memory.md), the reference
// Goclaw's paths and shapes:
//   POST   /api/v1/memory/{session}            memorize {content, vector?, metadata?} -> 201 {id};
//                                              {items: [...]} -> 201 {ids}
//   GET    /api/v1/memory/{session}            retrieve: query, mode, limit, metadata.<k>=<v>,
//                                              min_trust, created_after, created_before, review
//                                              -> [{entry, score}] ([] when nothing matches)
//   POST   /api/v1/memory/{session}/search     retrieve with a JSON body (vectors, filters)
//   DELETE /api/v1/memory/{session}            forget {ids} or a filter -> {deleted}
//   GET    /api/v1/memory/{session}/list       limit, offset -> {entries, total, limit, offset}
//   GET    /api/v1/memory/{session}/items/{id} one item
//   GET    /api/v1/memory/{session}/stats      counts, index sizes, average retrievability
//   DELETE /api/v1/memory/{session}/all        forget the session -> {deleted}
//   DELETE /api/v1/memory/{session}/weak       threshold (default 0.1) -> {deleted}
//   GET    /api/v1/memory                      sessions with their item counts
// `vectors=true` (GET routes) includes each item's vector.
#include <cstdlib>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/text.h"
#include "goclaw/service/errors.h"
#include "goclaw/service/memory_service.h"

namespace goclaw::api::http {
namespace {

using service::MemoryService;

constexpr std::string_view kMetadataPrefix = "metadata.";

template <typename T>
HttpResponse Reply(const HttpRequest& req, int status, Result<T> r) {
  return r ? HttpResponse::Json(status, boost::json::value(std::move(*r))) : ErrorResponse(req, r.error());
}

// The JSON body, or the error response to send.
std::optional<boost::json::value> JsonBody(const HttpRequest& req, std::string_view what, HttpResponse* error) {
  if (!RequireJson(req, error)) return std::nullopt;
  auto parsed = ParseJsonText(req.body, what);
  if (!parsed) {
    *error = ErrorResponse(req, Error(parsed.error()).WithReason(std::string(service::kReasonMalformed)));
    return std::nullopt;
  }
  return std::move(*parsed);
}

HttpResponse Memorize(MemoryService& m, HttpRequest& req) {
  HttpResponse error;
  auto body = JsonBody(req, "memorize request", &error);
  if (!body) return error;
  return Reply(req, 201, m.Memorize(req.params.at("session"), *body));
}

// GET retrieval: the query parameters as a memory::Query.
HttpResponse Query(MemoryService& m, HttpRequest& req) {
  Diagnostics diag;
  boost::json::object body;
  bool with_vectors = false;
  for (const auto& [key, value] : req.query) {
    if (key.starts_with(kMetadataPrefix) && key.size() > kMetadataPrefix.size()) continue;  // below
    if (key == "query" || key == "mode" || key == "min_trust" || key == "created_after" || key == "created_before") {
      body[key] = value;
    } else if (key == "limit" || key == "top_k") {
      char* end = nullptr;
      const long long n = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0') {
        diag.Add(key, "expected a whole number from 1, got " + QuoteForMessage(value));
      } else {
        body["top_k"] = n;
      }
    } else if (key == "review" || key == "vectors") {
      if (value != "true" && value != "false") {
        diag.Add(key, "expected true or false, got " + QuoteForMessage(value));
      } else if (key == "review") {
        body["review"] = value == "true";
      } else {
        with_vectors = value == "true";
      }
    } else {
      diag.Add(key.substr(0, 64), "unknown query parameter; accepted: query, mode, limit, metadata.<key>, min_trust, "
                                  "created_after, created_before, review, vectors");
    }
  }
  // metadata.<key>=<value>: exact-match filters.
  boost::json::object filters;
  for (const auto& [key, value] : req.query) {
    if (key.starts_with(kMetadataPrefix) && key.size() > kMetadataPrefix.size()) filters[key.substr(kMetadataPrefix.size())] = value;
  }
  if (!filters.empty()) body["filters"] = std::move(filters);
  if (!body.contains("query")) diag.Add("query", "is required: the text to look for (POST .../search takes a vector)");
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  memory::Query query;
  memory::DecodeQuery(body, "", m.limits(), &query, diag);
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  return Reply(req, 200, m.Search(req.params.at("session"), query, with_vectors));
}

HttpResponse Search(MemoryService& m, HttpRequest& req) {
  HttpResponse error;
  auto body = JsonBody(req, "memory query", &error);
  if (!body) return error;
  return Reply(req, 200, m.Search(req.params.at("session"), *body));
}

HttpResponse Forget(MemoryService& m, HttpRequest& req) {
  HttpResponse error;
  auto body = JsonBody(req, "forget request", &error);
  if (!body) return error;
  return Reply(req, 200, m.Forget(req.params.at("session"), *body));
}

HttpResponse List(MemoryService& m, HttpRequest& req) {
  Diagnostics diag;
  QueryReader q(req, diag);
  std::int64_t limit = 20, offset = 0;
  bool vectors = false;
  q.Int("limit", &limit, 1, static_cast<std::int64_t>(service::kMaxMemoryListLimit));
  q.Int("offset", &offset, 0, 1000000000);
  q.Bool("vectors", &vectors);
  q.Allow({"limit", "offset", "vectors"});
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  return Reply(req, 200,
               m.List(req.params.at("session"), static_cast<std::size_t>(limit), static_cast<std::size_t>(offset), vectors));
}

HttpResponse GetItem(MemoryService& m, HttpRequest& req) {
  Diagnostics diag;
  QueryReader q(req, diag);
  bool vectors = false;
  q.Bool("vectors", &vectors);
  q.Allow({"vectors"});
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  return Reply(req, 200, m.Get(req.params.at("session"), req.params.at("id"), vectors));
}

HttpResponse ForgetWeak(MemoryService& m, HttpRequest& req) {
  Diagnostics diag;
  double threshold = 0.1;
  if (auto it = req.query.find("threshold"); it != req.query.end()) {
    char* end = nullptr;
    threshold = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end != '\0' || !(threshold > 0 && threshold <= 1)) {
      diag.Add("threshold", "expected a retrievability in (0, 1] such as 0.1, got " + QuoteForMessage(it->second));
    }
  }
  QueryReader q(req, diag);
  q.Allow({"threshold"});
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  return Reply(req, 200, m.ForgetWeak(req.params.at("session"), threshold));
}

HttpResponse NoQuery(HttpRequest& req, const std::function<HttpResponse()>& next) {
  Diagnostics diag;
  QueryReader q(req, diag);
  q.Allow({});
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("query"));
  return next();
}

}  // namespace

void AddMemoryRoutes(Router& router, const ApiContext& ctx) {
  if (ctx.memory == nullptr) return;
  MemoryService* m = ctx.memory;
  const RouteOptions blocking{.blocking = true};
  router.Add("GET", "/api/v1/memory", "Memory sessions with their item counts",
             [m](HttpRequest& r) { return NoQuery(r, [m] { return HttpResponse::Json(200, m->Sessions()); }); }, blocking);
  router.Add("POST", "/api/v1/memory/{session}",
             "Memorize {content, vector?, metadata?, trust?, source?} (201 {id}) or {items: [...]} (201 {ids}); durable when answered",
             [m](HttpRequest& r) { return Memorize(*m, r); }, blocking);
  router.Add("GET", "/api/v1/memory/{session}",
             "Retrieve: query, mode (hybrid|bm25|vector), limit, metadata.<key>=<value>, min_trust, created_after, "
             "created_before, review; [{entry, score}]",
             [m](HttpRequest& r) { return Query(*m, r); }, blocking);
  router.Add("POST", "/api/v1/memory/{session}/search",
             "Retrieve with a JSON body: query, vector, mode, top_k, filters, created_after, created_before, min_trust, review",
             [m](HttpRequest& r) { return Search(*m, r); }, blocking);
  router.Add("DELETE", "/api/v1/memory/{session}", "Forget {ids} or the items a filter matches; {deleted}",
             [m](HttpRequest& r) { return Forget(*m, r); }, blocking);
  router.Add("GET", "/api/v1/memory/{session}/list", "A page of items in creation order (limit, offset)",
             [m](HttpRequest& r) { return List(*m, r); }, blocking);
  router.Add("GET", "/api/v1/memory/{session}/items/{id}", "One memory item with its FSRS state",
             [m](HttpRequest& r) { return GetItem(*m, r); }, blocking);
  router.Add("GET", "/api/v1/memory/{session}/stats", "Item count, index sizes and average retrievability",
             [m](HttpRequest& r) {
               return NoQuery(r, [m, &r] { return Reply(r, 200, m->Stats(r.params.at("session"))); });
             }, blocking);
  router.Add("DELETE", "/api/v1/memory/{session}/all", "Forget every item of the session; {deleted}",
             [m](HttpRequest& r) {
               return NoQuery(r, [m, &r] { return Reply(r, 200, m->ForgetSession(r.params.at("session"))); });
             }, blocking);
  router.Add("DELETE", "/api/v1/memory/{session}/weak",
             "Forget items whose FSRS-6 retrievability is now below threshold (default 0.1); {deleted}",
             [m](HttpRequest& r) { return ForgetWeak(*m, r); }, blocking);
}

}  // namespace goclaw::api::http
