// Hands one stream of events to several listeners. SagaService has one event listener
// (SetEventListener); the server points it at a fan-out that the HTTP event hub and the gRPC
// API's WatchSaga streams both listen to.
//
//   EventFanout sagas_events;
//   sagas->SetEventListener([&](const engine::Event& e) { sagas_events.Publish(e); });
//   auto handle = sagas_events.Add([hub](const engine::Event& e) { hub->Publish(e); });
//
// Thread-safety: every method from any thread. Listeners run on the publisher's thread under a
// shared lock: quick, and they must not call Add or Remove.
#pragma once

#include <cstdint>
#include <functional>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "goclaw/engine/event.h"

namespace goclaw::service {

class EventFanout {
 public:
  using Listener = std::function<void(const engine::Event&)>;

  std::uint64_t Add(Listener listener);
  // After Remove returns, the listener is not called again.
  void Remove(std::uint64_t handle);
  void Publish(const engine::Event& event) const;

 private:
  mutable std::shared_mutex mu_;
  std::vector<std::pair<std::uint64_t, Listener>> listeners_;
  std::uint64_t next_ = 0;
};

}  // namespace goclaw::service
