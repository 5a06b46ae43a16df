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

}  // namespace goclaw::store
