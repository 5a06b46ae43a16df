// Cooperative cancellation for one attempt: the engine cancels, the executor (or a user
// function through its context) checks or subscribes. Callbacks run once, on the thread that
// cancels, or at once when registering on an already-cancelled token.
//
// Thread-safety: all methods may be called from any thread.
#pragma once

#include <atomic>
#include <mutex>
#include <vector>

#include "goclaw/core/unique_function.h"

namespace goclaw::engine {

class CancellationSource {
 public:
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }

  // Idempotent; runs the registered callbacks the first time.
  void Cancel() {
    std::vector<UniqueFunction<void()>> callbacks;
    {
      std::lock_guard lock(mu_);
      if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
      callbacks.swap(callbacks_);
    }
    for (auto& cb : callbacks) cb();
  }

  void OnCancel(UniqueFunction<void()> cb) {
    {
      std::lock_guard lock(mu_);
      if (!cancelled()) {
        callbacks_.push_back(std::move(cb));
        return;
      }
    }
    cb();
  }

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  std::vector<UniqueFunction<void()>> callbacks_;
};

}  // namespace goclaw::engine
