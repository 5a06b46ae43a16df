// Open streams and waits (stream_registry.h).
#include "goclaw/api/grpc/stream_registry.h"

#include <vector>

namespace goclaw::api::grpc {

std::uint64_t StreamRegistry::Open(std::function<void()> close, bool counted, Refusal* why) {
  std::lock_guard lock(mu_);
  if (closed_) {
    *why = Refusal::kClosed;
    return 0;
  }
  if (counted && streams_.load(std::memory_order_relaxed) >= max_) {
    refused_.fetch_add(1, std::memory_order_relaxed);
    if (metrics_) metrics_->StreamRefused();
    *why = Refusal::kFull;
    return 0;
  }
  if (counted) {
    streams_.fetch_add(1, std::memory_order_relaxed);
    if (metrics_) metrics_->StreamOpened();
  }
  open_.emplace(++next_, Entry{std::move(close), counted});
  *why = Refusal::kNone;
  return next_;
}

void StreamRegistry::Release(std::uint64_t handle) {
  std::function<void()> gone;  // destroyed after the lock
  std::lock_guard lock(mu_);
  auto it = open_.find(handle);
  if (it == open_.end()) return;
  if (it->second.counted) {
    streams_.fetch_sub(1, std::memory_order_relaxed);
    if (metrics_) metrics_->StreamClosed();
  }
  gone = std::move(it->second.close);
  open_.erase(it);
}

void StreamRegistry::CloseAll() {
  std::vector<std::function<void()>> closers;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    for (auto& [handle, entry] : open_) closers.push_back(entry.close);
  }
  for (auto& close : closers) close();
}

}  // namespace goclaw::api::grpc
