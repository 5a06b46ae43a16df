// The in-memory store: ordered maps under one mutex, written through the same group committer
// as the RocksDB store so both behave alike (asynchronous Commit, grouped writes). Nothing
// survives the process.
#include <limits>
#include <map>
#include <mutex>

#include "goclaw/store/encoding.h"
#include "goclaw/store/group_commit.h"
#include "goclaw/store/store.h"

namespace goclaw::store {
namespace {

class MemoryStore final : public Store {
 public:
  explicit MemoryStore(std::shared_ptr<WriteFaults> faults)
      : faults_(std::move(faults)),
        committer_([this](const std::vector<const StoreBatch*>& group) { return Apply(group); }, false, "memory",
                   false) {}

  void Commit(StoreBatch batch, CommitCallback done) override { committer_.Submit(std::move(batch), std::move(done)); }

  Result<std::vector<WorkflowRecord>> Workflows(const WorkflowQuery& query) override {
    std::lock_guard lock(mu_);
    std::vector<WorkflowRecord> out;
    for (const auto& [id, w] : workflows_) {
      if (query.unfinished_only && w.state >= query.first_terminal_state) continue;
      out.push_back(w);
    }
    return out;
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

  Status Checkpoint(const std::string&) override {
    return MakeError(ErrorCode::kFailedPrecondition, "the memory store has nothing on disk to snapshot");
  }

  StoreStats Stats() const override { return committer_.Stats(); }
  int format_version() const override { return kStoreFormatVersion; }

 private:
  Status Apply(const std::vector<const StoreBatch*>& group) {
    if (faults_ && faults_->no_space.load()) {
      return MakeError(ErrorCode::kUnavailable, "writing to the memory store: injected: no space left on device");
    }
    std::lock_guard lock(mu_);
    for (const StoreBatch* b : group) {
      for (const auto& id : b->erased) {
        workflows_.erase(id);
        specs_.erase(id);
        const std::string prefix = WorkflowPrefix(id);
        EraseRange(tasks_, prefix);
        EraseRange(events_, prefix);
      }
      for (const auto& w : b->workflows) workflows_[w.id] = w;
      for (const auto& sp : b->specs) specs_[sp.workflow_id] = sp;
      for (const auto& t : b->tasks) tasks_[TaskKey(t.workflow_id, t.index)] = t;
      for (const auto& e : b->events) events_[EventKey(e.workflow_id, e.seq)] = e;
    }
    return OkStatus();
  }

  template <typename M>
  static void EraseRange(M& map, const std::string& prefix) {
    auto it = map.lower_bound(prefix);
    while (it != map.end() && it->first.starts_with(prefix)) it = map.erase(it);
  }

  std::shared_ptr<WriteFaults> faults_;
  std::mutex mu_;
  std::map<std::string, WorkflowRecord> workflows_;
  std::map<std::string, SpecRecord> specs_;
  std::map<std::string, TaskRecord> tasks_;
  std::map<std::string, EventRecord> events_;
  GroupCommitter committer_;  // last: its thread stops before the maps go
};

}  // namespace

std::unique_ptr<Store> NewMemoryStore(std::shared_ptr<WriteFaults> faults) {
  return std::make_unique<MemoryStore>(std::move(faults));
}

}  // namespace goclaw::store
