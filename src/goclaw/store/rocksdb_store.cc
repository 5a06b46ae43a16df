// The RocksDB store: one database, a column family per kind of record and per registered table
// (docs/design/storage.md), the workflow index kept in step by the writer, the format version
// and the tables' versions in `meta`, writes through the group committer.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/listener.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include "goclaw/store/encoding.h"
#include "goclaw/store/group_commit.h"
#include "goclaw/store/store.h"
#include "goclaw/store/tables.h"
#include "goclaw/store/workflow_index.h"

namespace goclaw::store {
namespace {

using internal::kBuiltinFamilies;
constexpr const char* kFormatKey = "format_version";

enum Family { kDefault, kWorkflows, kSpecs, kTasks, kEvents, kSagas, kMemory, kMeta, kWorkflowIndex, kFamilyCount };
static_assert(std::size(kBuiltinFamilies) == kFamilyCount);
// The families every store has had since format 1 (all but workflow_index, added by format 2).
constexpr std::size_t kFormat1Families = kWorkflowIndex;
// The workflow index is rebuilt in write batches of this many entries (storage.md, backfill).
constexpr std::size_t kBackfillBatch = 10000;

// Failure injection (StoreOptions::faults): files whose writes fail with "no space" while the
// flag is set, so tests see RocksDB's real reaction to a full disk.
class FaultyFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyFile(std::unique_ptr<rocksdb::FSWritableFile> file, std::shared_ptr<WriteFaults> faults)
      : FSWritableFileOwnerWrapper(std::move(file)), faults_(std::move(faults)) {}
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* dbg) override {
    if (Full()) return NoSpace();
    return FSWritableFileOwnerWrapper::Append(data, o, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           const rocksdb::DataVerificationInfo& info, rocksdb::IODebugContext* dbg) override {
    if (Full()) return NoSpace();
    return FSWritableFileOwnerWrapper::Append(data, o, info, dbg);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
    if (Full()) return NoSpace();
    return FSWritableFileOwnerWrapper::Sync(o, dbg);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override {
    if (Full()) return NoSpace();
    return FSWritableFileOwnerWrapper::Fsync(o, dbg);
  }

 private:
  bool Full() const { return faults_->no_space.load(); }
  static rocksdb::IOStatus NoSpace() { return rocksdb::IOStatus::NoSpace("injected: no space left on device"); }
  std::shared_ptr<WriteFaults> faults_;
};

class FaultyFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  FaultyFileSystem(std::shared_ptr<rocksdb::FileSystem> base, std::shared_ptr<WriteFaults> faults)
      : FileSystemWrapper(std::move(base)), faults_(std::move(faults)) {}
  const char* Name() const override { return "GoclawFaultyFileSystem"; }
  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override {
    if (faults_->no_space.load()) return rocksdb::IOStatus::NoSpace("injected: no space left on device");
    std::unique_ptr<rocksdb::FSWritableFile> file;
    rocksdb::IOStatus s = FileSystemWrapper::NewWritableFile(f, o, &file, dbg);
    if (s.ok()) *r = std::make_unique<FaultyFile>(std::move(file), faults_);
    return s;
  }

 private:
  std::shared_ptr<WriteFaults> faults_;
};

// RocksDB 7.8 must not resume by itself after a failed WAL write: when its memtables are
// empty, its recovery keeps the failed WAL writer, and the next write trips an assertion in
// WritableFileWriter (an abort in Debian's build, which keeps assertions). The store reopens
// the database itself instead (RocksDbStore::Recover).
class NoAutoRecovery final : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status, bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

// RocksDB's own log goes to goclaw's log (module "store"; warnings and errors only) instead of
// a LOG file in the data directory: on a full disk RocksDB's file logger asserts on its next
// line after a failed write (an abort in Debian's build, issue 12), and a LOG file that grows
// by itself has no place on a disk that is full.
class ForwardingLogger final : public rocksdb::Logger {
 public:
  explicit ForwardingLogger(log::Logger logger)
      : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL), logger_(std::move(logger)) {}
  using rocksdb::Logger::Logv;
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    char buffer[1024];
    const int n = std::vsnprintf(buffer, sizeof buffer, format, ap);
    if (n < 0) return;
    const std::string_view text(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buffer - 1));
    logger_.Write(level >= rocksdb::InfoLogLevel::ERROR_LEVEL ? log::Level::kError : log::Level::kWarn,
                  "rocksdb: " + std::string(text));
  }

 private:
  log::Logger logger_;
};

// The durable-sequence watermark (storage.md, "Detecting lost writes"): a small file next to
// the database holding a RocksDB sequence number that was durable when it was written.
constexpr const char* kWatermarkFile = "GOCLAW-DURABLE";
constexpr auto kWatermarkInterval = std::chrono::seconds(1);

Error FromRocks(const rocksdb::Status& s, const std::string& what) {
  const ErrorCode code = s.IsNoSpace() || s.IsIOError() || s.IsBusy() || s.IsTryAgain()
                             ? ErrorCode::kUnavailable
                             : ErrorCode::kInternal;
  return Error(code, what + ": " + s.ToString());
}

std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

// Index writes into the write batch of a group.
class BatchSink final : public internal::IndexSink {
 public:
  BatchSink(rocksdb::WriteBatch& wb, rocksdb::ColumnFamilyHandle* family) : wb_(wb), family_(family) {}
  void Put(std::string key, std::string value) override { wb_.Put(family_, key, value); }
  void Delete(std::string key) override { wb_.Delete(family_, key); }

 private:
  rocksdb::WriteBatch& wb_;
  rocksdb::ColumnFamilyHandle* family_;
};

