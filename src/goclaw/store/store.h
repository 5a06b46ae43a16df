// The engine's durable state (DESIGN.md §5, docs/design/storage.md): workflows, tasks and the
// event history, written in atomic batches and read back for queries and crash recovery, plus
// the tables other modules register (sagas, memory, ...), written in the same batches.
//
//   auto store = OpenRocksDbStore({.path = "./data", .sync = SyncMode::kBatch,
//                                  .tables = {{.name = "sagas", .column_family = "sagas"}}});
//   store->Commit(batch, [](Status s) { /* durable (or failed) now */ });
//   auto running = store->ListWorkflows({.states = {2}, .limit = 50});  // served by an index
//
// Two implementations: `rocksdb` (the default; one RocksDB database with column families
// workflows, specs, tasks, events, workflow_index, sagas, memory, meta, and one per registered
// table) and `memory` (tests, --ephemeral). RocksDB stays inside the adapter: nothing here
// shows it.
//
// Group commit: Commit only queues the batch. One writer thread takes everything queued while
// its previous write ran and writes it as one RocksDB write batch with one fsync (sync mode
// `batch`), so durability costs one fsync per group, not per transition. `always` writes and
// fsyncs each Commit on its own; `none` never fsyncs (the OS decides). `done` runs on the
// writer thread once the batch is durable per the sync mode, or with the error (kUnavailable
// for I/O failures such as a full disk: nothing of that batch is applied). A batch that names
// a table nobody registered fails at once, on the calling thread, with kInvalidArgument.
//
// Workflow listing: the store keeps an index of workflows by state (maintained on every
// workflow put and erase, in the same write) and a count per state, so a page of workflows in
// some states and the number of them cost what the page costs, not a scan of every workflow.
// States are opaque numbers to the store: callers say which ones they want.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

// A table another module keeps in the store, registered before open (StoreOptions::tables).
// Its keys and values are bytes the module encodes; the store orders keys as bytes and writes
// the table's mutations in the same atomic batch as the engine's records.
struct TableSpec {
  // What batches and reads name: letters, digits, '_', '-', '.'; at most 64 bytes.
  std::string name;
  // Its RocksDB column family (same alphabet); empty: the name. One table per family; the
  // built-in families are not available, except `sagas` and `memory`, which every store has
  // had (empty) since format 1, reserved for those modules.
  std::string column_family;
  // The format of the values the module writes, kept in `meta` per table: a store whose table
  // has a newer version than this is refused at open; an older one is raised to this one (the
  // module reads every older version of its values).
  int format_version = 1;
  // For inspection (goclaw admin inspect, debugging): a readable form (text or JSON) of one
  // entry. Optional.
  std::function<std::string(std::string_view key, std::string_view value)> describe;
};

struct TableEntry {
  std::string key;
  std::string value;
  friend bool operator==(const TableEntry&, const TableEntry&) = default;
};

// Which workflows to list. Every set filter must match; results are in id order (ids are
// "wf-<uuidv7>", so oldest first), or in reverse id order (newest first) with newest_first.
struct WorkflowQuery {
  std::vector<std::uint8_t> states;               // in any of these states; empty: any state
  std::string name;                               // exactly this name; empty: any
  std::optional<std::int64_t> created_after_us;   // created at or after
  std::optional<std::int64_t> created_before_us;  // created before
  std::string after_id;     // a cursor: only workflows listed after this one (an id sorting
                            // after it; before it with newest_first)
  std::size_t offset = 0;   // matches skipped after the cursor
  std::size_t limit = 0;    // at most this many; 0: no limit
  bool newest_first = false;
};

struct WorkflowPage {
  std::vector<WorkflowRecord> workflows;  // in id order (reversed with newest_first)
  // How many workflows match states, name and times: the cursor, offset and limit do not
  // change it. Without a name or time filter it comes from the per-state counts (no scan).
  std::uint64_t total = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual void Commit(StoreBatch batch, CommitCallback done) = 0;
  // Commit and wait for it. Never from a commit callback (it runs on the writer thread).
  Status CommitAndWait(StoreBatch batch);

  // A page of workflows and the number matching (WorkflowQuery). From one consistent view of
  // the store: a workflow that changes state meanwhile is listed once, in one of its states.
  virtual Result<WorkflowPage> ListWorkflows(const WorkflowQuery& query) = 0;
  // Every workflow matching `query` (its limit and offset apply): ListWorkflows without the total.
  Result<std::vector<WorkflowRecord>> Workflows(const WorkflowQuery& query = {});
  // How many workflows are stored in each state; states with none are absent.
  virtual Result<std::map<std::uint8_t, std::uint64_t>> CountWorkflowsByState() = 0;
  virtual Result<std::optional<WorkflowRecord>> Workflow(const std::string& id) = 0;
  virtual Result<std::optional<SpecRecord>> Spec(const std::string& workflow_id) = 0;
  virtual Result<std::vector<TaskRecord>> Tasks(const std::string& workflow_id) = 0;
  // Events with seq > since, in seq order.
  virtual Result<std::vector<EventRecord>> Events(const std::string& workflow_id, std::uint64_t since = 0) = 0;
  // The seq of the workflow's last stored event; 0 when it has none.
  virtual Result<std::uint64_t> LastEventSeq(const std::string& workflow_id) = 0;

  // Registered tables (StoreOptions::tables). kInvalidArgument for a table not registered.
  virtual Result<std::optional<std::string>> Get(std::string_view table, std::string_view key) = 0;
  // Entries whose key starts with `prefix` and sorts after `after_key` (empty: from the first),
  // in key order, at most `limit` of them (0: no limit). Page with after_key = the last key.
  virtual Result<std::vector<TableEntry>> Scan(std::string_view table, std::string_view prefix,
                                               std::string_view after_key = {}, std::size_t limit = 0) = 0;
  // Every entry of a registered table whose key starts with `prefix`, in key order (Scan, a
  // page at a time).
  Result<std::vector<TableEntry>> ScanAll(std::string_view table, std::string_view prefix = {});
  // The registered tables, for inspection.
  virtual const std::vector<TableSpec>& Tables() const = 0;

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
  std::vector<TableSpec> tables;  // the tables other modules keep in the store
};

// Opens (creating if needed) the RocksDB store at options.path, creating the families of newly
// registered tables; a store of format 1 gets its workflow index built (once) and becomes
// format 2. Errors say which file or setting was wrong: an unreadable or corrupt directory, a
// bad table registration (kInvalidArgument), or a format or table version written by a newer
// goclaw (kFailedPrecondition).
Result<std::unique_ptr<Store>> OpenRocksDbStore(const StoreOptions& options);
// The memory store with options.tables registered (options.faults as below; the rest unused).
Result<std::unique_ptr<Store>> OpenMemoryStore(const StoreOptions& options);
// `faults` (tests): while no_space is set, commits fail with kUnavailable.
std::unique_ptr<Store> NewMemoryStore(std::shared_ptr<WriteFaults> faults = nullptr);

// The store format version this build reads and writes (kept in `meta`). 2: format 1 plus
// the workflow_index family (docs/design/storage.md).
inline constexpr int kStoreFormatVersion = 2;

}  // namespace goclaw::store
