// One engine observer for the gRPC API, with listeners per workflow: the watch and log streams
// and the SubmitWorkflow waits register for the workflows they follow, so that an event costs
// one map lookup however many streams are open (and nothing for workflows nobody follows).
//
// A listener sees, for its workflow, every event as it happens (OnEvent), every kept log line
// (OnLog, engine/event.h LogView: its `index` in the task's log), and the terminal workflow
// state once it is durable (OnFinished) — everything that happens after Add returns. What
// happened before is the engine's history (Engine::Events, Engine::Logs): a stream registers
// first, then reads the history, and drops what it gets twice (by seq, by log index).
//
// Thread-safety: Add and Remove from any thread except inside a listener callback (Remove
// takes the lock the callbacks run under). Callbacks run on the workflow's shard thread: quick,
// no blocking, no engine calls that wait. The engine must outlive the feed; destroy the feed
// before the engine (it removes its observer, which waits for every shard).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "goclaw/engine/engine.h"

namespace goclaw::api::grpc {

class RunFeed {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void OnEvent(const engine::Event& event) { (void)event; }
    virtual void OnLog(const engine::LogView& line) { (void)line; }
    virtual void OnFinished(engine::WorkflowState state) { (void)state; }
  };

  explicit RunFeed(engine::Engine& engine);
  ~RunFeed();
  RunFeed(const RunFeed&) = delete;
  RunFeed& operator=(const RunFeed&) = delete;

  // Returns a handle for Remove.
  std::uint64_t Add(const std::string& workflow_id, std::shared_ptr<Listener> listener);
  void Remove(const std::string& workflow_id, std::uint64_t handle);
  // For a stream opening on a pool thread while gRPC may already be done with it: adds
  // `listener`, then, under the stream's `mu`, keeps the handle in `handle` unless `stopped`
  // (the stream's Stopped ran meanwhile), in which case it removes the listener again (not
  // under `mu`: a shard may be inside the listener, holding the feed's lock, waiting for it).
  // Returns whether the stream listens.
  bool AddUnlessStopped(const std::string& workflow_id, std::shared_ptr<Listener> listener, std::mutex& mu,
                        const bool& stopped, std::uint64_t& handle);
  std::size_t listeners() const { return count_.load(std::memory_order_relaxed); }

 private:
  class Observer;
  using Entry = std::pair<std::uint64_t, std::shared_ptr<Listener>>;

  // Calls fn(listener) for each listener of `workflow_id` (shard threads).
  template <typename F>
  void ForEach(std::string_view workflow_id, F&& fn) const;

  struct IdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  engine::Engine& engine_;
  std::uint64_t observer_ = 0;
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::vector<Entry>, IdHash, std::equal_to<>> by_workflow_;
  std::uint64_t next_ = 0;
  std::atomic<std::size_t> count_{0};  // lets events of an unfollowed engine skip the lock
};

}  // namespace goclaw::api::grpc