class IteratorCursor final : public internal::KeyCursor {
 public:
  explicit IteratorCursor(rocksdb::Iterator* it) : it_(it) {}
  void Seek(std::string_view key) override { it_->Seek(rocksdb::Slice(key.data(), key.size())); }
  bool Valid() const override { return it_->Valid(); }
  std::string_view key() const override { return View(it_->key()); }
  std::string_view value() const override { return View(it_->value()); }
  void Next() override { it_->Next(); }
  Status status() const override {
    if (it_->status().ok()) return OkStatus();
    return MakeError(FromRocks(it_->status(), "reading the workflow index"));
  }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

class RecordIterator final : public internal::RecordCursor {
 public:
  explicit RecordIterator(rocksdb::Iterator* it) : it_(it) {}
  void Seek(std::string_view id) override {
    it_->Seek(rocksdb::Slice(id.data(), id.size()));
    Decode();
  }
  bool Valid() const override { return it_->Valid() && status_.has_value(); }
  const WorkflowRecord& record() const override { return record_; }
  void Next() override {
    it_->Next();
    Decode();
  }
  Status status() const override {
    if (!status_) return status_;
    if (it_->status().ok()) return OkStatus();
    return MakeError(FromRocks(it_->status(), "reading workflows"));
  }

 private:
  void Decode() {
    if (!it_->Valid()) return;
    auto r = DecodeWorkflow(View(it_->value()));
    if (!r) {
      status_ = MakeError(r.error());
      return;
    }
    record_ = std::move(*r);
  }
  std::unique_ptr<rocksdb::Iterator> it_;
  WorkflowRecord record_;
  Status status_ = OkStatus();
};


class RocksDbStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options) {
    GOCLAW_ASSIGN_OR_RETURN(auto registry, internal::TableRegistry::Create(options.tables));
    auto store = std::unique_ptr<RocksDbStore>(new RocksDbStore(options, std::move(registry)));
    GOCLAW_RETURN_IF_ERROR(store->CheckWatermark());
    Status opened = store->OpenDb();
    if (!opened && !options.read_only && opened.error().code() == ErrorCode::kUnavailable &&
        store->HasDatabase()) {
      // A full disk (or another write failure) at start: serve what is stored, read-only, and
      // open for writing once a write can succeed (Recover, with the first commit).
      store->options_.read_only = true;
      Status read_only = store->OpenDb();
      store->options_.read_only = false;
      if (!read_only) return MakeError(opened.error());
      store->needs_reopen_ = true;
      store->start_error_ = opened.error().message();
      opened = OkStatus();
    }
    GOCLAW_RETURN_IF_ERROR(opened);
    GOCLAW_RETURN_IF_ERROR(store->PrepareAfterOpen());
    if (options.read_only) return std::unique_ptr<Store>(std::move(store));  // no writer thread
    store->committer_ = std::make_unique<GroupCommitter>(
        [s = store.get()](const std::vector<const StoreBatch*>& group) { return s->Write(group); },
        options.sync == SyncMode::kAlways, "rocksdb", options.sync != SyncMode::kNone);
    return std::unique_ptr<Store>(std::move(store));
  }

  ~RocksDbStore() override {
    committer_.reset();  // writes what is queued first
    CloseDb();
  }

  void Commit(StoreBatch batch, CommitCallback done) override {
    if (!committer_) {
      if (done) done(MakeError(ErrorCode::kFailedPrecondition, "the store at " + path_ + " is open read-only"));
      return;
    }
    if (Status ok = registry_.Check(batch); !ok) {
      if (done) done(std::move(ok));
      return;
    }
    committer_->Submit(std::move(batch), std::move(done));
  }

  Result<std::optional<SpecRecord>> Spec(const std::string& id) override {
    std::shared_lock lock(db_mu_);
    GOCLAW_RETURN_IF_ERROR(Usable());
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_[kSpecs], id, &value);
    if (s.IsNotFound()) return std::optional<SpecRecord>();
    if (!s.ok()) return MakeError(FromRocks(s, "reading the spec of " + id + " from " + path_));
    GOCLAW_ASSIGN_OR_RETURN(SpecRecord r, DecodeSpec(id, value));
    return std::optional<SpecRecord>(std::move(r));
  }

  Result<std::uint64_t> LastEventSeq(const std::string& workflow_id) override {
    std::shared_lock lock(db_mu_);
    GOCLAW_RETURN_IF_ERROR(Usable());
    const std::string prefix = WorkflowPrefix(workflow_id);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family_[kEvents]));
    it->SeekForPrev(EventKey(workflow_id, std::numeric_limits<std::uint64_t>::max()));
    if (!it->status().ok()) return MakeError(FromRocks(it->status(), "reading events of " + workflow_id));
    if (!it->Valid() || !it->key().starts_with(prefix)) return std::uint64_t{0};
    GOCLAW_ASSIGN_OR_RETURN(EventRecord e, DecodeEvent(View(it->key()), View(it->value())));
    return e.seq;
  }

  Result<WorkflowPage> ListWorkflows(const WorkflowQuery& query) override {
    std::shared_lock lock(db_mu_);
    GOCLAW_RETURN_IF_ERROR(Usable());
    SnapshotView view(*this);
    return internal::QueryWorkflows(view, query);
  }

  Result<std::map<std::uint8_t, std::uint64_t>> CountWorkflowsByState() override {
    std::shared_lock lock(db_mu_);
    GOCLAW_RETURN_IF_ERROR(Usable());
    SnapshotView view(*this);
    return internal::CountByState(view);
  }

  Result<std::optional<WorkflowRecord>> Workflow(const std::string& id) override {
    std::shared_lock lock(db_mu_);
    GOCLAW_RETURN_IF_ERROR(Usable());
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_[kWorkflows], id, &value);
    if (s.IsNotFound()) return std::optional<WorkflowRecord>();
    if (!s.ok()) return MakeError(FromRocks(s, "reading workflow " + id + " from " + path_));
    GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord w, DecodeWorkflow(value));
    return std::optional<WorkflowRecord>(std::move(w));
  }

  Result<std::vector<TaskRecord>> Tasks(const std::string& workflow_id) override {
    std::shared_lock lock(db_mu_);
    GOCLAW_RETURN_IF_ERROR(Usable());
    std::vector<TaskRecord> out;
    const std::string prefix = WorkflowPrefix(workflow_id);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family_[kTasks]));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      GOCLAW_ASSIGN_OR_RETURN(TaskRecord t, DecodeTask(View(it->key()), View(it->value())));
      out.push_back(std::move(t));
    }
    if (!it->status().ok()) return MakeError(FromRocks(it->status(), "reading tasks of " + workflow_id));
    return out;
  }

  Result<std::vector<EventRecord>> Events(const std::string& workflow_id, std::uint64_t since) override {
    std::shared_lock lock(db_mu_);
    GOCLAW_RETURN_IF_ERROR(Usable());
    std::vector<EventRecord> out;
    if (since == std::numeric_limits<std::uint64_t>::max()) return out;  // nothing comes after it
    const std::string prefix = WorkflowPrefix(workflow_id);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family_[kEvents]));
    for (it->Seek(EventKey(workflow_id, since + 1)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      GOCLAW_ASSIGN_OR_RETURN(EventRecord e, DecodeEvent(View(it->key()), View(it->value())));
      out.push_back(std::move(e));
    }
    if (!it->status().ok()) return MakeError(FromRocks(it->status(), "reading events of " + workflow_id));
    return out;
  }

  Result<std::optional<std::string>> Get(std::string_view table, std::string_view key) override {
    GOCLAW_ASSIGN_OR_RETURN(std::size_t t, registry_.Find(table));
    std::shared_lock lock(db_mu_);
    GOCLAW_RETURN_IF_ERROR(Usable());
    if (table_family_[t] == nullptr) return std::optional<std::string>();  // read-only, never created
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), table_family_[t], rocksdb::Slice(key.data(), key.size()), &value);
    if (s.IsNotFound()) return std::optional<std::string>();
    if (!s.ok()) return MakeError(FromRocks(s, "reading store table \"" + std::string(table) + "\" of " + path_));
    return std::optional<std::string>(std::move(value));
  }

  Result<std::vector<TableEntry>> Scan(std::string_view table, std::string_view prefix, std::string_view after_key,
                                       std::size_t limit) override {
    GOCLAW_ASSIGN_OR_RETURN(std::size_t t, registry_.Find(table));
    std::shared_lock lock(db_mu_);
    GOCLAW_RETURN_IF_ERROR(Usable());
    std::vector<TableEntry> out;
    if (table_family_[t] == nullptr) return out;
    rocksdb::ReadOptions read;
    const std::string end = PrefixEnd(prefix);
    rocksdb::Slice upper(end);
    if (!end.empty()) read.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, table_family_[t]));
    const bool from_cursor = !after_key.empty() && after_key >= prefix;
    const std::string_view start = from_cursor ? after_key : prefix;
    it->Seek(rocksdb::Slice(start.data(), start.size()));
    if (from_cursor && it->Valid() && View(it->key()) == after_key) it->Next();
    for (; it->Valid() && View(it->key()).starts_with(prefix) && (limit == 0 || out.size() < limit); it->Next()) {
      out.push_back({it->key().ToString(), it->value().ToString()});
    }
    if (!it->status().ok()) {
      return MakeError(FromRocks(it->status(), "reading store table \"" + std::string(table) + "\" of " + path_));
    }
    return out;
  }

  const std::vector<TableSpec>& Tables() const override { return registry_.specs(); }

  Status Checkpoint(const std::string& dir) override {
    std::shared_lock lock(db_mu_);
    GOCLAW_RETURN_IF_ERROR(Usable());
    rocksdb::Checkpoint* raw = nullptr;
    rocksdb::Status s = rocksdb::Checkpoint::Create(db_, &raw);
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    if (s.ok()) s = checkpoint->CreateCheckpoint(dir);
    if (!s.ok()) return MakeError(FromRocks(s, "snapshot of " + path_ + " into " + dir));
    return OkStatus();
  }

  int format_version() const override { return format_version_; }

  StoreStats Stats() const override {
    if (committer_) return committer_->Stats();
    StoreStats st;
    st.kind = "rocksdb";
    return st;
  }

 private:
  RocksDbStore(const StoreOptions& options, internal::TableRegistry registry)
      : path_(options.path), sync_(options.sync != SyncMode::kNone), options_(options), registry_(std::move(registry)) {}

  // Workflows and their index as of one RocksDB snapshot; the caller holds db_mu_ (shared).
  class SnapshotView final : public internal::WorkflowView {
   public:
    explicit SnapshotView(const RocksDbStore& store) : store_(store), snapshot_(store.db_->GetSnapshot()) {
      read_.snapshot = snapshot_;
    }
    ~SnapshotView() override {
      if (snapshot_ != nullptr) store_.db_->ReleaseSnapshot(snapshot_);
    }
    SnapshotView(const SnapshotView&) = delete;
    SnapshotView& operator=(const SnapshotView&) = delete;

    std::unique_ptr<internal::KeyCursor> Index() override {
      // A read-only store of format 1 has no index on disk: the one built at open.
      if (store_.memory_index_) return store_.memory_index_->Cursor();
      return std::make_unique<IteratorCursor>(store_.db_->NewIterator(read_, store_.family_[kWorkflowIndex]));
    }
    std::unique_ptr<internal::RecordCursor> Records() override {
      return std::make_unique<RecordIterator>(store_.db_->NewIterator(read_, store_.family_[kWorkflows]));
    }
    Result<std::optional<WorkflowRecord>> Record(const std::string& id) override {
      std::string value;
      rocksdb::Status s = store_.db_->Get(read_, store_.family_[kWorkflows], id, &value);
      if (s.IsNotFound()) return std::optional<WorkflowRecord>();
      if (!s.ok()) return MakeError(FromRocks(s, "reading workflow " + id));
      GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord w, DecodeWorkflow(value));
      return std::optional<WorkflowRecord>(std::move(w));
    }

   private:
    const RocksDbStore& store_;
    const rocksdb::Snapshot* snapshot_;
    rocksdb::ReadOptions read_;
  };

  // Under db_mu_: after a failed reopen there is no database until the next write reopens it.
  Status Usable() const {
    if (db_ != nullptr) return OkStatus();
    return MakeError(ErrorCode::kUnavailable, "the store at " + path_ + " is closed after a write error; it reopens with the next write");
  }

  void CloseDb() {
    for (auto* h : handles_) {
      if (h) db_->DestroyColumnFamilyHandle(h);
    }
    handles_.clear();
    family_.clear();
    if (db_) {
      db_->Close();
      delete db_;
      db_ = nullptr;
    }
  }

  // After a failed write (a full disk) RocksDB refuses writes. It is never resumed in place
  // (RocksDB 7.8 may keep writing to the failed WAL and abort, see NoAutoRecovery): once a
  // probe write shows the disk takes writes again, the database is closed (safe after a WAL
  // error) and opened again, which replays its WAL: what was written before stays, the failed
  // write was never applied. Until then the database stays open, so reads keep working.
  Status Recover() {
    if (Status probe = ProbeWrite(); !probe) return probe;
    std::unique_lock lock(db_mu_);
    CloseDb();
    GOCLAW_RETURN_IF_ERROR(OpenDb());
    return PrepareAfterOpen();
  }

  // Writes, syncs and removes a small file next to the data: can the disk take writes again?
  Status ProbeWrite() {
    rocksdb::Env* env = env_ ? env_.get() : rocksdb::Env::Default();
    const std::string probe = path_ + "/.goclaw-write-probe";
    std::unique_ptr<rocksdb::WritableFile> file;
    rocksdb::Status s = env->NewWritableFile(probe, &file, rocksdb::EnvOptions());
    if (s.ok()) s = file->Append(std::string(4096, '\0'));
    if (s.ok()) s = file->Sync();
    if (file) (void)file->Close();
    (void)env->DeleteFile(probe);
    if (!s.ok()) return MakeError(FromRocks(s, "writing to the store at " + path_));
    return OkStatus();
  }

  Status OpenDb() {
    std::error_code ec;
    if (options_.read_only) {
      if (!std::filesystem::is_directory(path_, ec)) {
        return MakeError(ErrorCode::kNotFound, "no store at " + path_ + " (not a directory)");
      }
    } else {
      std::filesystem::create_directories(path_, ec);
    }
    if (ec) {
      return MakeError(ErrorCode::kUnavailable, "storage.path: cannot create \"" + path_ + "\": " + ec.message());
    }
    // Only an empty or new directory is initialised: RocksDB with create_if_missing would
    // start over in a directory whose CURRENT file is gone and delete the old files.
    GOCLAW_ASSIGN_OR_RETURN(const bool existing_db, RefuseDamagedDir());
    rocksdb::Options options;
    if (options_.faults) {
      env_ = rocksdb::NewCompositeEnv(
          std::make_shared<FaultyFileSystem>(rocksdb::FileSystem::Default(), options_.faults));
      options.env = env_.get();
    }
    options.create_if_missing = !existing_db;
    options.create_missing_column_families = true;
    options.paranoid_checks = true;
    options.info_log = std::make_shared<ForwardingLogger>(options_.logger);
    options.listeners.push_back(std::make_shared<NoAutoRecovery>());
    // Point-in-time recovery (RocksDB's default, chosen deliberately): replay stops at the first
    // damaged record, so what comes back is a consistent prefix with no holes; the watermark
    // (CheckWatermark) then tells whether that prefix lacks acknowledged writes.
    options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    options.IncreaseParallelism(2);
    // The families to open: the built-in ones, then the registered tables'.
    std::vector<std::string> names(std::begin(kBuiltinFamilies), std::end(kBuiltinFamilies));
    for (const TableSpec& t : registry_.specs()) {
      if (std::find(names.begin(), names.end(), t.column_family) == names.end()) names.push_back(t.column_family);
    }
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(options, path_, &existing).ok()) {
      auto exists = [&](const std::string& name) {
        return std::find(existing.begin(), existing.end(), name) != existing.end();
      };
      // Every store has had the format-1 families since it was created: one missing from the
      // MANIFEST means the MANIFEST lost records (truncated or damaged), and creating the family
      // again would silently drop whatever the WAL still holds for it.
      std::vector<std::string> missing;
      for (std::size_t f = 0; f < kFormat1Families; ++f) {
        if (!exists(kBuiltinFamilies[f])) missing.push_back(kBuiltinFamilies[f]);
      }
      if (existing_db && !missing.empty()) return MakeError(Damaged(missing, "which every goclaw store has"));
      std::vector<std::string> unknown;
      for (const auto& name : existing) {
        if (std::find(names.begin(), names.end(), name) == names.end()) unknown.push_back(name);
      }
      std::vector<std::string> absent;  // families this build would create
      for (const auto& name : names) {
        if (!exists(name)) absent.push_back(name);
      }
      if (existing_db && (!unknown.empty() || !absent.empty())) {
        GOCLAW_RETURN_IF_ERROR(CheckFamiliesAgainstMeta(options, unknown, absent));
      }
      // A family meta records as another table (one not registered this time) is opened as it
      // is (RocksDB opens every family for writing) and left alone.
      if (!options_.read_only) names.insert(names.end(), unknown.begin(), unknown.end());
      // Read-only: only the families that exist (a store made by an older build lacks some).
      if (options_.read_only) std::erase_if(names, [&](const std::string& n) { return !exists(n); });
    }
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const auto& name : names) families.emplace_back(name, rocksdb::ColumnFamilyOptions(options));
    rocksdb::Status s;
    if (options_.read_only) {
      s = rocksdb::DB::OpenForReadOnly(options, path_, families, &handles_, &db_);
    } else {
      s = rocksdb::DB::Open(options, path_, families, &handles_, &db_);
    }
    if (!s.ok()) return MakeError(FromRocks(s, "cannot open the store at " + path_));
    opened_read_only_ = options_.read_only;
    MapFamilies(families);
    return OkStatus();
  }

  Error Damaged(const std::vector<std::string>& missing, const std::string& which) const {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    return Error(ErrorCode::kFailedPrecondition,
                 "the store at " + path_ + " is damaged: its MANIFEST does not list the column "
                 "families " + names + ", " + which + " (a truncated or damaged MANIFEST file). Refusing to "
                 "open it; restore a snapshot (goclaw admin snapshot)");
  }

  // Before opening a store that has families this build does not know (`unknown`) or lacks
  // families it would create (`absent`), reads `meta` (read-only, creating nothing): an unknown
  // family must be a table registered by an earlier start (else a newer goclaw made it); an
  // absent one must be new (else the MANIFEST lost it).
  Status CheckFamiliesAgainstMeta(const rocksdb::Options& options, const std::vector<std::string>& unknown,
                                  const std::vector<std::string>& absent) {
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {kBuiltinFamilies[kDefault], rocksdb::ColumnFamilyOptions(options)},
        {kBuiltinFamilies[kMeta], rocksdb::ColumnFamilyOptions(options)}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    rocksdb::Status s = rocksdb::DB::OpenForReadOnly(options, path_, families, &handles, &db);
    if (!s.ok()) return MakeError(FromRocks(s, "cannot open the store at " + path_));
    std::map<std::string, std::string> tables;  // family -> table, as recorded
    std::string format;
    {
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handles[1]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const std::string_view key = View(it->key());
        if (key == kFormatKey) format = it->value().ToString();
        if (!key.starts_with(internal::kTableMetaPrefix)) continue;
        auto meta = internal::ParseTableMeta(key, View(it->value()));
        if (meta) tables[meta->family] = meta->name;
      }
      s = it->status();
    }
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    db->Close();
    delete db;
    if (!s.ok()) return MakeError(FromRocks(s, "reading meta of the store at " + path_));
    for (const auto& name : unknown) {
      if (!tables.contains(name)) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "the store at " + path_ + " has a column family \"" + name +
                             "\" this goclaw does not know (written by a newer version?)");
      }
    }
    std::vector<std::string> lost;
    for (const auto& name : absent) {
      // The index came with format 2; a table's family, with its meta record.
      const bool had = name == kBuiltinFamilies[kWorkflowIndex] ? format != "" && format != "1" : tables.contains(name);
      if (had) lost.push_back(name);
    }
    if (!lost.empty()) return MakeError(Damaged(lost, "which it had (its meta says so)"));
    return OkStatus();
  }

  // family_ by Family and table_family_ by registry position; families missing from a
  // read-only store get the default one (always there, never written: reads find nothing),
  // tables' get nullptr.
  void MapFamilies(const std::vector<rocksdb::ColumnFamilyDescriptor>& opened) {
    family_.assign(kFamilyCount, nullptr);
    table_family_.assign(registry_.specs().size(), nullptr);
    for (std::size_t i = 0; i < opened.size(); ++i) {
      if (opened[i].name == kBuiltinFamilies[kDefault]) std::fill(family_.begin(), family_.end(), handles_[i]);
    }
    for (std::size_t i = 0; i < opened.size(); ++i) {
      for (std::size_t f = 0; f < kFamilyCount; ++f) {
        if (opened[i].name == kBuiltinFamilies[f]) family_[f] = handles_[i];
      }
      for (std::size_t t = 0; t < registry_.specs().size(); ++t) {
        if (opened[i].name == registry_.specs()[t].column_family) table_family_[t] = handles_[i];
      }
    }
  }


  // True when path_ holds a database (its CURRENT file), false when it holds no RocksDB file
  // at all; an error naming what is missing when it holds RocksDB files without CURRENT.
  Result<bool> RefuseDamagedDir() const {
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(path_) / "CURRENT", ec)) return true;
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(path_, ec)) {
      const std::string name = entry.path().filename().string();
      const std::string ext = entry.path().extension().string();
      if (name == "IDENTITY" || name.rfind("MANIFEST-", 0) == 0 || name.rfind("OPTIONS-", 0) == 0 ||
          ext == ".sst" || ext == ".log" || ext == ".blob") {
        found.push_back(name);
      }
    }
    if (found.empty()) return false;
    std::sort(found.begin(), found.end());
    std::string names;
    for (std::size_t i = 0; i < found.size() && i < 5; ++i) names += (i ? ", " : "") + found[i];
    if (found.size() > 5) names += ", ...";
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the store at " + path_ + " holds RocksDB files (" + names +
                         ") but no CURRENT file, so it cannot be opened as it is; goclaw does not "
                         "initialise over it (that would delete the old files). Restore CURRENT "
                         "(it names the live MANIFEST file), restore a snapshot, or move the files away "
                         "to start empty");
  }


  // After every open (and reopen): the format version (a new store gets the current one; one
  // of format 1 gets its workflow index built), the registered tables' versions, the counts.
  Status PrepareAfterOpen() {
    memory_index_.reset();
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_[kMeta], kFormatKey, &value);
    if (s.IsNotFound() && opened_read_only_) {
      format_version_ = 0;  // never written: nothing to read, and no index needed
    } else if (s.IsNotFound()) {
      rocksdb::WriteOptions w;
      w.sync = true;
      s = db_->Put(w, family_[kMeta], kFormatKey, std::to_string(kStoreFormatVersion));
      if (!s.ok()) return MakeError(FromRocks(s, "writing the format version to " + path_));
      format_version_ = kStoreFormatVersion;
    } else if (!s.ok()) {
      return MakeError(FromRocks(s, "reading the format version of " + path_));
    } else {
      int version = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), version);
      if (ec != std::errc() || ptr != value.data() + value.size()) {
        return MakeError(ErrorCode::kInternal, "the store at " + path_ + " has a corrupt format version \"" + value + "\"");
      }
      format_version_ = version;
      if (version > kStoreFormatVersion) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "the store at " + path_ + " has format version " + std::to_string(version) +
                             ", written by a newer goclaw; this one reads version " +
                             std::to_string(kStoreFormatVersion));
      }
      if (version < 2) GOCLAW_RETURN_IF_ERROR(opened_read_only_ ? IndexInMemory() : BuildIndex());
    }
    GOCLAW_RETURN_IF_ERROR(CheckTables());
    return LoadCounts();
  }

  // Format 1 had no workflow index: builds it from the workflow records and raises the format
  // to 2, in write batches of kBackfillBatch entries. The first batch clears the family, so a
  // build cut short by a crash starts over at the next open; the last one (synced) writes the
  // counts and the format, which marks the index complete.
  Status BuildIndex() {
    const auto start = std::chrono::steady_clock::now();
    rocksdb::WriteOptions unsynced;
    rocksdb::WriteBatch wb;
    wb.DeleteRange(family_[kWorkflowIndex], "", "\xff");  // every index key starts with 'n' or 's'
    BatchSink sink(wb, family_[kWorkflowIndex]);
    internal::CountDeltas deltas{};
    std::uint64_t n = 0;
    rocksdb::ReadOptions read;
    read.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, family_[kWorkflows]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto w = DecodeWorkflow(View(it->value()));
      if (!w) return MakeError(w.error().code(), "building the workflow index of " + path_ + ": " + w.error().message());
      const IndexEntry entry = IndexEntryOf(*w);
      internal::UpdateIndex(nullptr, &entry, sink, deltas);
      if (++n % kBackfillBatch == 0) {
        if (rocksdb::Status s = db_->Write(unsynced, &wb); !s.ok()) {
          return MakeError(FromRocks(s, "building the workflow index of " + path_));
        }
        wb.Clear();
      }
    }
    if (!it->status().ok()) return MakeError(FromRocks(it->status(), "reading workflows of " + path_));
    GOCLAW_ASSIGN_OR_RETURN(auto counts, internal::ApplyCounts({}, deltas, sink));
    (void)counts;
    wb.Put(family_[kMeta], kFormatKey, std::to_string(kStoreFormatVersion));
    rocksdb::WriteOptions synced;
    synced.sync = true;
    if (rocksdb::Status s = db_->Write(synced, &wb); !s.ok()) {
      return MakeError(FromRocks(s, "building the workflow index of " + path_));
    }
    options_.logger.Info("store {}: built the workflow index of {} workflows in {:.1f} ms (format {} -> {})", path_,
                         n, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(),
                         format_version_, kStoreFormatVersion);
    format_version_ = kStoreFormatVersion;
    return OkStatus();
  }

  // A read-only store of format 1 cannot build its index on disk: it is built in memory, from
  // the records as of the open (which is all a read-only store ever sees).
  Status IndexInMemory() {
    auto index = std::make_unique<internal::MemoryIndex>();
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family_[kWorkflows]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord w, DecodeWorkflow(View(it->value())));
      const IndexEntry entry = IndexEntryOf(w);
      index->Apply(nullptr, &entry);
    }
    if (!it->status().ok()) return MakeError(FromRocks(it->status(), "reading workflows of " + path_));
    memory_index_ = std::move(index);
    return OkStatus();
  }

  // Each registered table's record in meta: written for a new table, raised for an older
  // version; a newer version or another family is refused.
  Status CheckTables() {
    rocksdb::WriteBatch wb;
    for (std::size_t t = 0; t < registry_.specs().size(); ++t) {
      const TableSpec& spec = registry_.specs()[t];
      const std::string key = internal::TableMetaKey(spec.name);
      std::string value;
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_[kMeta], key, &value);
      if (!s.ok() && !s.IsNotFound()) return MakeError(FromRocks(s, "reading meta of " + path_));
      if (s.ok()) {
        GOCLAW_ASSIGN_OR_RETURN(internal::TableMeta stored, internal::ParseTableMeta(key, value));
        if (stored.version > spec.format_version) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           "the store at " + path_ + " has table \"" + spec.name + "\" in format version " +
                               std::to_string(stored.version) + ", written by a newer goclaw; this one reads version " +
                               std::to_string(spec.format_version) + " of it");
        }
        if (stored.family != spec.column_family) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           "the store at " + path_ + " keeps table \"" + spec.name + "\" in column family \"" +
                               stored.family + "\", but it is registered with column family \"" + spec.column_family +
                               "\" (moving a table is not supported)");
        }
        if (stored.version == spec.format_version) continue;
      }
      wb.Put(family_[kMeta], key, internal::TableMetaValue(spec.format_version, spec.column_family));
    }
    if (wb.Count() == 0 || opened_read_only_) return OkStatus();  // read-only: recorded at the first open for writing
    rocksdb::WriteOptions w;
    w.sync = true;
    if (rocksdb::Status s = db_->Write(w, &wb); !s.ok()) {
      return MakeError(FromRocks(s, "writing table versions to " + path_));
    }
    return OkStatus();
  }

  // The writer's copy of the per-state counts.
  Status LoadCounts() {
    counts_ = {};
    SnapshotView view(*this);
    GOCLAW_ASSIGN_OR_RETURN(auto counts, internal::CountByState(view));
    for (const auto& [state, n] : counts) counts_[state] = n;
    return OkStatus();
  }

  // The writer thread: what the index holds for a workflow before this write — as an earlier
  // batch of the group left it (`seen`), else as stored (the record, read back: recent ones
  // are in the memtable). nullptr when the workflow does not exist.
  Result<const IndexEntry*> Before(const std::string& id,
                                   std::unordered_map<std::string, std::optional<IndexEntry>>& seen) {
    auto it = seen.find(id);
    if (it == seen.end()) {
      rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_[kWorkflows], id, &scratch_);
      if (!s.ok() && !s.IsNotFound()) return MakeError(FromRocks(s, "reading workflow " + id + " from " + path_));
      std::optional<IndexEntry> before;
      if (s.ok()) {
        GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord w, DecodeWorkflow(scratch_));
        before = IndexEntryOf(w);
      }
      it = seen.emplace(id, std::move(before)).first;
    }
    return it->second ? &*it->second : nullptr;
  }

  // kErasePrefix: a range delete, or — for a prefix with no end (empty, or all 0xff bytes) — a
  // delete of each stored key and of each key an earlier mutation of this group put.
  Status ErasePrefix(rocksdb::WriteBatch& wb, rocksdb::ColumnFamilyHandle* family, const std::string& prefix,
                     const std::vector<const StoreBatch*>& group, std::size_t batch, std::size_t mutation) {
    const std::string end = PrefixEnd(prefix);
    if (!end.empty()) {
      wb.DeleteRange(family, prefix, end);
      return OkStatus();
    }
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) wb.Delete(family, it->key());
    if (!it->status().ok()) return MakeError(FromRocks(it->status(), "reading a store table of " + path_));
    const std::string& table = group[batch]->mutations[mutation].table;
    for (std::size_t b = 0; b <= batch; ++b) {
      const auto& ms = group[b]->mutations;
      for (std::size_t m = 0; m < (b == batch ? mutation : ms.size()); ++m) {
        if (ms[m].op == TableMutation::Op::kPut && ms[m].table == table && ms[m].key.starts_with(prefix)) {
          wb.Delete(family, ms[m].key);
        }
      }
    }
    return OkStatus();
  }

  Status Write(const std::vector<const StoreBatch*>& group) {
    // After a failed write (a full disk) RocksDB refuses writes until it is resumed; try that
    // first, and report its error if the cause is still there.
    if (needs_reopen_) {
      GOCLAW_RETURN_IF_ERROR(Recover());
      needs_reopen_ = false;
      start_error_.clear();
    }
    rocksdb::WriteBatch wb;
    BatchSink index(wb, family_[kWorkflowIndex]);
    internal::CountDeltas deltas{};
    // Each workflow's index entry as the batches so far leave it (several puts of one workflow
    // in a group read the store once).
    std::unordered_map<std::string, std::optional<IndexEntry>> seen;
    for (std::size_t bi = 0; bi < group.size(); ++bi) {
      const StoreBatch* b = group[bi];
      for (const auto& id : b->erased) {
        GOCLAW_ASSIGN_OR_RETURN(const IndexEntry* before, Before(id, seen));
        internal::UpdateIndex(before, nullptr, index, deltas);
        seen[id].reset();
        std::string begin = WorkflowPrefix(id);
        std::string end = id + '\x01';
        wb.Delete(family_[kWorkflows], id);
        wb.Delete(family_[kSpecs], id);
        wb.DeleteRange(family_[kTasks], begin, end);
        wb.DeleteRange(family_[kEvents], begin, end);
      }
      for (const auto& w : b->workflows) {
        GOCLAW_ASSIGN_OR_RETURN(const IndexEntry* before, Before(w.id, seen));
        IndexEntry after = IndexEntryOf(w);
        internal::UpdateIndex(before, &after, index, deltas);
        seen[w.id] = std::move(after);
        wb.Put(family_[kWorkflows], w.id, EncodeWorkflow(w));
      }
      for (const auto& sp : b->specs) wb.Put(family_[kSpecs], sp.workflow_id, EncodeSpec(sp));
      for (const auto& t : b->tasks) wb.Put(family_[kTasks], TaskKey(t.workflow_id, t.index), EncodeTask(t));
      for (const auto& e : b->events) wb.Put(family_[kEvents], EventKey(e.workflow_id, e.seq), EncodeEvent(e));
      for (std::size_t mi = 0; mi < b->mutations.size(); ++mi) {
        const TableMutation& m = b->mutations[mi];
        GOCLAW_ASSIGN_OR_RETURN(std::size_t t, registry_.Find(m.table));  // checked at Commit
        rocksdb::ColumnFamilyHandle* family = table_family_[t];
        switch (m.op) {
          case TableMutation::Op::kPut:
            wb.Put(family, m.key, m.value);
            break;
          case TableMutation::Op::kErase:
            wb.Delete(family, m.key);
            break;
          case TableMutation::Op::kErasePrefix:
            GOCLAW_RETURN_IF_ERROR(ErasePrefix(wb, family, m.key, group, bi, mi));
            break;
        }
      }
    }
    GOCLAW_ASSIGN_OR_RETURN(internal::StateCounts counts, internal::ApplyCounts(counts_, deltas, index));
    rocksdb::WriteOptions options;
    options.sync = sync_;
#if defined(__SANITIZE_THREAD__)
    // TSan cannot see RocksDB's own synchronization (Debian's library is not instrumented):
    // its lock-free memtable looks like a race between a write and a concurrent read. TSan
    // builds therefore keep reads out while a write runs; other builds read concurrently.
    std::unique_lock tsan_only(db_mu_);
#endif
    rocksdb::Status s = db_->Write(options, &wb);
    if (!s.ok()) {
      needs_reopen_ = true;
      return MakeError(FromRocks(s, "writing to the store at " + path_));
    }
    counts_ = counts;
    MaybeWriteWatermark();
    return OkStatus();
  }


  // True when path_ holds a database (its CURRENT file).
  bool HasDatabase() const {
    std::error_code ec;
    return std::filesystem::exists(std::filesystem::path(path_) / "CURRENT", ec);
  }

  // Writer thread, after a durable write: at most once a second, records the sequence number
  // of the last write in GOCLAW-DURABLE (a temporary file, fsynced, renamed over the old one).
  // A failure leaves the older watermark, which stays true. Not in sync mode none, which
  // promises no durability.
  void MaybeWriteWatermark() {
    if (!sync_) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_watermark_ < kWatermarkInterval) return;
    last_watermark_ = now;
    const std::uint64_t seq = db_->GetLatestSequenceNumber();
    rocksdb::Env* env = env_ ? env_.get() : rocksdb::Env::Default();
    const std::string tmp = path_ + "/" + kWatermarkFile + ".tmp";
    std::unique_ptr<rocksdb::WritableFile> file;
    rocksdb::Status s = env->NewWritableFile(tmp, &file, rocksdb::EnvOptions());
    if (s.ok()) s = file->Append("goclaw durable sequence " + std::to_string(seq) + "\n");
    if (s.ok()) s = file->Sync();
    if (file) (void)file->Close();
    if (s.ok()) s = env->RenameFile(tmp, path_ + "/" + kWatermarkFile);
    if (!s.ok()) (void)env->DeleteFile(tmp);
  }

  // The watermark, or 0 when there is none (a new store, a snapshot, sync mode none).
  std::uint64_t ReadWatermark() const {
    std::string text;
    if (!rocksdb::ReadFileToString(rocksdb::Env::Default(), path_ + "/" + kWatermarkFile, &text).ok()) return 0;
    constexpr std::string_view kPrefix = "goclaw durable sequence ";
    if (text.rfind(kPrefix, 0) != 0) return 0;
    return std::strtoull(text.c_str() + kPrefix.size(), nullptr, 10);
  }

  // Before anything may change the files: opens the database read-only (which replays the WAL
  // in memory and writes nothing) and compares the sequence it recovers to with the watermark.
  // Lower means RocksDB's recovery dropped writes that were acknowledged as durable (a torn or
  // truncated WAL, a damaged MANIFEST): refuse, naming the way out.
  Status CheckWatermark() {
    const std::uint64_t mark = ReadWatermark();
    if (mark == 0 || !HasDatabase()) return OkStatus();
    const bool was_read_only = options_.read_only;
    options_.read_only = true;
    Status opened = OpenDb();
    options_.read_only = was_read_only;
    if (!opened) return opened;  // the read-write open reports the same problem, or works
    const std::uint64_t recovered = db_->GetLatestSequenceNumber();
    CloseDb();
    if (recovered >= mark) return OkStatus();
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the store at " + path_ + " lost acknowledged writes: RocksDB's recovery reaches "
                     "sequence " + std::to_string(recovered) + ", but writes up to sequence " +
                     std::to_string(mark) + " had been made durable (" + kWatermarkFile +
                     "). A WAL or MANIFEST file is damaged or truncated. goclaw refuses to start on "
                     "it rather than run without them: restore a snapshot (goclaw admin snapshot), or "
                     "accept the loss and continue with what is left by deleting " + path_ + "/" +
                     kWatermarkFile);
  }

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
  const internal::TableRegistry registry_;
  std::vector<rocksdb::ColumnFamilyHandle*> table_family_;  // by registry position; nullptr: none
  bool opened_read_only_ = false;  // db_ was opened with OpenForReadOnly
  // A read-only store of format 1: its workflow index, built at open (none on disk).
  std::unique_ptr<internal::MemoryIndex> memory_index_;
  internal::StateCounts counts_{};  // writer thread (and open): the stored per-state counts
  std::string scratch_;             // writer thread: a value read back
  std::unique_ptr<GroupCommitter> committer_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenRocksDbStore(const StoreOptions& options) {
  return RocksDbStore::Open(options);
}

}  // namespace goclaw::store
