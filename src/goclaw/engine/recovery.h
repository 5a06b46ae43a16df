// Internal: crash recovery (docs/design/storage.md). At Create, Load reads every unfinished
// workflow of the store and rebuilds its run (a run that cannot run again — its spec no longer
// compiles, its executor is gone — fails, visibly, instead of blocking the start). At Resume,
// each run goes to its shard (ShardScheduler::Admit) and ResumeRun picks up where its records
// stopped: attempts that were running are recorded as interrupted and run again as the next
// attempt; ready, queued and retrying tasks go back to their lanes, by priority, once every run
// of the shard is back (Finish); pending tasks whose dependencies are done become ready — the
// decisions the stopped process would have made.
//
// Thread-safety: Load on the creating thread; ResumeRun and Finish on the shard's thread (each
// shard has its own list).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "goclaw/core/status.h"
#include "goclaw/engine/engine_options.h"
#include "goclaw/engine/scheduler.h"
#include "goclaw/engine/workflow_index.h"
#include "goclaw/engine/workflow_run.h"

namespace goclaw::engine::internal {

class Recovery {
 public:
  Recovery(store::Store& store, const EngineOptions& options, const exec::ExecutorRegistry& executors,
           WorkflowIndex& index, std::size_t shards)
      : store_(store), options_(options), executors_(executors), index_(index), pending_(shards) {}

  // The unfinished workflows, rebuilt; `place` gives each its handle and shard.
  Result<std::vector<std::unique_ptr<WorkflowRun>>> Load(const std::function<void(WorkflowRun&)>& place);

  // On the run's shard, after it was admitted as recovered.
  void ResumeRun(ShardScheduler& scheduler, WorkflowRun& run);
  // On the shard, after every run of the shard was resumed: queued work re-enters its lanes.
  void Finish(ShardScheduler& scheduler);

 private:
  struct Recovering {
    std::uint64_t handle;
    dag::Plan::Index task;
    std::int64_t priority;
    bool make_ready;  // pending with its dependencies done; else back to its lanes
  };
  Result<std::unique_ptr<WorkflowRun>> Rebuild(const store::WorkflowRecord& w,
                                               std::unordered_map<std::string, std::shared_ptr<const dag::Plan>>& plans);
  void FailUnresumable(store::WorkflowRecord& w, const Error& why);

  store::Store& store_;
  const EngineOptions& options_;
  const exec::ExecutorRegistry& executors_;
  WorkflowIndex& index_;
  std::vector<std::vector<Recovering>> pending_;  // [shard]: touched only on that shard
};

}  // namespace goclaw::engine::internal
