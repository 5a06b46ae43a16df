// The writer thread of the store.
#include "goclaw/store/group_commit.h"

#include <pthread.h>

namespace goclaw::store {

GroupCommitter::GroupCommitter(WriteGroup write, bool one_by_one, std::string kind, bool durable)
    : write_(std::move(write)), one_by_one_(one_by_one) {
  stats_.kind = std::move(kind);
  stats_.durable = durable;
  thread_ = std::thread([this] { Run(); });
  pthread_setname_np(thread_.native_handle(), "goclaw-store");
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void GroupCommitter::Submit(StoreBatch batch, CommitCallback done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back({std::move(batch), std::move(done), std::chrono::steady_clock::now()});
      cv_.notify_one();
      return;
    }
  }
  if (done) done(MakeError(ErrorCode::kUnavailable, "the store is closing; nothing was written"));
}

StoreStats GroupCommitter::Stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void GroupCommitter::Run() {
  std::vector<Pending> group;
  std::vector<const StoreBatch*> batches;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      const std::size_t n = one_by_one_ ? 1 : queue_.size();
      for (std::size_t i = 0; i < n; ++i) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    batches.clear();
    std::size_t records = 0;
    for (const Pending& p : group) {
      batches.push_back(&p.batch);
      records += p.batch.size();
    }
    const auto start = std::chrono::steady_clock::now();
    Status status = write_(batches);
    const auto end = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mu_);
      ++stats_.batches;
      if (status) {
        stats_.last_write_error.clear();
        stats_.commits += group.size();
        stats_.records += records;
        stats_.max_batch_commits = std::max(stats_.max_batch_commits, group.size());
      } else {
        stats_.last_write_error = status.error().message();
        ++stats_.failed_batches;
      }
      stats_.write_latency.Record(std::chrono::duration<double>(end - start).count());
      for (const Pending& p : group) stats_.commit_latency.Record(std::chrono::duration<double>(end - p.queued).count());
    }
    for (Pending& p : group) {
      if (p.done) p.done(status);
    }
    group.clear();
  }
}

}  // namespace goclaw::store
