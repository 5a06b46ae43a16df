// The handler pool (handler_pool.h).
#include "goclaw/api/grpc/handler_pool.h"

#include <pthread.h>

#include <algorithm>

namespace goclaw::api::grpc {

HandlerPool::HandlerPool(std::size_t threads) {
  threads = std::max<std::size_t>(1, threads);
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "goclaw-grpc");
      Run();
    });
  }
}

HandlerPool::~HandlerPool() { Stop(); }

bool HandlerPool::Post(UniqueFunction<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    queue_.push_back(std::move(fn));
  }
  cv_.notify_one();
  return true;
}

void HandlerPool::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void HandlerPool::Run() {
  for (;;) {
    UniqueFunction<void()> fn;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      fn = std::move(queue_.front());
      queue_.pop_front();
    }
    fn();
  }
}

}  // namespace goclaw::api::grpc
