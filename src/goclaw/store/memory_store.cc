// The in-memory store: ordered maps under one mutex, written through the same group committer
// as the RocksDB store so both behave alike (asynchronous Commit, grouped writes), with the
// same workflow index and registered tables. Nothing survives the process.
#include <limits>
#include <map>
#include <mutex>

#include "goclaw/store/encoding.h"
#include "goclaw/store/group_commit.h"
#include "goclaw/store/store.h"
#include "goclaw/store/tables.h"
#include "goclaw/store/workflow_index.h"

namespace goclaw::store {
namespace {

using Table = std::map<std::string, std::string, std::less<>>;

class MemoryStore final : public Store {
 public:
  MemoryStore(std::shared_ptr<WriteFaults> faults, internal::TableRegistry tables)
      : faults_(std::move(faults)),
        registry_(std::move(tables)),
        tables_(registry_.specs().size()),
        committer_([this](const std::vector<const StoreBatch*>& group) { return Apply(group); }, false, "memory",
                   false) {}

  void Commit(StoreBatch batch, CommitCallback done) override {
    if (Status ok = registry_.Check(batch); !ok) {
      if (done) done(std::move(ok));
      return;
    }
    committer_.Submit(std::move(batch), std::move(done));
  }

  Result<WorkflowPage> ListWorkflows(const WorkflowQuery& query) override {
    std::lock_guard lock(mu_);
    View view(*this);
    return internal::QueryWorkflows(view, query);
  }

  Result<std::map<std::uint8_t, std::uint64_t>> CountWorkflowsByState() override {
    std::lock_guard lock(mu_);
    View view(*this);
    return internal::CountByState(view);
  }

  Result<std::optional<WorkflowRecord>> Workflow(const std::string& id) override {
    std::lock_guard lock(mu_);
    auto it = workflows_.find(id);
    if (it == workflows_.end()) return std::optional<WorkflowRecord>();
    return std::optional<WorkflowRecord>(it->second);
  }

  Result<std::optional<SpecRecord>> Spec(const std::string& id) override {
    std::lock_guard lock(mu_);
    auto it = specs_.find(id);
    if (it == specs_.end()) return std::optional<SpecRecord>();
    return std::optional<SpecRecord>(it->second);
  }

  Result<std::uint64_t> LastEventSeq(const std::string& workflow_id) override {
    std::lock_guard lock(mu_);
    auto it = events_.upper_bound(EventKey(workflow_id, std::numeric_limits<std::uint64_t>::max()));
    if (it == events_.begin()) return std::uint64_t{0};
    --it;
    if (!it->first.starts_with(WorkflowPrefix(workflow_id))) return std::uint64_t{0};
    return it->second.seq;
  }

