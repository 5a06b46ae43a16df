// The gRPC API's few threads for work that blocks: service calls that wait for a shard or the
// store (a status, a list, a snapshot, a drain). gRPC's callback threads must not block, so
// unary handlers post such work here and finish their call from it (as the HTTP server's
// handler_threads do). Streams and waits for workflows to finish cost no thread.
//
// Thread-safety: Post from any thread. Stop runs what is queued, then joins; a Post after Stop
// returns false and runs nothing.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "goclaw/core/unique_function.h"

namespace goclaw::api::grpc {

class HandlerPool {
 public:
  explicit HandlerPool(std::size_t threads);
  ~HandlerPool();  // Stop()
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  // False once stopped: the caller answers itself.
  bool Post(UniqueFunction<void()> fn);
  void Stop();

 private:
  void Run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<UniqueFunction<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace goclaw::api::grpc
