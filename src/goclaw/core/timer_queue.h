// Timers for components that must act at a time rather than on an event: a lane refilling its
// token bucket, a waiting item reaching its deadline. A TimerQueue runs each callback once, at
// or after its time, on the queue's own thread; callbacks must be short and must not block.
//
// `ThreadTimerQueue` is the real one: one thread for all timers of the process, a min-heap,
// and a condition variable — no thread per timer. `ManualTimerQueue` is for tests: nothing
// runs until `RunDue()` is called, and "now" is a FakeClock's.
//
// Thread-safety: At() may be called from any thread, including from a timer callback.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

#include "goclaw/core/clock.h"
#include "goclaw/core/unique_function.h"

namespace goclaw {

class TimerQueue {
 public:
  virtual ~TimerQueue() = default;
  virtual void At(Clock::SteadyTime when, UniqueFunction<void()> fn) = 0;
};

namespace internal {
// A min-heap of timers ordered by time, then by insertion.
class TimerHeap {
 public:
  void Push(Clock::SteadyTime when, UniqueFunction<void()> fn);
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  Clock::SteadyTime next_time() const { return heap_.front().when; }
  // Removes and returns the earliest timer's callback.
  UniqueFunction<void()> Pop();

 private:
  struct Entry {
    Clock::SteadyTime when;
    std::uint64_t seq;
    UniqueFunction<void()> fn;
  };
  static bool Later(const Entry& a, const Entry& b) {
    return a.when != b.when ? a.when > b.when : a.seq > b.seq;
  }
  std::vector<Entry> heap_;
  std::uint64_t seq_ = 0;
};
}  // namespace internal

class ThreadTimerQueue final : public TimerQueue {
 public:
  // Uses the real steady clock; starts its thread ("goclaw-timers").
  ThreadTimerQueue();
  // Stops the thread; timers not yet due are dropped without running.
  ~ThreadTimerQueue() override;
  // Stops the thread now; timers added afterwards are kept but never run. Lets an owner shut
  // down what the timers would call while others may still add timers. Idempotent.
  void Stop();
  ThreadTimerQueue(const ThreadTimerQueue&) = delete;
  ThreadTimerQueue& operator=(const ThreadTimerQueue&) = delete;

  void At(Clock::SteadyTime when, UniqueFunction<void()> fn) override;

 private:
  void Run(std::stop_token stop);

  std::mutex mu_;
  std::condition_variable_any cv_;
  internal::TimerHeap heap_;
  std::jthread thread_;
};

class ManualTimerQueue final : public TimerQueue {
 public:
  explicit ManualTimerQueue(const FakeClock& clock) : clock_(clock) {}

  void At(Clock::SteadyTime when, UniqueFunction<void()> fn) override;
  // Runs every timer due at the clock's current time (including ones scheduled by the
  // callbacks it runs, when those are due too). Returns how many ran.
  int RunDue();
  std::size_t pending() const;
  // Time of the earliest pending timer; only valid when pending() > 0.
  Clock::SteadyTime next_time() const;

 private:
  const FakeClock& clock_;
  mutable std::mutex mu_;
  internal::TimerHeap heap_;
};

}  // namespace goclaw
