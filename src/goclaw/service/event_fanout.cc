// The event fan-out (event_fanout.h).
#include "goclaw/service/event_fanout.h"

#include <algorithm>
#include <mutex>

namespace goclaw::service {

std::uint64_t EventFanout::Add(Listener listener) {
  std::unique_lock lock(mu_);
  listeners_.emplace_back(++next_, std::move(listener));
  return next_;
}

void EventFanout::Remove(std::uint64_t handle) {
  Listener gone;  // destroyed after the lock is released
  std::unique_lock lock(mu_);
  auto it = std::find_if(listeners_.begin(), listeners_.end(), [&](const auto& l) { return l.first == handle; });
  if (it == listeners_.end()) return;
  gone = std::move(it->second);
  listeners_.erase(it);
  lock.unlock();
}

void EventFanout::Publish(const engine::Event& event) const {
  std::shared_lock lock(mu_);
  for (const auto& [handle, listener] : listeners_) listener(event);
}

}  // namespace goclaw::service
