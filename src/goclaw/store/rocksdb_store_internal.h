// Internal to the RocksDB adapter: the store class and what its files share. RocksDB is a
// private dependency of goclaw::store, so only the rocksdb_*.cc files include this header
// (store.h shows no RocksDB type). The class's methods live in four files, by responsibility:
//
//   rocksdb_open.cc    opening: the environment (failure injection, RocksDB's log), the column
//                      families and what a damaged directory looks like; reopening after a
//                      failed write
//   rocksdb_format.cc  after each open: the format version and its upgrade (building the
//                      workflow index of a format-1 store), the registered tables' versions, the
//                      per-state counts; the durable-sequence watermark
//   rocksdb_write.cc   the writer thread: one RocksDB write per group — records, erases, table
//                      mutations and the workflow index changes they make
//   rocksdb_read.cc    reads: records, listings over a snapshot, tables, checkpoints
//
// Thread-safety: as Store (store.h). Readers hold db_mu_ shared; the writer thread takes it
// alone to reopen the database (db_ and the handles change only then). Members marked "writer
// thread" are touched by the writer thread only (and by Open, before it starts).
#pragma once

#include <chrono>
#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include "goclaw/store/group_commit.h"
#include "goclaw/store/store.h"
#include "goclaw/store/tables.h"
#include "goclaw/store/workflow_index.h"

