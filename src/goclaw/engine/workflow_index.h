// The workflow index: which workflows exist, in what state, for lists, counts, summaries and
// Wait. An observer of every run (event.h): it keeps a summary of each workflow in memory
// (a bounded cache: runs leave it when they leave memory) and answers the rest from the
// store's workflow index (store.h ListWorkflows), so the server's memory does not grow with
// the number of finished workflows kept. Without a store every workflow stays in memory, and
// so in the index.
//
// Wait returns once a workflow's terminal state is durable (OnDurable), so that whoever is
// told "finished" (the 201 of a waiting submit, `goclaw submit --wait`) is told what a crash
// cannot take back.
//
// Thread-safety: observer calls come from every shard thread, queries from any thread; one
// mutex guards the cache.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "goclaw/core/status.h"
#include "goclaw/engine/event.h"
#include "goclaw/engine/types.h"
#include "goclaw/store/store.h"

namespace goclaw::engine::internal {

class WorkflowIndex final : public RunObserver {
 public:
  explicit WorkflowIndex(store::Store* store) : store_(store) {}

  // A run about to join its shard (new, or recovered and waiting for Engine::Resume).
  void Add(const WorkflowSummary& summary);

  void OnRunAdmitted(const RunAdmission& run) override;
  void OnEvent(const EventView& event) override;
  bool WantsDurable() const override { return true; }
  void OnDurable(const EventView& event) override;
  void OnRunEvicted(std::string_view workflow_id, std::uint32_t shard) override;

  // kNotFound for unknown ids.
  Result<WorkflowSummary> Summary(const std::string& id) const;
  ListResult List(const ListFilter& filter) const;
  std::array<std::size_t, kWorkflowStateCount> CountByState() const;
  // Until the workflow's terminal state is durable: OkStatus, kNotFound, or kDeadlineExceeded.
  Status WaitFinished(const std::string& id, std::optional<std::chrono::milliseconds> timeout) const;

 private:
  struct Entry {
    WorkflowSummary summary;
    bool finished_durable = false;
  };
  ListResult ListInMemory(const ListFilter& filter) const;
  ListResult ListFromStore(const ListFilter& filter) const;

  store::Store* const store_;
  mutable std::mutex mu_;
  mutable std::condition_variable finished_;
  std::map<std::string, Entry, std::less<>> entries_;  // ids are time-ordered
  std::array<std::size_t, kWorkflowStateCount> counts_{};  // of entries_ (no store: of all)
};

}  // namespace goclaw::engine::internal
