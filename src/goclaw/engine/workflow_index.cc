// The workflow index (workflow_index.h).
#include "goclaw/engine/workflow_index.h"

#include "goclaw/engine/run_records.h"

namespace goclaw::engine::internal {
namespace {

auto NotFound(std::string_view id) {
  return MakeError(ErrorCode::kNotFound, "no workflow \"" + std::string(id) + "\"");
}

WorkflowSummary SummaryOf(const store::WorkflowRecord& w) {
  WorkflowSummary s{w.id, w.name, static_cast<WorkflowState>(w.state), FromMicros(w.created_at_us), w.task_count, {}};
  if (w.finished_at_us != 0) s.finished_at = FromMicros(w.finished_at_us);
  s.error = w.error;
  return s;
}

}  // namespace

void WorkflowIndex::Add(const WorkflowSummary& summary) {
  std::lock_guard lock(mu_);
  auto [it, added] = entries_.try_emplace(summary.id, Entry{summary, false});
  if (added) ++counts_[static_cast<std::size_t>(summary.state)];
}

void WorkflowIndex::OnRunAdmitted(const RunAdmission& run) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(run.workflow_id);
  if (it != entries_.end()) return;  // added by the engine before the run reached its shard
  entries_.emplace(std::string(run.workflow_id),
                   Entry{WorkflowSummary{std::string(run.workflow_id), std::string(run.name), run.state,
                                         run.created_at, run.task_count, std::nullopt},
                         false});
  ++counts_[static_cast<std::size_t>(run.state)];
}

void WorkflowIndex::OnEvent(const EventView& e) {
  if (e.kind != EventKind::kWorkflowState) return;
  const auto to = static_cast<WorkflowState>(e.to);
  std::lock_guard lock(mu_);
  auto it = entries_.find(e.workflow_id);
  if (it == entries_.end()) return;
  WorkflowSummary& s = it->second.summary;
  --counts_[static_cast<std::size_t>(s.state)];
  ++counts_[static_cast<std::size_t>(to)];
  s.state = to;
  if (IsTerminal(to)) {
    s.finished_at = e.time;
    s.error = std::string(e.error);
  }
}

void WorkflowIndex::OnDurable(const EventView& e) {
  if (e.kind != EventKind::kWorkflowState || !IsTerminal(static_cast<WorkflowState>(e.to))) return;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(e.workflow_id);
    if (it == entries_.end()) return;
    it->second.finished_durable = true;
  }
  finished_.notify_all();
}

void WorkflowIndex::OnRunEvicted(std::string_view workflow_id, std::uint32_t) {
  if (store_ == nullptr) return;  // nothing else would remember it
  std::lock_guard lock(mu_);
  auto it = entries_.find(workflow_id);
  if (it == entries_.end()) return;
  --counts_[static_cast<std::size_t>(it->second.summary.state)];
  entries_.erase(it);
}

Result<WorkflowSummary> WorkflowIndex::Summary(const std::string& id) const {
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it != entries_.end()) return it->second.summary;
  }
  if (store_ == nullptr) return NotFound(id);
  GOCLAW_ASSIGN_OR_RETURN(auto record, store_->Workflow(id));
  if (!record) return NotFound(id);
  return SummaryOf(*record);
}

Status WorkflowIndex::WaitFinished(const std::string& id, std::optional<std::chrono::milliseconds> timeout) const {
  std::unique_lock lock(mu_);
  bool known = entries_.contains(id);
  if (!known) {
    lock.unlock();
    // Not in memory: finished and durable long ago, or unknown.
    GOCLAW_ASSIGN_OR_RETURN(auto summary, Summary(id));
    (void)summary;
    return OkStatus();
  }
  auto done = [&] {
    auto it = entries_.find(id);
    return it == entries_.end() || it->second.finished_durable;
  };
  if (timeout) {
    if (!finished_.wait_for(lock, *timeout, done)) {
      return MakeError(ErrorCode::kDeadlineExceeded, "workflow \"" + id + "\" did not finish within the wait timeout");
    }
  } else {
    finished_.wait(lock, done);
  }
  return OkStatus();
}

std::array<std::size_t, kWorkflowStateCount> WorkflowIndex::CountByState() const {
  if (store_ == nullptr) {
    std::lock_guard lock(mu_);
    return counts_;
  }
  std::array<std::size_t, kWorkflowStateCount> out{};
  auto counts = store_->CountWorkflowsByState();
  if (!counts) return out;  // (the store's read error shows in /ready)
  for (const auto& [state, n] : *counts) {
    if (state < kWorkflowStateCount) out[state] = static_cast<std::size_t>(n);
  }
  return out;
}

ListResult WorkflowIndex::List(const ListFilter& filter) const {
  return store_ == nullptr ? ListInMemory(filter) : ListFromStore(filter);
}

ListResult WorkflowIndex::ListInMemory(const ListFilter& f) const {
  ListResult out;
  std::size_t skipped = 0;
  auto visit = [&](const std::string& id, const WorkflowSummary& s) {
    if (f.state && s.state != *f.state) return;
    if (!f.name.empty() && s.name != f.name) return;
    if (f.created_after && s.created_at < *f.created_after) return;
    if (f.created_before && s.created_at >= *f.created_before) return;
    ++out.total;
    if (!f.after_id.empty() && (f.newest_first ? id >= f.after_id : id <= f.after_id)) return;
    if (skipped < f.offset) {
      ++skipped;
      return;
    }
    if (out.workflows.size() < f.limit) out.workflows.push_back(s);
  };
  std::lock_guard lock(mu_);
  if (f.newest_first) {
    for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) visit(it->first, it->second.summary);
  } else {
    for (const auto& [id, entry] : entries_) visit(id, entry.summary);
  }
  return out;
}

// The store's index finds the page; the states of runs still in memory (ahead of the store by at
// most one journal flush) replace the stored ones, and a run whose state moved out of the
// filter meanwhile is left out. `total` is the store's count.
ListResult WorkflowIndex::ListFromStore(const ListFilter& f) const {
  store::WorkflowQuery q;
  if (f.state) q.states.push_back(static_cast<std::uint8_t>(*f.state));
  q.name = f.name;
  if (f.created_after) q.created_after_us = ToMicros(*f.created_after);
  if (f.created_before) q.created_before_us = ToMicros(*f.created_before);
  q.after_id = f.after_id;
  q.offset = f.offset;
  q.limit = f.limit;
  q.newest_first = f.newest_first;
  ListResult out;
  auto page = store_->ListWorkflows(q);
  if (!page) return out;
  out.total = static_cast<std::size_t>(page->total);
  out.workflows.reserve(page->workflows.size());
  std::lock_guard lock(mu_);
  for (const auto& w : page->workflows) {
    auto it = entries_.find(w.id);
    WorkflowSummary s = it != entries_.end() ? it->second.summary : SummaryOf(w);
    if (f.state && s.state != *f.state) continue;
    out.workflows.push_back(std::move(s));
  }
  return out;
}

}  // namespace goclaw::engine::internal
