// Admin routes: POST /api/v1/admin/snapshot {"dir": "/abs/path"} — an online snapshot of the
// store (a RocksDB checkpoint: consistent, taken while the server runs) into a new directory,
// which opens as a normal data directory (`goclaw server --set storage.path=DIR`).
#include <filesystem>

#include <boost/json/parse.hpp>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"
#include "goclaw/core/json_reader.h"

namespace goclaw::api {
namespace {

HttpResponse Snapshot(const ApiContext& ctx, HttpRequest& req) {
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
  if (diag.empty() && !std::filesystem::path(dir).is_absolute()) {
    diag.Add("dir", "must be an absolute path (the server's working directory is not the client's)");
  }
  if (!diag.empty()) {
    Error e = diag.ToError("snapshot request");
    return ErrorResponse(req, 400, kValidationFailed, e.message(), e.details());
  }
  if (ctx.store == nullptr) {
    return ErrorResponse(req, 409, kConflict, "this server has no store (storage.backend: memory)");
  }
  std::error_code fs;
  if (std::filesystem::exists(dir, fs)) {
    return ErrorResponse(req, 409, kConflict, "\"" + dir + "\" exists; a snapshot goes into a new directory");
  }
  const auto start = std::chrono::steady_clock::now();
  if (Status s = ctx.store->Checkpoint(dir); !s) {
    if (s.error().code() == ErrorCode::kFailedPrecondition) {
      return ErrorResponse(req, 409, kConflict, s.error().message());
    }
    return ErrorResponse(req, s.error());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return HttpResponse::Json(201, boost::json::object{{"dir", dir}, {"seconds", seconds}});
}

}  // namespace

void AddAdminRoutes(Router& router, const ApiContext& ctx) {
  const ApiContext* c = &ctx;
  router.Add("POST", "/api/v1/admin/snapshot",
             "Online snapshot of the store into a new directory: {\"dir\": \"/abs/path\"}",
             [c](HttpRequest& r) { return Snapshot(*c, r); }, {.blocking = true});
}

}  // namespace goclaw::api
