// The RocksDB store, reads (rocksdb_store_internal.h): records by id and by workflow prefix,
// listings and counts over one snapshot (the workflow index's cursors on RocksDB iterators),
// registered tables, checkpoints. Every read holds db_mu_ shared, so a reopen after a failed
// write waits for it.
#include <limits>

#include <rocksdb/utilities/checkpoint.h>

#include "goclaw/store/encoding.h"
#include "goclaw/store/rocksdb_store_internal.h"

namespace goclaw::store::internal {
namespace {

class IteratorCursor final : public KeyCursor {
 public:
  explicit IteratorCursor(rocksdb::Iterator* it) : it_(it) {}
  void Seek(std::string_view key) override { it_->Seek(rocksdb::Slice(key.data(), key.size())); }
  void SeekForPrev(std::string_view key) override {
    it_->SeekForPrev(rocksdb::Slice(key.data(), key.size()));
  }
  bool Valid() const override { return it_->Valid(); }
  std::string_view key() const override { return ToView(it_->key()); }
  std::string_view value() const override { return ToView(it_->value()); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  Status status() const override {
    if (it_->status().ok()) return OkStatus();
    return MakeError(FromRocks(it_->status(), "reading the workflow index"));
  }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
};

class RecordIterator final : public RecordCursor {
 public:
  explicit RecordIterator(rocksdb::Iterator* it) : it_(it) {}
  void Seek(std::string_view id) override {
    it_->Seek(rocksdb::Slice(id.data(), id.size()));
    Decode();
  }
  void SeekForPrev(std::string_view id) override {
    it_->SeekForPrev(rocksdb::Slice(id.data(), id.size()));
    Decode();
  }
  bool Valid() const override { return it_->Valid() && status_.has_value(); }
  const WorkflowRecord& record() const override { return record_; }
  WorkflowRecord Take() override { return std::move(record_); }  // Next decodes the next one
  void Next() override {
    it_->Next();
    Decode();
  }
  void Prev() override {
    it_->Prev();
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
    auto r = DecodeWorkflow(ToView(it_->value()));
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

}  // namespace

RocksDbStore::SnapshotView::SnapshotView(const RocksDbStore& store)
    : store_(store), snapshot_(store.db_->GetSnapshot()) {
  read_.snapshot = snapshot_;
}

RocksDbStore::SnapshotView::~SnapshotView() {
  if (snapshot_ != nullptr) store_.db_->ReleaseSnapshot(snapshot_);
}

std::unique_ptr<KeyCursor> RocksDbStore::SnapshotView::Index() {
  // A read-only store of format 1 has no index on disk: the one built at open.
  if (store_.memory_index_) return store_.memory_index_->Cursor();
  return std::make_unique<IteratorCursor>(
      store_.db_->NewIterator(read_, store_.family_[kWorkflowIndex]));
}

std::unique_ptr<RecordCursor> RocksDbStore::SnapshotView::Records() {
  return std::make_unique<RecordIterator>(
      store_.db_->NewIterator(read_, store_.family_[kWorkflows]));
}

Result<std::optional<WorkflowRecord>> RocksDbStore::SnapshotView::Record(const std::string& id) {
  std::string value;
  rocksdb::Status s = store_.db_->Get(read_, store_.family_[kWorkflows], id, &value);
  if (s.IsNotFound()) return std::optional<WorkflowRecord>();
  if (!s.ok()) return MakeError(FromRocks(s, "reading workflow " + id));
  GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord w, DecodeWorkflow(value));
  return std::optional<WorkflowRecord>(std::move(w));
}

Status RocksDbStore::Usable() const {
  if (db_ != nullptr) return OkStatus();
  return MakeError(
      ErrorCode::kUnavailable,
      "the store at " + path_ + " is closed after a write error; it reopens with the next write");
}

Result<std::optional<SpecRecord>> RocksDbStore::Spec(const std::string& id) {
  std::shared_lock lock(db_mu_);
  GOCLAW_RETURN_IF_ERROR(Usable());
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_[kSpecs], id, &value);
  if (s.IsNotFound()) return std::optional<SpecRecord>();
  if (!s.ok()) return MakeError(FromRocks(s, "reading the spec of " + id + " from " + path_));
  GOCLAW_ASSIGN_OR_RETURN(SpecRecord r, DecodeSpec(id, value));
  return std::optional<SpecRecord>(std::move(r));
}

Result<std::uint64_t> RocksDbStore::LastEventSeq(const std::string& workflow_id) {
  std::shared_lock lock(db_mu_);
  GOCLAW_RETURN_IF_ERROR(Usable());
  const std::string prefix = WorkflowPrefix(workflow_id);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family_[kEvents]));
  it->SeekForPrev(EventKey(workflow_id, std::numeric_limits<std::uint64_t>::max()));
  if (!it->status().ok())
    return MakeError(FromRocks(it->status(), "reading events of " + workflow_id));
  if (!it->Valid() || !it->key().starts_with(prefix)) return std::uint64_t{0};
  GOCLAW_ASSIGN_OR_RETURN(EventRecord e, DecodeEvent(ToView(it->key()), ToView(it->value())));
  return e.seq;
}

