// Admin routes over service::AdminService: POST /api/v1/admin/snapshot {"dir": "/abs/path"} — an
// online snapshot of the store (a RocksDB checkpoint: consistent, taken while the server runs)
// into a new directory, which opens as a normal data directory
// (`goclaw server --set storage.path=DIR`).
#include <boost/json/parse.hpp>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"
#include "goclaw/core/json_reader.h"

namespace goclaw::api::http {
namespace {

HttpResponse Snapshot(service::AdminService& admin, HttpRequest& req) {
  HttpResponse error;
  if (!RequireJson(req, &error)) return error;
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(req.body, ec);
  if (ec) return ErrorResponse(req, 400, kBadRequest, "malformed JSON: " + ec.message());
  Diagnostics diag;
  std::string dir;
  {
    ObjectReader r(body, "", diag, "the snapshot request");
    r.String("dir", &dir, /*required=*/true);
  }
  if (!diag.empty()) return ErrorResponse(req, diag.ToError("snapshot request"));
  auto taken = admin.Snapshot(dir);  // blocks while the checkpoint is written
  return taken ? HttpResponse::Json(201, *taken) : ErrorResponse(req, taken.error());
}

}  // namespace

void AddAdminRoutes(Router& router, const ApiContext& ctx) {
  if (ctx.admin == nullptr) return;
  service::AdminService* a = ctx.admin;
  router.Add("POST", "/api/v1/admin/snapshot",
             "Online snapshot of the store into a new directory: {\"dir\": \"/abs/path\"}",
             [a](HttpRequest& r) { return Snapshot(*a, r); }, {.blocking = true});
}

}  // namespace goclaw::api::http
