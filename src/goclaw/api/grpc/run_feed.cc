// The gRPC API's engine observer (run_feed.h).
#include "goclaw/api/grpc/run_feed.h"

#include <algorithm>
#include <mutex>
#include <optional>

namespace goclaw::api::grpc {

class RunFeed::Observer final : public engine::RunObserver {
 public:
  explicit Observer(RunFeed& feed) : feed_(feed) {}

  void OnEvent(const engine::EventView& e) override {
    if (feed_.count_.load(std::memory_order_acquire) == 0) return;
    std::optional<engine::Event> event;  // built once, for the first listener
    feed_.ForEach(e.workflow_id, [&](Listener& l) {
      if (!event) event = e.ToEvent();
      l.OnEvent(*event);
    });
  }

  void OnLog(const engine::LogView& line) override {
    if (feed_.count_.load(std::memory_order_acquire) == 0) return;
    feed_.ForEach(line.workflow_id, [&](Listener& l) { l.OnLog(line); });
  }

  bool WantsDurable() const override { return true; }
  void OnDurable(const engine::EventView& e) override {
    if (e.kind != engine::EventKind::kWorkflowState) return;
    const auto to = static_cast<engine::WorkflowState>(e.to);
    if (!engine::IsTerminal(to) || feed_.count_.load(std::memory_order_acquire) == 0) return;
    feed_.ForEach(e.workflow_id, [&](Listener& l) { l.OnFinished(to); });
  }

 private:
  RunFeed& feed_;
};

RunFeed::RunFeed(engine::Engine& engine) : engine_(engine) {
  observer_ = engine_.AddObserver(std::make_shared<Observer>(*this));
}

RunFeed::~RunFeed() { engine_.RemoveObserver(observer_); }

template <typename F>
void RunFeed::ForEach(std::string_view workflow_id, F&& fn) const {
  std::shared_lock lock(mu_);
  auto it = by_workflow_.find(workflow_id);
  if (it == by_workflow_.end()) return;
  for (const Entry& entry : it->second) fn(*entry.second);
}

std::uint64_t RunFeed::Add(const std::string& workflow_id, std::shared_ptr<Listener> listener) {
  std::unique_lock lock(mu_);
  const std::uint64_t handle = ++next_;
  by_workflow_[workflow_id].emplace_back(handle, std::move(listener));
  count_.fetch_add(1, std::memory_order_release);
  return handle;
}

void RunFeed::Remove(const std::string& workflow_id, std::uint64_t handle) {
  std::shared_ptr<Listener> gone;  // released after the lock: its destructor may do anything
  std::unique_lock lock(mu_);
  auto it = by_workflow_.find(workflow_id);
  if (it == by_workflow_.end()) return;
  auto& list = it->second;
  auto e = std::find_if(list.begin(), list.end(), [&](const Entry& x) { return x.first == handle; });
  if (e == list.end()) return;
  gone = std::move(e->second);
  list.erase(e);
  if (list.empty()) by_workflow_.erase(it);
  count_.fetch_sub(1, std::memory_order_release);
  lock.unlock();
}

bool RunFeed::AddUnlessStopped(const std::string& workflow_id, std::shared_ptr<Listener> listener, std::mutex& mu,
                               const bool& stopped, std::uint64_t& handle) {
  const std::uint64_t added = Add(workflow_id, std::move(listener));
  {
    std::lock_guard lock(mu);
    if (!stopped) {
      handle = added;
      return true;
    }
  }
  Remove(workflow_id, added);
  return false;
}

}  // namespace goclaw::api::grpc
