// Internal: retention (storage.retention). Every retention/10 (1 s to 1 h) it erases finished
// workflows that finished longer than `retention` ago: from memory (if a run is still there) and
// from the store, with their spec, tasks, events and logs. It pages through the store's index
// of finished workflows, so a sweep costs what it erases, not what is kept.
//
// Thread-safety: the sweep runs on the timer thread; Stop before the engine's parts go.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "goclaw/engine/engine_options.h"
#include "goclaw/store/store.h"

namespace goclaw::engine::internal {

class Retention {
 public:
  // `evict(id)`: takes the run out of memory if it is still there (posts to its shard).
  Retention(store::Store& store, const EngineOptions& options, std::atomic<bool>& closing,
            std::function<void(const std::string&)> evict)
      : store_(store), options_(options), closing_(closing), evict_(std::move(evict)) {}

  // Arms the first sweep (nothing when retention is 0).
  void Start();
  // One sweep now; returns how many workflows it erased (tests, and the timer).
  std::size_t Sweep();

 private:
  store::Store& store_;
  const EngineOptions& options_;
  std::atomic<bool>& closing_;
  std::function<void(const std::string&)> evict_;
};

}  // namespace goclaw::engine::internal
