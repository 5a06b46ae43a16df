// GET /api/v1/openapi.json: an OpenAPI 3.1 document built from the router's own table, so it
// lists exactly the routes that answer (path parameters, summaries, the error schema) — but
// for the web UI's (/, /ui, /ui/{*path}: RouteOptions::documented false), which are pages, not API.
#include <algorithm>

#include "goclaw/api/http/api_routes.h"

namespace goclaw::api::http {
namespace {

boost::json::object Typed(std::string_view type) { return {{"type", type}}; }

boost::json::object ErrorSchema() {
  boost::json::object detail{{"type", "object"},
                             {"properties", {{"path", Typed("string")},
                                             {"message", Typed("string")},
                                             {"line", Typed("integer")}}}};
  boost::json::object details{{"type", "array"}, {"items", std::move(detail)}};
  boost::json::object error{{"type", "object"},
                            {"required", {"code", "message", "details", "request_id"}},
                            {"properties", {{"code", Typed("string")},
                                            {"message", Typed("string")},
                                            {"request_id", Typed("string")},
                                            {"details", std::move(details)}}}};
  return {{"type", "object"}, {"required", {"error"}}, {"properties", {{"error", std::move(error)}}}};
}

boost::json::object Operation(const Route& r) {
  boost::json::array params;
  for (const std::string& seg : r.segments) {
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
      params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
  }
  boost::json::object error_ref{{"description", "an error"},
                                {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  boost::json::object responses{{"200", {{"description", "success"}}}, {"default", error_ref}};
  if (r.method == "POST" && r.pattern == "/api/v1/workflows") {
    responses.erase("200");
    responses["201"] = {{"description", "finished within the wait"}};
    responses["202"] = {{"description", "accepted; still running"}};
  }
  if (r.websocket) {
    responses.erase("200");
    responses["101"] = {{"description", "switching to WebSocket; the messages are in docs/design/api.md"}};
  }
  if (r.pattern == "/metrics") {
    responses["200"] = {{"description", "Prometheus text format 0.0.4"},
                        {"content", {{"text/plain", {{"schema", {{"type", "string"}}}}}}}};
  }
  boost::json::object op{{"summary", r.summary},
                         {"operationId", r.method + " " + r.pattern},
                         {"responses", std::move(responses)}};
  if (!params.empty()) op["parameters"] = std::move(params);
  if (r.method == "POST" || r.method == "PATCH") {
    boost::json::object content{{"application/json", {{"schema", {{"type", "object"}}}}}};
    if (r.pattern == "/api/v1/workflows" || r.pattern == "/api/v1/workflows/validate") {
      content["application/yaml"] = {{"schema", {{"type", "string"}}}};
    }
    if (r.pattern != "/api/v1/workflows/{id}/cancel") {
      op["requestBody"] = {{"required", true}, {"content", std::move(content)}};
    }
  }
  return op;
}

}  // namespace

void AddOpenApiRoute(Router& router, const ApiContext& ctx) {
  const Router* table = &router;
  std::string version = ctx.health != nullptr ? ctx.health->version() : std::string();
  router.Add("GET", "/api/v1/openapi.json", "This document", [table, version](HttpRequest&) {
    boost::json::object paths;
    for (const Route& r : table->routes()) {
      if (!r.options.documented) continue;  // the web UI's pages: not API
      std::string method = r.method;
      std::transform(method.begin(), method.end(), method.begin(), [](unsigned char ch) { return std::tolower(ch); });
      auto& item = paths[r.pattern];
      if (!item.is_object()) item = boost::json::object();
      item.as_object()[method] = Operation(r);
    }
    return HttpResponse::Json(200, boost::json::object{
                                       {"openapi", "3.1.0"},
                                       {"info", {{"title", "goclaw"}, {"version", version}}},
                                       {"paths", std::move(paths)},
                                       {"components", {{"schemas", {{"Error", ErrorSchema()}}}}}});
  });
}

}  // namespace goclaw::api::http
