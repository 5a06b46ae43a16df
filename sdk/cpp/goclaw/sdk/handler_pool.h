// Internal to the worker: the fixed pool of threads its handlers run on (as many as the
// worker's capacity, so every attempt goclaw assigns starts at once). Jobs run in the order
// they were submitted; Shutdown runs what is queued and joins the threads.
//
// Thread-safety: Submit from any thread; Shutdown once, not from a pool thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace goclaw::sdk::internal {

class HandlerPool {
 public:
  explicit HandlerPool(int threads);
  ~HandlerPool();  // Shutdown()
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  void Submit(std::function<void()> job);
  void Shutdown();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace goclaw::sdk::internal
