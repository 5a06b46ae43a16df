// Internal to the hub: what a hub call collects under its lock and runs once the lock is
// released — links to flush (writes start outside the lock: gRPC may run reactions inline),
// `done` callbacks and channel reports (they post to engine shards).
//
// Thread-safety: one per call, on the calling thread.
#pragma once

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "goclaw/core/unique_function.h"
#include "goclaw/exec/executor.h"
#include "goclaw/worker/worker_hub.h"

namespace goclaw::worker {

class WorkerHub::Effects {
 public:
  void Done(exec::AttemptDone done, exec::AttemptResult result) {
    calls_.push_back([done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  }
  void Call(UniqueFunction<void()> fn) { calls_.push_back(std::move(fn)); }
  // A link that was sent something: flushed first, in the order first touched.
  void Flush(const std::shared_ptr<WorkerLink>& link) {
    if (std::find(links_.begin(), links_.end(), link) == links_.end()) links_.push_back(link);
  }
  bool empty() const { return calls_.empty() && links_.empty(); }
  void RunAll() {
    for (auto& link : links_) link->Flush();
    links_.clear();
    for (auto& call : calls_) call();
    calls_.clear();
  }

 private:
  std::vector<std::shared_ptr<WorkerLink>> links_;
  std::vector<UniqueFunction<void()>> calls_;
};

}  // namespace goclaw::worker
