// Group commit: Commit calls from any number of threads queue up; one writer thread takes
// everything that queued while its previous write ran and hands it to `write` as one group
// (one RocksDB write batch, one fsync), then runs each caller's callback with the result. In
// one-by-one mode (sync mode `always`) each Commit is its own group.
//
// Thread-safety: Submit and Stats from any thread. The destructor writes what is queued, then
// joins the writer thread; a Submit after that starts fails at once with kUnavailable.
// Callbacks run on the writer thread: they must not wait for another commit (CommitAndWait).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "goclaw/store/store.h"

namespace goclaw::store {

class GroupCommitter {
 public:
  // Applies a group atomically: all batches or none.
  using WriteGroup = std::function<Status(const std::vector<const StoreBatch*>& group)>;

  GroupCommitter(WriteGroup write, bool one_by_one, std::string kind, bool durable);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  void Submit(StoreBatch batch, CommitCallback done);
  StoreStats Stats() const;

 private:
  struct Pending {
    StoreBatch batch;
    CommitCallback done;
    std::chrono::steady_clock::time_point queued;
  };
  void Run();

  WriteGroup write_;
  const bool one_by_one_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  StoreStats stats_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace goclaw::store
