// The RocksDB store: one database, a column family per kind of record (docs/design/storage.md),
// the format version in `meta`, writes through the group committer.
#include <algorithm>
#include <limits>
#include <filesystem>

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/utilities/checkpoint.h>
#include <rocksdb/write_batch.h>

#include "goclaw/store/encoding.h"
#include "goclaw/store/group_commit.h"
#include "goclaw/store/store.h"

namespace goclaw::store {
namespace {

constexpr const char* kFamilies[] = {"default", "workflows", "tasks", "events", "sagas", "memory", "meta"};
constexpr const char* kFormatKey = "format_version";

enum Family { kDefault, kWorkflows, kTasks, kEvents, kSagas, kMemory, kMeta, kFamilyCount };

Error FromRocks(const rocksdb::Status& s, const std::string& what) {
  const ErrorCode code = s.IsNoSpace() || s.IsIOError() ? ErrorCode::kUnavailable : ErrorCode::kInternal;
  return Error(code, what + ": " + s.ToString());
}

class RocksDbStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options) {
    auto store = std::unique_ptr<RocksDbStore>(new RocksDbStore(options));
    GOCLAW_RETURN_IF_ERROR(store->OpenDb());
    GOCLAW_RETURN_IF_ERROR(store->CheckFormat());
    store->committer_ = std::make_unique<GroupCommitter>(
        [s = store.get()](const std::vector<const StoreBatch*>& group) { return s->Write(group); },
        options.sync == SyncMode::kAlways, "rocksdb", options.sync != SyncMode::kNone);
    return std::unique_ptr<Store>(std::move(store));
  }

  ~RocksDbStore() override {
    committer_.reset();  // writes what is queued first
    for (auto* h : handles_) {
      if (h) db_->DestroyColumnFamilyHandle(h);
    }
    handles_.clear();
    if (db_) {
      db_->Close();
      delete db_;
    }
  }

  void Commit(StoreBatch batch, CommitCallback done) override { committer_->Submit(std::move(batch), std::move(done)); }

