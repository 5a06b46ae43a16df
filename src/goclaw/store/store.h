// The engine's durable state (DESIGN.md §5, docs/design/storage.md): workflows, tasks and the
// event history, written in atomic batches and read back for queries and crash recovery.
//
//   auto store = OpenStore({.path = "./data", .sync = SyncMode::kBatch});
//   store->Commit(batch, [](Status s) { /* durable (or failed) now */ });
//   auto unfinished = store->Workflows({.unfinished_only = true});
//
// Two implementations: `rocksdb` (the default; one RocksDB database with column families
// workflows, specs, tasks, events, sagas, memory, meta) and `memory` (tests, --ephemeral).
//
// Group commit: Commit only queues the batch. One writer thread takes everything queued while
// its previous write ran and writes it as one RocksDB write batch with one fsync (sync mode
// `batch`), so durability costs one fsync per group, not per transition. `always` writes and
// fsyncs each Commit on its own; `none` never fsyncs (the OS decides). `done` runs on the
// writer thread once the batch is durable per the sync mode, or with the error (kUnavailable
// for I/O failures such as a full disk: nothing of that batch is applied).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "goclaw/config/config.h"
#include "goclaw/core/status.h"
#include "goclaw/core/unique_function.h"
#include "goclaw/log/log.h"
#include "goclaw/metrics/histogram.h"
#include "goclaw/store/records.h"

namespace goclaw::store {

using config::SyncMode;
using CommitCallback = UniqueFunction<void(Status)>;

struct StoreStats {
  std::string kind;                 // "rocksdb" or "memory"
  bool durable = false;
  std::uint64_t commits = 0;        // Commit calls applied
  std::uint64_t batches = 0;        // writes (with sync mode batch: fsyncs)
  std::uint64_t records = 0;        // records written
  std::uint64_t failed_batches = 0;
  std::size_t max_batch_commits = 0;  // the most Commit calls one write carried
  std::string last_write_error;       // why the last write failed; empty once one succeeds
  metrics::Histogram commit_latency;  // from Commit to durable, seconds
  metrics::Histogram write_latency;   // one write (+ fsync), seconds
};

struct WorkflowQuery {
  bool unfinished_only = false;  // only workflows whose state is below `first_terminal_state`
  std::uint8_t first_terminal_state = 3;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual void Commit(StoreBatch batch, CommitCallback done) = 0;
  // Commit and wait for it. Never from a commit callback (it runs on the writer thread).
  Status CommitAndWait(StoreBatch batch);

  virtual Result<std::vector<WorkflowRecord>> Workflows(const WorkflowQuery& query) = 0;
  virtual Result<std::optional<WorkflowRecord>> Workflow(const std::string& id) = 0;
  virtual Result<std::optional<SpecRecord>> Spec(const std::string& workflow_id) = 0;
  virtual Result<std::vector<TaskRecord>> Tasks(const std::string& workflow_id) = 0;
  // Events with seq > since, in seq order.
  virtual Result<std::vector<EventRecord>> Events(const std::string& workflow_id, std::uint64_t since = 0) = 0;
  // The seq of the workflow's last stored event; 0 when it has none.
  virtual Result<std::uint64_t> LastEventSeq(const std::string& workflow_id) = 0;

  // A consistent copy of the store in `dir` (which must not exist) while it runs; the copy
  // opens as a normal data directory. kFailedPrecondition for stores that cannot.
  virtual Status Checkpoint(const std::string& dir) = 0;
  virtual StoreStats Stats() const = 0;
  // The format version of the data (kept in `meta`; 0 for a read-only store never written).
  virtual int format_version() const = 0;
};

// Failure injection for tests: while `no_space` is set, every file write of the RocksDB store
// fails as a full disk would (RocksDB's own error handling and recovery run for real).
struct WriteFaults {
  std::atomic<bool> no_space{false};
};

struct StoreOptions {
  std::string path = "./data";
  SyncMode sync = SyncMode::kBatch;
  std::shared_ptr<WriteFaults> faults;  // tests only
  bool read_only = false;  // inspect a store (even one a running server has open); no writes
  log::Logger logger;      // RocksDB's warnings and errors (it writes no LOG file of its own)
};

// Opens (creating if needed) the RocksDB store at options.path. Errors say which file or
// setting was wrong: an unreadable or corrupt directory, or a format written by a newer goclaw.
Result<std::unique_ptr<Store>> OpenRocksDbStore(const StoreOptions& options);
// `faults` (tests): while no_space is set, commits fail with kUnavailable.
std::unique_ptr<Store> NewMemoryStore(std::shared_ptr<WriteFaults> faults = nullptr);

// The store format version this build reads and writes (kept in `meta`).
inline constexpr int kStoreFormatVersion = 1;

}  // namespace goclaw::store
