// The RocksDB store, opening (rocksdb_store_internal.h): the environment (failure injection,
// RocksDB's log forwarded to goclaw's), the column families to open and what they say about
// the directory (a damaged MANIFEST, a family of a newer goclaw), directories that hold RocksDB
// files without CURRENT, and reopening after a failed write.
#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <map>

#include <rocksdb/file_system.h>
#include <rocksdb/listener.h>
#include <rocksdb/slice_transform.h>

#include "goclaw/store/rocksdb_store_internal.h"

namespace goclaw::store {
namespace internal {
namespace {

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
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* dbg) override {
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
  static rocksdb::IOStatus NoSpace() {
    return rocksdb::IOStatus::NoSpace("injected: no space left on device");
  }
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
    if (faults_->no_space.load())
      return rocksdb::IOStatus::NoSpace("injected: no space left on device");
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
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
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
    const std::string_view text(
        buffer, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buffer - 1));
    logger_.Write(
        level >= rocksdb::InfoLogLevel::ERROR_LEVEL ? log::Level::kError : log::Level::kWarn,
        "rocksdb: " + std::string(text));
  }

 private:
  log::Logger logger_;
};

}  // namespace

Error FromRocks(const rocksdb::Status& s, const std::string& what) {
  const ErrorCode code = s.IsNoSpace() || s.IsIOError() || s.IsBusy() || s.IsTryAgain()
                             ? ErrorCode::kUnavailable
                             : ErrorCode::kInternal;
  return Error(code, what + ": " + s.ToString());
}

RocksDbStore::RocksDbStore(const StoreOptions& options, TableRegistry registry)
    : path_(options.path),
      sync_(options.sync != SyncMode::kNone),
      options_(options),
      registry_(std::move(registry)) {}

Result<std::unique_ptr<Store>> RocksDbStore::Open(const StoreOptions& options) {
  GOCLAW_ASSIGN_OR_RETURN(auto registry, TableRegistry::Create(options.tables));
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

RocksDbStore::~RocksDbStore() {
  committer_.reset();  // writes what is queued first
  CloseDb();
}

void RocksDbStore::CloseDb() {
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
Status RocksDbStore::Recover() {
  if (Status probe = ProbeWrite(); !probe) return probe;
  std::unique_lock lock(db_mu_);
  CloseDb();
  GOCLAW_RETURN_IF_ERROR(OpenDb());
  return PrepareAfterOpen();
}

// Writes, syncs and removes a small file next to the data: can the disk take writes again?
Status RocksDbStore::ProbeWrite() {
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

Status RocksDbStore::OpenDb() {
  std::error_code ec;
  if (options_.read_only) {
    if (!std::filesystem::is_directory(path_, ec)) {
      return MakeError(ErrorCode::kNotFound, "no store at " + path_ + " (not a directory)");
    }
  } else {
    std::filesystem::create_directories(path_, ec);
  }
  if (ec) {
    return MakeError(ErrorCode::kUnavailable,
                     "storage.path: cannot create \"" + path_ + "\": " + ec.message());
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
    if (std::find(names.begin(), names.end(), t.column_family) == names.end())
      names.push_back(t.column_family);
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
    if (existing_db && !missing.empty())
      return MakeError(Damaged(missing, "which every goclaw store has"));
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
  for (const auto& name : names) {
    rocksdb::ColumnFamilyOptions family(options);
    // In memory only (storage.md, "The workflow index"; no effect on the files):
    if (name == kBuiltinFamilies[kWorkflows]) {
      // The writer reads a workflow's record back when it does not remember its index entry,
      // which for a new workflow is a miss: a bloom filter of the memtable's keys (2% of its
      // size) answers it without searching the memtable.
      family.memtable_prefix_bloom_size_ratio = 0.02;
      family.memtable_whole_key_filtering = true;
    }
    if (name == kBuiltinFamilies[kWorkflowIndex]) {
      // Index keys are 's' state id and 'n' state: within a state, entries come and go mostly
      // in id order (creation order), so inserting next to the last key of the same 2-byte
      // prefix skips most of the memtable search. RocksDB uses the hint only for a write
      // group of one writer, which the store's writer thread always is.
      family.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(2));
    }
    families.emplace_back(name, family);
  }
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

Error RocksDbStore::Damaged(const std::vector<std::string>& missing,
                            const std::string& which) const {
  std::string names;
  for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
  return Error(ErrorCode::kFailedPrecondition,
               "the store at " + path_ +
                   " is damaged: its MANIFEST does not list the column "
                   "families " +
                   names + ", " + which +
                   " (a truncated or damaged MANIFEST file). Refusing to "
                   "open it; restore a snapshot (goclaw admin snapshot)");
}

// Before opening a store that has families this build does not know (`unknown`) or lacks
// families it would create (`absent`), reads `meta` (read-only, creating nothing): an unknown
// family must be a table registered by an earlier start (else a newer goclaw made it); an
// absent one must be new (else the MANIFEST lost it).
Status RocksDbStore::CheckFamiliesAgainstMeta(const rocksdb::Options& options,
                                              const std::vector<std::string>& unknown,
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
      const std::string_view key = ToView(it->key());
      if (key == kFormatKey) format = it->value().ToString();
      if (!key.starts_with(kTableMetaPrefix)) continue;
      auto meta = ParseTableMeta(key, ToView(it->value()));
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
    const bool had = name == kBuiltinFamilies[kWorkflowIndex] ? format != "" && format != "1"
                                                              : tables.contains(name);
    if (had) lost.push_back(name);
  }
  if (!lost.empty()) return MakeError(Damaged(lost, "which it had (its meta says so)"));
  return OkStatus();
}

// family_ by Family and table_family_ by registry position; families missing from a
// read-only store get the default one (always there, never written: reads find nothing),
// tables' get nullptr.
void RocksDbStore::MapFamilies(const std::vector<rocksdb::ColumnFamilyDescriptor>& opened) {
  family_.assign(kFamilyCount, nullptr);
  table_family_.assign(registry_.specs().size(), nullptr);
  for (std::size_t i = 0; i < opened.size(); ++i) {
    if (opened[i].name == kBuiltinFamilies[kDefault])
      std::fill(family_.begin(), family_.end(), handles_[i]);
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

// True when path_ holds a database (its CURRENT file).
bool RocksDbStore::HasDatabase() const {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::path(path_) / "CURRENT", ec);
}

// True when path_ holds a database (its CURRENT file), false when it holds no RocksDB file
// at all; an error naming what is missing when it holds RocksDB files without CURRENT.
Result<bool> RocksDbStore::RefuseDamagedDir() const {
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
  return MakeError(
      ErrorCode::kFailedPrecondition,
      "the store at " + path_ + " holds RocksDB files (" + names +
          ") but no CURRENT file, so it cannot be opened as it is; goclaw does not "
          "initialise over it (that would delete the old files). Restore CURRENT "
          "(it names the live MANIFEST file), restore a snapshot, or move the files away "
          "to start empty");
}

}  // namespace internal

Result<std::unique_ptr<Store>> OpenRocksDbStore(const StoreOptions& options) {
  return internal::RocksDbStore::Open(options);
}

}  // namespace goclaw::store