  Result<std::vector<WorkflowRecord>> Workflows(const WorkflowQuery& query) override {
    std::vector<WorkflowRecord> out;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kWorkflows]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord w, DecodeWorkflow(View(it->value())));
      if (query.unfinished_only && w.state >= query.first_terminal_state) continue;
      out.push_back(std::move(w));
    }
    if (!it->status().ok()) return MakeError(FromRocks(it->status(), "reading workflows from " + path_));
    return out;
  }

  Result<std::optional<WorkflowRecord>> Workflow(const std::string& id) override {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[kWorkflows], id, &value);
    if (s.IsNotFound()) return std::optional<WorkflowRecord>();
    if (!s.ok()) return MakeError(FromRocks(s, "reading workflow " + id + " from " + path_));
    GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord w, DecodeWorkflow(value));
    return std::optional<WorkflowRecord>(std::move(w));
  }

  Result<std::vector<TaskRecord>> Tasks(const std::string& workflow_id) override {
    std::vector<TaskRecord> out;
    const std::string prefix = WorkflowPrefix(workflow_id);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kTasks]));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      GOCLAW_ASSIGN_OR_RETURN(TaskRecord t, DecodeTask(View(it->key()), View(it->value())));
      out.push_back(std::move(t));
    }
    if (!it->status().ok()) return MakeError(FromRocks(it->status(), "reading tasks of " + workflow_id));
    return out;
  }

  Result<std::vector<EventRecord>> Events(const std::string& workflow_id, std::uint64_t since) override {
    std::vector<EventRecord> out;
    if (since == std::numeric_limits<std::uint64_t>::max()) return out;  // nothing comes after it
    const std::string prefix = WorkflowPrefix(workflow_id);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kEvents]));
    for (it->Seek(EventKey(workflow_id, since + 1)); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      GOCLAW_ASSIGN_OR_RETURN(EventRecord e, DecodeEvent(View(it->key()), View(it->value())));
      out.push_back(std::move(e));
    }
    if (!it->status().ok()) return MakeError(FromRocks(it->status(), "reading events of " + workflow_id));
    return out;
  }

  Status Checkpoint(const std::string& dir) override {
    rocksdb::Checkpoint* raw = nullptr;
    rocksdb::Status s = rocksdb::Checkpoint::Create(db_, &raw);
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    if (s.ok()) s = checkpoint->CreateCheckpoint(dir);
    if (!s.ok()) return MakeError(FromRocks(s, "snapshot of " + path_ + " into " + dir));
    return OkStatus();
  }

  StoreStats Stats() const override { return committer_->Stats(); }

 private:
  explicit RocksDbStore(const StoreOptions& options)
      : path_(options.path), sync_(options.sync != SyncMode::kNone) {}

  static std::string_view View(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

  Status OpenDb() {
    std::error_code ec;
    std::filesystem::create_directories(path_, ec);
    if (ec) {
      return MakeError(ErrorCode::kUnavailable, "storage.path: cannot create \"" + path_ + "\": " + ec.message());
    }
    rocksdb::Options options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    options.paranoid_checks = true;
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
    }
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : kFamilies) families.emplace_back(name, rocksdb::ColumnFamilyOptions(options));
    rocksdb::Status s = rocksdb::DB::Open(options, path_, families, &handles_, &db_);
    if (!s.ok()) return MakeError(FromRocks(s, "cannot open the store at " + path_));
    return OkStatus();
  }

  Status CheckFormat() {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[kMeta], kFormatKey, &value);
    if (s.IsNotFound()) {
      rocksdb::WriteOptions w;
      w.sync = true;
      s = db_->Put(w, handles_[kMeta], kFormatKey, std::to_string(kStoreFormatVersion));
      if (!s.ok()) return MakeError(FromRocks(s, "writing the format version to " + path_));
      return OkStatus();
    }
    if (!s.ok()) return MakeError(FromRocks(s, "reading the format version of " + path_));
    int version = 0;
    try {
      version = std::stoi(value);
    } catch (...) {
      return MakeError(ErrorCode::kInternal, "the store at " + path_ + " has a corrupt format version \"" + value + "\"");
    }
    if (version > kStoreFormatVersion) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "the store at " + path_ + " has format version " + std::to_string(version) +
                           ", written by a newer goclaw; this one reads version " +
                           std::to_string(kStoreFormatVersion));
    }
    return OkStatus();
  }

  Status Write(const std::vector<const StoreBatch*>& group) {
    rocksdb::WriteBatch wb;
    for (const StoreBatch* b : group) {
      for (const auto& id : b->erased) {
        std::string begin = WorkflowPrefix(id);
        std::string end = id + '\x01';
        wb.Delete(handles_[kWorkflows], id);
        wb.DeleteRange(handles_[kTasks], begin, end);
        wb.DeleteRange(handles_[kEvents], begin, end);
      }
      for (const auto& w : b->workflows) wb.Put(handles_[kWorkflows], w.id, EncodeWorkflow(w));
      for (const auto& t : b->tasks) wb.Put(handles_[kTasks], TaskKey(t.workflow_id, t.index), EncodeTask(t));
      for (const auto& e : b->events) wb.Put(handles_[kEvents], EventKey(e.workflow_id, e.seq), EncodeEvent(e));
    }
    rocksdb::WriteOptions options;
    options.sync = sync_;
    rocksdb::Status s = db_->Write(options, &wb);
    if (!s.ok()) return MakeError(FromRocks(s, "writing to the store at " + path_));
    return OkStatus();
  }

  std::string path_;
  const bool sync_;  // fsync each write (sync modes always and batch)
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<GroupCommitter> committer_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenRocksDbStore(const StoreOptions& options) {
  return RocksDbStore::Open(options);
}

}  // namespace goclaw::store
