// The RocksDB store: one database, a column family per kind of record (docs/design/storage.md),
// the format version in `meta`, writes through the group committer.
#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <filesystem>
#include <shared_mutex>
#include <thread>

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

namespace goclaw::store {
namespace {

constexpr const char* kFamilies[] = {"default", "workflows", "specs", "tasks", "events", "sagas", "memory", "meta"};
constexpr const char* kFormatKey = "format_version";

enum Family { kDefault, kWorkflows, kSpecs, kTasks, kEvents, kSagas, kMemory, kMeta, kFamilyCount };

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

class RocksDbStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options) {
    auto store = std::unique_ptr<RocksDbStore>(new RocksDbStore(options));
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
    GOCLAW_RETURN_IF_ERROR(store->CheckFormat());
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

  Result<std::vector<WorkflowRecord>> Workflows(const WorkflowQuery& query) override {
    std::shared_lock lock(db_mu_);
    GOCLAW_RETURN_IF_ERROR(Usable());
    std::vector<WorkflowRecord> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family_[kWorkflows]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord w, DecodeWorkflow(View(it->value())));
      if (query.unfinished_only && w.state >= query.first_terminal_state) continue;
      out.push_back(std::move(w));
    }
    if (!it->status().ok()) return MakeError(FromRocks(it->status(), "reading workflows from " + path_));
    return out;
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
  explicit RocksDbStore(const StoreOptions& options)
      : path_(options.path), sync_(options.sync != SyncMode::kNone), options_(options) {}

  static std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

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
    return OpenDb();
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
    // A family this build does not know was made by a newer goclaw: refuse rather than guess.
    std::vector<std::string> existing;
    if (rocksdb::DB::ListColumnFamilies(options, path_, &existing).ok()) {
      for (const auto& name : existing) {
        if (std::find(std::begin(kFamilies), std::end(kFamilies), name) == std::end(kFamilies)) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           "the store at " + path_ + " has a column family \"" + name +
                               "\" this goclaw does not know (written by a newer version?)");
        }
      }
      // Every store has had all the families since it was created: one missing from the
      // MANIFEST means the MANIFEST lost records (truncated or damaged), and creating the family
      // again would silently drop whatever the WAL still holds for it.
      std::vector<std::string> missing;
      for (const char* name : kFamilies) {
        if (std::find(existing.begin(), existing.end(), name) == existing.end()) missing.push_back(name);
      }
      if (existing_db && !missing.empty()) {
        std::string names;
        for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
        return MakeError(ErrorCode::kFailedPrecondition,
                         "the store at " + path_ + " is damaged: its MANIFEST does not list the column "
                         "families " + names + ", which every goclaw store has (a truncated or damaged "
                         "MANIFEST file). Refusing to open it; restore a snapshot (goclaw admin snapshot)");
      }
    }
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : kFamilies) families.emplace_back(name, rocksdb::ColumnFamilyOptions(options));
    rocksdb::Status s;
    if (options_.read_only) {
      // Only the families that exist (a store made by an older build may lack some).
      families.erase(std::remove_if(families.begin(), families.end(),
                                    [&](const auto& f) {
                                      return std::find(existing.begin(), existing.end(), f.name) == existing.end();
                                    }),
                     families.end());
      s = rocksdb::DB::OpenForReadOnly(options, path_, families, &handles_, &db_);
    } else {
      s = rocksdb::DB::Open(options, path_, families, &handles_, &db_);
    }
    if (s.ok()) family_ = ByFamily(families, handles_);
    if (!s.ok()) return MakeError(FromRocks(s, "cannot open the store at " + path_));
    return OkStatus();
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

  // Handles indexed by Family; families missing from a read-only store get the default one
  // (always there, never written: reads from it find nothing).
  static std::vector<rocksdb::ColumnFamilyHandle*> ByFamily(
      const std::vector<rocksdb::ColumnFamilyDescriptor>& opened,
      const std::vector<rocksdb::ColumnFamilyHandle*>& handles) {
    std::vector<rocksdb::ColumnFamilyHandle*> out(kFamilyCount, nullptr);
    for (std::size_t i = 0; i < opened.size(); ++i) {
      if (opened[i].name == kFamilies[kDefault]) std::fill(out.begin(), out.end(), handles[i]);
    }
    for (std::size_t i = 0; i < opened.size(); ++i) {
      auto at = std::find_if(std::begin(kFamilies), std::end(kFamilies),
                             [&](const char* n) { return opened[i].name == n; });
      out[static_cast<std::size_t>(at - std::begin(kFamilies))] = handles[i];
    }
    return out;
  }

  Status CheckFormat() {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_[kMeta], kFormatKey, &value);
    if (s.IsNotFound() && options_.read_only) return OkStatus();
    if (s.IsNotFound()) {
      rocksdb::WriteOptions w;
      w.sync = true;
      s = db_->Put(w, family_[kMeta], kFormatKey, std::to_string(kStoreFormatVersion));
      if (!s.ok()) return MakeError(FromRocks(s, "writing the format version to " + path_));
      format_version_ = kStoreFormatVersion;
      return OkStatus();
    }
    if (!s.ok()) return MakeError(FromRocks(s, "reading the format version of " + path_));
    int version = 0;
    try {
      version = std::stoi(value);
    } catch (...) {
      return MakeError(ErrorCode::kInternal, "the store at " + path_ + " has a corrupt format version \"" + value + "\"");
    }
    format_version_ = version;
    if (version > kStoreFormatVersion) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the store at " + path_ + " has format version " + std::to_string(version) +
                           ", written by a newer goclaw; this one reads version " +
                           std::to_string(kStoreFormatVersion));
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
    for (const StoreBatch* b : group) {
      for (const auto& id : b->erased) {
        std::string begin = WorkflowPrefix(id);
        std::string end = id + '\x01';
        wb.Delete(family_[kWorkflows], id);
        wb.Delete(family_[kSpecs], id);
        wb.DeleteRange(family_[kTasks], begin, end);
        wb.DeleteRange(family_[kEvents], begin, end);
      }
      for (const auto& w : b->workflows) wb.Put(family_[kWorkflows], w.id, EncodeWorkflow(w));
      for (const auto& sp : b->specs) wb.Put(family_[kSpecs], sp.workflow_id, EncodeSpec(sp));
      for (const auto& t : b->tasks) wb.Put(family_[kTasks], TaskKey(t.workflow_id, t.index), EncodeTask(t));
      for (const auto& e : b->events) wb.Put(family_[kEvents], EventKey(e.workflow_id, e.seq), EncodeEvent(e));
    }
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
  std::unique_ptr<GroupCommitter> committer_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenRocksDbStore(const StoreOptions& options) {
  return RocksDbStore::Open(options);
}

}  // namespace goclaw::store
