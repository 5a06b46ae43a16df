// Admin routes: POST /api/v1/admin/snapshot {"dir": "/abs/path"} — an online snapshot of the
// store (a RocksDB checkpoint: consistent, taken while the server runs) into a new directory,
// which opens as a normal data directory (`goclaw server --set storage.path=DIR`).
#include <algorithm>
#include <filesystem>

#include <boost/json/parse.hpp>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/request_parsing.h"
#include "goclaw/core/json_reader.h"

namespace goclaw::api::http {
namespace {

namespace fs = std::filesystem;

// Whether `path` is `dir` or below it (both absolute and normalized).
bool Inside(const fs::path& path, const fs::path& dir) {
  auto [d, p] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  return d == dir.end();
}

// The mistakes a client can fix, as 400/409 with what to do, before RocksDB is asked (whose
// I/O errors are 503s): the directory must be new, its parent must exist, and it must not lie
// inside the live data directory (RocksDB would then snapshot the snapshot, and retention or a
// restore could delete it).
bool CheckSnapshotDir(const ApiContext& ctx, const HttpRequest& req, const std::string& dir, HttpResponse* error) {
  std::error_code ec;
  fs::path target = fs::weakly_canonical(fs::path(dir), ec);
  if (ec) {
    *error = ErrorResponse(req, 400, kValidationFailed, "dir \"" + dir + "\": " + ec.message());
    return false;
  }
  if (!target.has_filename()) target = target.parent_path();  // "/backups/snap/"
  if (!ctx.data_dir.empty()) {
    const fs::path data = fs::weakly_canonical(fs::absolute(ctx.data_dir, ec), ec);
    if (!ec && Inside(target, data)) {
      *error = ErrorResponse(req, 400, kValidationFailed,
                             "dir \"" + dir + "\" is inside the live data directory " + data.string() +
                                 " (storage.path); choose a directory outside it");
      return false;
    }
  }
  if (fs::symlink_status(dir, ec).type() != fs::file_type::not_found) {
    *error = ErrorResponse(req, 409, kConflict, "\"" + dir + "\" exists; a snapshot goes into a new directory");
    return false;
  }
  const fs::path parent = target.parent_path();
  const fs::file_status ps = fs::status(parent, ec);
  if (ps.type() == fs::file_type::not_found) {
    *error = ErrorResponse(req, 400, kValidationFailed,
                           "dir \"" + dir + "\": the parent directory " + parent.string() +
                               " does not exist; create it first (the snapshot itself must be new)");
    return false;
  }
  if (ps.type() != fs::file_type::directory) {
    *error = ErrorResponse(req, 400, kValidationFailed,
                           "dir \"" + dir + "\": " + parent.string() + " is not a directory");
    return false;
  }
  return true;
}

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
  if (HttpResponse refusal; !CheckSnapshotDir(ctx, req, dir, &refusal)) return refusal;
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

}  // namespace goclaw::api::http
