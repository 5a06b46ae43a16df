// A shard: one thread running an event loop. Workflows owned by a shard are only touched by
// work posted to it, so their state needs no locks. Asio stays inside shard.cc.
//
// Thread-safety: Post may be called from any thread.
#pragma once

#include <memory>
#include <string>

#include "goclaw/core/unique_function.h"

namespace goclaw::engine {

class Shard {
 public:
  explicit Shard(int index);
  // Stop() must have been called.
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Runs `fn` on the shard thread, after everything posted before it. Work posted after Stop()
  // is dropped without running.
  void Post(UniqueFunction<void()> fn);
  // Stops the loop and joins the thread; idempotent.
  void Stop();
  bool OnShardThread() const;

 private:
  struct Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace goclaw::engine
