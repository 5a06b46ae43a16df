// What all stores share.
#include "goclaw/store/store.h"

#include <future>

namespace goclaw::store {

Status Store::CommitAndWait(StoreBatch batch) {
  std::promise<Status> done;
  auto result = done.get_future();
  Commit(std::move(batch), [&done](Status s) { done.set_value(std::move(s)); });
  return result.get();
}

Result<std::vector<TableEntry>> Store::ScanAll(std::string_view table, std::string_view prefix) {
  constexpr std::size_t kPage = 1024;
  std::vector<TableEntry> all;
  std::string after;
  while (true) {
    GOCLAW_ASSIGN_OR_RETURN(auto page, Scan(table, prefix, after, kPage));
    const bool last = page.size() < kPage;
    if (!page.empty()) after = page.back().key;
    for (auto& e : page) all.push_back(std::move(e));
    if (last) return all;
  }
}

Result<std::vector<WorkflowRecord>> Store::Workflows(const WorkflowQuery& query) {
  GOCLAW_ASSIGN_OR_RETURN(WorkflowPage page, ListWorkflows(query));
  return std::move(page.workflows);
}

}  // namespace goclaw::store