  Result<std::vector<TaskRecord>> Tasks(const std::string& workflow_id) override {
    std::lock_guard lock(mu_);
    std::vector<TaskRecord> out;
    const std::string prefix = WorkflowPrefix(workflow_id);
    for (auto it = tasks_.lower_bound(prefix); it != tasks_.end() && it->first.starts_with(prefix); ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  Result<std::vector<EventRecord>> Events(const std::string& workflow_id, std::uint64_t since) override {
    std::lock_guard lock(mu_);
    std::vector<EventRecord> out;
    if (since == std::numeric_limits<std::uint64_t>::max()) return out;  // nothing comes after it
    const std::string prefix = WorkflowPrefix(workflow_id);
    for (auto it = events_.lower_bound(EventKey(workflow_id, since + 1));
         it != events_.end() && it->first.starts_with(prefix); ++it) {
      out.push_back(it->second);
    }
    return out;
  }

  Result<std::optional<std::string>> Get(std::string_view table, std::string_view key) override {
    GOCLAW_ASSIGN_OR_RETURN(std::size_t t, registry_.Find(table));
    std::lock_guard lock(mu_);
    auto it = tables_[t].find(key);
    if (it == tables_[t].end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  Result<std::vector<TableEntry>> Scan(std::string_view table, std::string_view prefix, std::string_view after_key,
                                       std::size_t limit) override {
    GOCLAW_ASSIGN_OR_RETURN(std::size_t t, registry_.Find(table));
    std::lock_guard lock(mu_);
    std::vector<TableEntry> out;
    auto it = after_key.empty() || after_key < prefix ? tables_[t].lower_bound(prefix)
                                                      : tables_[t].upper_bound(after_key);
    for (; it != tables_[t].end() && it->first.starts_with(prefix) && (limit == 0 || out.size() < limit); ++it) {
      out.push_back({it->first, it->second});
    }
    return out;
  }

  const std::vector<TableSpec>& Tables() const override { return registry_.specs(); }

  Status Checkpoint(const std::string&) override {
    return MakeError(ErrorCode::kFailedPrecondition, "the memory store has nothing on disk to snapshot");
  }

  StoreStats Stats() const override { return committer_.Stats(); }
  int format_version() const override { return kStoreFormatVersion; }

 private:
  // The maps, under mu_ (held by the caller for the view's life).
  class View final : public internal::WorkflowView {
   public:
    explicit View(const MemoryStore& store) : store_(store) {}
    std::unique_ptr<internal::KeyCursor> Index() override { return store_.index_.Cursor(); }
    std::unique_ptr<internal::RecordCursor> Records() override {
      return internal::MapRecordCursor(store_.workflows_);
    }
    Result<std::optional<WorkflowRecord>> Record(const std::string& id) override {
      auto it = store_.workflows_.find(id);
      if (it == store_.workflows_.end()) return std::optional<WorkflowRecord>();
      return std::optional<WorkflowRecord>(it->second);
    }

   private:
    const MemoryStore& store_;
  };

  Status Apply(const std::vector<const StoreBatch*>& group) {
    if (faults_ && faults_->no_space.load()) {
      return MakeError(ErrorCode::kUnavailable, "writing to the memory store: injected: no space left on device");
    }
    std::lock_guard lock(mu_);
    for (const StoreBatch* b : group) {
      for (const auto& id : b->erased) {
        if (auto it = workflows_.find(id); it != workflows_.end()) {
          const IndexEntry before = IndexEntryOf(it->second);
          index_.Apply(&before, nullptr);
          workflows_.erase(it);
        }
        specs_.erase(id);
        const std::string prefix = WorkflowPrefix(id);
        EraseRange(tasks_, prefix);
        EraseRange(events_, prefix);
      }
      for (const auto& w : b->workflows) {
        const IndexEntry after = IndexEntryOf(w);
        auto it = workflows_.find(w.id);
        if (it == workflows_.end()) {
          index_.Apply(nullptr, &after);
          workflows_.emplace(w.id, w);
        } else {
          const IndexEntry before = IndexEntryOf(it->second);
          index_.Apply(&before, &after);
          it->second = w;
        }
      }
      for (const auto& sp : b->specs) specs_[sp.workflow_id] = sp;
      for (const auto& t : b->tasks) tasks_[TaskKey(t.workflow_id, t.index)] = t;
      for (const auto& e : b->events) events_[EventKey(e.workflow_id, e.seq)] = e;
      for (const auto& m : b->mutations) {
        Table& table = tables_[*registry_.Find(m.table)];  // checked at Commit
        switch (m.op) {
          case TableMutation::Op::kPut:
            table[m.key] = m.value;
            break;
          case TableMutation::Op::kErase:
            table.erase(m.key);
            break;
          case TableMutation::Op::kErasePrefix:
            EraseRange(table, m.key);
            break;
        }
      }
    }
    return OkStatus();
  }

  template <typename M>
  static void EraseRange(M& map, const std::string& prefix) {
    auto it = map.lower_bound(prefix);
    while (it != map.end() && it->first.starts_with(prefix)) it = map.erase(it);
  }

  std::shared_ptr<WriteFaults> faults_;
  const internal::TableRegistry registry_;
  std::mutex mu_;
  std::map<std::string, WorkflowRecord, std::less<>> workflows_;
  std::map<std::string, SpecRecord> specs_;
  std::map<std::string, TaskRecord> tasks_;
  std::map<std::string, EventRecord> events_;
  internal::MemoryIndex index_;
  std::vector<Table> tables_;  // by registry position
  GroupCommitter committer_;   // last: its thread stops before the maps go
};

}  // namespace

Result<std::unique_ptr<Store>> OpenMemoryStore(const StoreOptions& options) {
  GOCLAW_ASSIGN_OR_RETURN(auto registry, internal::TableRegistry::Create(options.tables));
  return std::unique_ptr<Store>(std::make_unique<MemoryStore>(options.faults, std::move(registry)));
}

std::unique_ptr<Store> NewMemoryStore(std::shared_ptr<WriteFaults> faults) {
  return std::make_unique<MemoryStore>(std::move(faults), internal::TableRegistry());
}

}  // namespace goclaw::store
