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

Result<std::vector<WorkflowRecord>> Store::Workflows(const WorkflowQuery& query) {
  GOCLAW_ASSIGN_OR_RETURN(WorkflowPage page, ListWorkflows(query));
  return std::move(page.workflows);
}

}  // namespace goclaw::store