Result<WorkflowPage> RocksDbStore::ListWorkflows(const WorkflowQuery& query) {
  std::shared_lock lock(db_mu_);
  GOCLAW_RETURN_IF_ERROR(Usable());
  SnapshotView view(*this);
  return QueryWorkflows(view, query);
}

Result<std::map<std::uint8_t, std::uint64_t>> RocksDbStore::CountWorkflowsByState() {
  std::shared_lock lock(db_mu_);
  GOCLAW_RETURN_IF_ERROR(Usable());
  SnapshotView view(*this);
  return CountByState(view);
}

Result<std::optional<WorkflowRecord>> RocksDbStore::Workflow(const std::string& id) {
  std::shared_lock lock(db_mu_);
  GOCLAW_RETURN_IF_ERROR(Usable());
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), family_[kWorkflows], id, &value);
  if (s.IsNotFound()) return std::optional<WorkflowRecord>();
  if (!s.ok()) return MakeError(FromRocks(s, "reading workflow " + id + " from " + path_));
  GOCLAW_ASSIGN_OR_RETURN(WorkflowRecord w, DecodeWorkflow(value));
  return std::optional<WorkflowRecord>(std::move(w));
}

Result<std::vector<TaskRecord>> RocksDbStore::Tasks(const std::string& workflow_id) {
  std::shared_lock lock(db_mu_);
  GOCLAW_RETURN_IF_ERROR(Usable());
  std::vector<TaskRecord> out;
  const std::string prefix = WorkflowPrefix(workflow_id);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family_[kTasks]));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    GOCLAW_ASSIGN_OR_RETURN(TaskRecord t, DecodeTask(ToView(it->key()), ToView(it->value())));
    out.push_back(std::move(t));
  }
  if (!it->status().ok())
    return MakeError(FromRocks(it->status(), "reading tasks of " + workflow_id));
  return out;
}

Result<std::vector<EventRecord>> RocksDbStore::Events(const std::string& workflow_id,
                                                      std::uint64_t since) {
  std::shared_lock lock(db_mu_);
  GOCLAW_RETURN_IF_ERROR(Usable());
  std::vector<EventRecord> out;
  if (since == std::numeric_limits<std::uint64_t>::max()) return out;  // nothing comes after it
  const std::string prefix = WorkflowPrefix(workflow_id);
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), family_[kEvents]));
  for (it->Seek(EventKey(workflow_id, since + 1)); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    GOCLAW_ASSIGN_OR_RETURN(EventRecord e, DecodeEvent(ToView(it->key()), ToView(it->value())));
    out.push_back(std::move(e));
  }
  if (!it->status().ok())
    return MakeError(FromRocks(it->status(), "reading events of " + workflow_id));
  return out;
}

Result<std::optional<std::string>> RocksDbStore::Get(std::string_view table, std::string_view key) {
  GOCLAW_ASSIGN_OR_RETURN(std::size_t t, registry_.Find(table));
  std::shared_lock lock(db_mu_);
  GOCLAW_RETURN_IF_ERROR(Usable());
  if (table_family_[t] == nullptr) return std::optional<std::string>();  // read-only, never created
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), table_family_[t],
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok())
    return MakeError(
        FromRocks(s, "reading store table \"" + std::string(table) + "\" of " + path_));
  return std::optional<std::string>(std::move(value));
}

Result<std::vector<TableEntry>> RocksDbStore::Scan(std::string_view table, std::string_view prefix,
                                                   std::string_view after_key, std::size_t limit) {
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
  if (from_cursor && it->Valid() && ToView(it->key()) == after_key) it->Next();
  for (; it->Valid() && ToView(it->key()).starts_with(prefix) && (limit == 0 || out.size() < limit);
       it->Next()) {
    out.push_back({it->key().ToString(), it->value().ToString()});
  }
  if (!it->status().ok()) {
    return MakeError(
        FromRocks(it->status(), "reading store table \"" + std::string(table) + "\" of " + path_));
  }
  return out;
}

Status RocksDbStore::Checkpoint(const std::string& dir) {
  std::shared_lock lock(db_mu_);
  GOCLAW_RETURN_IF_ERROR(Usable());
  rocksdb::Checkpoint* raw = nullptr;
  rocksdb::Status s = rocksdb::Checkpoint::Create(db_, &raw);
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  if (s.ok()) s = checkpoint->CreateCheckpoint(dir);
  if (!s.ok()) return MakeError(FromRocks(s, "snapshot of " + path_ + " into " + dir));
  return OkStatus();
}

StoreStats RocksDbStore::Stats() const {
  if (committer_) return committer_->Stats();
  StoreStats st;
  st.kind = "rocksdb";
  return st;
}

}  // namespace goclaw::store::internal
