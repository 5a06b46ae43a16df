// The admin service: snapshot path checks and the store's state.
#include "goclaw/service/admin_service.h"

#include <algorithm>
#include <filesystem>

#include "goclaw/core/json_format.h"
#include "goclaw/core/json_reader.h"

namespace goclaw::service {
namespace {

namespace fs = std::filesystem;

// Whether `path` is `dir` or below it (both absolute and normalized).
bool Inside(const fs::path& path, const fs::path& dir) {
  auto [d, p] = std::mismatch(dir.begin(), dir.end(), path.begin(), path.end());
  return d == dir.end();
}

}  // namespace

boost::json::object StoreInfo::ToJson() const {
  if (!has_store) return {{"kind", "none"}, {"durable", false}, {"healthy", true}};
  return {{"kind", kind},
          {"durable", durable},
          {"healthy", healthy},
          {"commits", commits},
          {"batches", batches},
          {"failed_batches", failed_batches},
          {"last_write_error", last_write_error}};
}

AdminService::AdminService(store::Store* store, const engine::Engine& engine, std::string data_dir,
                           const Clock* clock)
    : store_(store), engine_(engine), data_dir_(std::move(data_dir)), clock_(clock ? *clock : system_clock_) {}

StoreInfo AdminService::DescribeStore() const {
  StoreInfo info;
  if (store_ == nullptr) return info;
  const store::StoreStats st = store_->Stats();
  info.has_store = true;
  info.kind = st.kind;
  info.durable = st.durable;
  info.healthy = engine_.StoreHealthy();
  info.commits = st.commits;
  info.batches = st.batches;
  info.failed_batches = st.failed_batches;
  info.last_write_error = st.last_write_error;
  return info;
}

Status AdminService::CheckSnapshotDir(const std::string& dir) const {
  std::error_code ec;
  fs::path target = fs::weakly_canonical(fs::path(dir), ec);
  if (ec) return MakeError(ErrorCode::kInvalidArgument, "dir \"" + dir + "\": " + ec.message());
  if (!target.has_filename()) target = target.parent_path();  // "/backups/snap/"
  if (!data_dir_.empty()) {
    const fs::path data = fs::weakly_canonical(fs::absolute(data_dir_, ec), ec);
    if (!ec && Inside(target, data)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "dir \"" + dir + "\" is inside the live data directory " + data.string() +
                           " (storage.path); choose a directory outside it");
    }
  }
  if (fs::symlink_status(dir, ec).type() != fs::file_type::not_found) {
    return MakeError(ErrorCode::kAlreadyExists, "\"" + dir + "\" exists; a snapshot goes into a new directory");
  }
  const fs::path parent = target.parent_path();
  const fs::file_status ps = fs::status(parent, ec);
  if (ps.type() == fs::file_type::not_found) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "dir \"" + dir + "\": the parent directory " + parent.string() +
                         " does not exist; create it first (the snapshot itself must be new)");
  }
  if (ps.type() != fs::file_type::directory) {
    return MakeError(ErrorCode::kInvalidArgument, "dir \"" + dir + "\": " + parent.string() + " is not a directory");
  }
  return OkStatus();
}

Result<boost::json::object> AdminService::Snapshot(const std::string& dir) {
  if (!fs::path(dir).is_absolute()) {
    Diagnostics diag;
    diag.Add("dir", "must be an absolute path (the server's working directory is not the client's)");
    return MakeError(diag.ToError("snapshot request"));
  }
  if (store_ == nullptr) {
    return MakeError(ErrorCode::kFailedPrecondition, "this server has no store (storage.backend: memory)");
  }
  GOCLAW_RETURN_IF_ERROR(CheckSnapshotDir(dir));
  const auto start = clock_.SteadyNow();
  GOCLAW_RETURN_IF_ERROR(store_->Checkpoint(dir));
  return boost::json::object{{"dir", dir}, {"seconds", RoundedSeconds(clock_.SteadyNow() - start)}};
}

}  // namespace goclaw::service