namespace goclaw::store::internal {

// The built-in column families, in kBuiltinFamilies' order (tables.h).
enum Family {
  kDefault,
  kWorkflows,
  kSpecs,
  kTasks,
  kEvents,
  kSagas,
  kMemory,
  kMeta,
  kWorkflowIndex,
  kFamilyCount
};
static_assert(std::size(kBuiltinFamilies) == kFamilyCount);
// The families every store has had since format 1 (all but workflow_index, added by format 2).
inline constexpr std::size_t kFormat1Families = kWorkflowIndex;
// The key of the format version in meta.
inline constexpr const char* kFormatKey = "format_version";

// A RocksDB status as an Error: kUnavailable for what may pass (a full disk, I/O, busy),
// kInternal otherwise. `what` says what was being done, and where.
Error FromRocks(const rocksdb::Status& s, const std::string& what);
inline std::string_view ToView(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

// Index writes into a RocksDB write batch (the writer's group, the index build).
class BatchSink final : public IndexSink {
 public:
  BatchSink(rocksdb::WriteBatch& wb, rocksdb::ColumnFamilyHandle* family)
      : wb_(wb), family_(family) {}
  void Put(std::string key, std::string value) override { wb_.Put(family_, key, value); }
  void Delete(std::string key) override { wb_.Delete(family_, key); }

 private:
  rocksdb::WriteBatch& wb_;
  rocksdb::ColumnFamilyHandle* family_;
};

class RocksDbStore final : public Store {
 public:
  // rocksdb_open.cc
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~RocksDbStore() override;

  // rocksdb_write.cc
  void Commit(StoreBatch batch, CommitCallback done) override;

  // rocksdb_read.cc
  Result<std::optional<SpecRecord>> Spec(const std::string& id) override;
  Result<std::uint64_t> LastEventSeq(const std::string& workflow_id) override;
  Result<WorkflowPage> ListWorkflows(const WorkflowQuery& query) override;
  Result<std::map<std::uint8_t, std::uint64_t>> CountWorkflowsByState() override;
  Result<std::optional<WorkflowRecord>> Workflow(const std::string& id) override;
  Result<std::vector<TaskRecord>> Tasks(const std::string& workflow_id) override;
  Result<std::vector<EventRecord>> Events(const std::string& workflow_id,
                                          std::uint64_t since) override;
  Result<std::optional<std::string>> Get(std::string_view table, std::string_view key) override;
  Result<std::vector<TableEntry>> Scan(std::string_view table, std::string_view prefix,
                                       std::string_view after_key, std::size_t limit) override;
  const std::vector<TableSpec>& Tables() const override { return registry_.specs(); }
  Status Checkpoint(const std::string& dir) override;
  int format_version() const override { return format_version_; }
  StoreStats Stats() const override;

 private:
  RocksDbStore(const StoreOptions& options, TableRegistry registry);

  // Workflows and their index as of one RocksDB snapshot; the caller holds db_mu_ (shared).
  // rocksdb_read.cc.
  class SnapshotView final : public WorkflowView {
   public:
    explicit SnapshotView(const RocksDbStore& store);
    ~SnapshotView() override;
    SnapshotView(const SnapshotView&) = delete;
    SnapshotView& operator=(const SnapshotView&) = delete;

    std::unique_ptr<KeyCursor> Index() override;
    std::unique_ptr<RecordCursor> Records() override;
    Result<std::optional<WorkflowRecord>> Record(const std::string& id) override;

   private:
    const RocksDbStore& store_;
    const rocksdb::Snapshot* snapshot_;
    rocksdb::ReadOptions read_;
  };

  // ---- rocksdb_open.cc ----
  Status OpenDb();
  void CloseDb();
  // After a failed write: once a probe write succeeds, closes and reopens the database.
  Status Recover();
  Status ProbeWrite();
  bool HasDatabase() const;
  Result<bool> RefuseDamagedDir() const;
  Error Damaged(const std::vector<std::string>& missing, const std::string& which) const;
  Status CheckFamiliesAgainstMeta(const rocksdb::Options& options,
                                  const std::vector<std::string>& unknown,
                                  const std::vector<std::string>& absent);
  void MapFamilies(const std::vector<rocksdb::ColumnFamilyDescriptor>& opened);

  // ---- rocksdb_format.cc ----
  Status PrepareAfterOpen();
  Status BuildIndex();
  Status IndexInMemory();
  Status CheckTables();
  Status LoadCounts();
  void MaybeWriteWatermark();
  std::uint64_t ReadWatermark() const;
  Status CheckWatermark();

  // ---- rocksdb_write.cc ----
  Status Write(const std::vector<const StoreBatch*>& group);
  Result<const IndexEntry*> Before(const std::string& id);
  Status ErasePrefix(rocksdb::WriteBatch& wb, rocksdb::ColumnFamilyHandle* family,
                     const std::string& prefix, const std::vector<const StoreBatch*>& group,
                     std::size_t batch, std::size_t mutation);

  // ---- rocksdb_read.cc ----
  // Under db_mu_: after a failed reopen there is no database until the next write reopens it.
  Status Usable() const;

  std::string path_;
  const bool sync_;  // fsync each write (sync modes always and batch)
  StoreOptions options_;
  std::unique_ptr<rocksdb::Env> env_;  // with failure injection only; outlives db_
  bool needs_reopen_ = false;          // writer thread only (and Open)
  std::string start_error_;            // why the store opened read-only at start
  std::chrono::steady_clock::time_point last_watermark_{};  // writer thread only
  // Readers share it; the writer thread takes it alone to reopen (db_ changes only then).
  mutable std::shared_mutex db_mu_;
  int format_version_ = 0;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // as opened (destroyed on close)
  std::vector<rocksdb::ColumnFamilyHandle*> family_;   // indexed by Family
  const TableRegistry registry_;
  std::vector<rocksdb::ColumnFamilyHandle*> table_family_;  // by registry position; nullptr: none
  bool opened_read_only_ = false;                           // db_ was opened with OpenForReadOnly
  // A read-only store of format 1: its workflow index, built at open (none on disk).
  std::unique_ptr<MemoryIndex> memory_index_;
  StateCounts counts_{};       // writer thread (and open): the stored per-state counts
  RecentIndexEntries recent_;  // writer thread: the index entries it wrote last
  std::string scratch_;        // writer thread: a value read back
  IndexEntry read_back_;       // writer thread: Before's answer when it read the store
  std::unique_ptr<GroupCommitter> committer_;
};

}  // namespace goclaw::store::internal
