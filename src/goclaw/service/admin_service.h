// Operating the data directory as an application service (api/http/admin_routes.cc; gRPC
// Admin later): online snapshots of the store, and what the store is and how it writes.
//
// A snapshot is a consistent copy of the live store (a RocksDB checkpoint, taken while the
// server runs) in a new directory, which opens as a normal data directory. The mistakes a
// caller can fix are refused before the store is asked (whose I/O errors are kUnavailable):
// the directory must be absolute and new, its parent must exist, and it must not lie inside the
// live data directory (RocksDB would snapshot the snapshot, and retention or a restore could
// delete it).
//
// Errors (errors.h): kInvalidArgument for a directory that is relative, inside the data
// directory or has no parent directory; kAlreadyExists when it exists; kFailedPrecondition when
// the store cannot snapshot (memory) or there is none.
//
// Thread-safety: every method from any thread; Snapshot blocks while the checkpoint is written.
// The store and the engine must outlive the service.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "goclaw/core/clock.h"
#include "goclaw/core/status.h"
#include "goclaw/engine/engine.h"
#include "goclaw/store/store.h"

namespace goclaw::service {

struct StoreInfo {
  std::string kind = "none";  // "rocksdb", "memory", or "none" without a store
  bool durable = false;
  bool healthy = true;        // false from a failed write until the next good one
  std::uint64_t commits = 0;
  std::uint64_t batches = 0;
  std::uint64_t failed_batches = 0;
  std::string last_write_error;  // why the last write failed; empty once one succeeds
  bool has_store = false;

  // {kind, durable, healthy, commits, batches, failed_batches, last_write_error}; without a
  // store only {kind: "none", durable: false, healthy: true}.
  boost::json::object ToJson() const;
};

class AdminService {
 public:
  // `store` may be null (an engine without persistence); `data_dir` is the live store's
  // directory ("" for a memory store), where snapshots may not go.
  AdminService(store::Store* store, const engine::Engine& engine, std::string data_dir,
               const Clock* clock = nullptr);
  AdminService(const AdminService&) = delete;
  AdminService& operator=(const AdminService&) = delete;

  // Writes a snapshot into `dir` (absolute, new): {"dir", "seconds"} (how long it took).
  Result<boost::json::object> Snapshot(const std::string& dir);
  StoreInfo DescribeStore() const;

 private:
  Status CheckSnapshotDir(const std::string& dir) const;

  store::Store* store_;
  const engine::Engine& engine_;
  const std::string data_dir_;
  SystemClock system_clock_;
  const Clock& clock_;
};

}  // namespace goclaw::service
