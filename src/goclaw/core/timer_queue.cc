// Timer heap, the timer thread and the manual queue for tests.
#include "goclaw/core/timer_queue.h"

#include <pthread.h>

#include <algorithm>

namespace goclaw {
namespace internal {

void TimerHeap::Push(Clock::SteadyTime when, UniqueFunction<void()> fn) {
  heap_.push_back({when, seq_++, std::move(fn)});
  std::push_heap(heap_.begin(), heap_.end(), &Later);
}

UniqueFunction<void()> TimerHeap::Pop() {
  std::pop_heap(heap_.begin(), heap_.end(), &Later);
  UniqueFunction<void()> fn = std::move(heap_.back().fn);
  heap_.pop_back();
  return fn;
}

}  // namespace internal

ThreadTimerQueue::ThreadTimerQueue()
    : thread_([this](std::stop_token stop) { Run(stop); }) {
  pthread_setname_np(thread_.native_handle(), "goclaw-timers");
}

ThreadTimerQueue::~ThreadTimerQueue() { Stop(); }

void ThreadTimerQueue::Stop() {
  thread_.request_stop();
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ThreadTimerQueue::At(Clock::SteadyTime when, UniqueFunction<void()> fn) {
  bool earliest;
  {
    std::lock_guard lock(mu_);
    earliest = heap_.empty() || when < heap_.next_time();
    heap_.Push(when, std::move(fn));
  }
  if (earliest) cv_.notify_one();
}

void ThreadTimerQueue::Run(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    if (heap_.empty()) {
      cv_.wait(lock, stop, [&] { return !heap_.empty(); });
      continue;
    }
    auto next = heap_.next_time();
    if (std::chrono::steady_clock::now() < next) {
      cv_.wait_until(lock, stop, next, [&] { return heap_.empty() || heap_.next_time() < next; });
      continue;
    }
    UniqueFunction<void()> fn = heap_.Pop();
    lock.unlock();
    fn();
    lock.lock();
  }
}

void ManualTimerQueue::At(Clock::SteadyTime when, UniqueFunction<void()> fn) {
  std::lock_guard lock(mu_);
  heap_.Push(when, std::move(fn));
}

int ManualTimerQueue::RunDue() {
  int ran = 0;
  while (true) {
    UniqueFunction<void()> fn;
    {
      std::lock_guard lock(mu_);
      if (heap_.empty() || heap_.next_time() > clock_.SteadyNow()) break;
      fn = heap_.Pop();
    }
    fn();
    ++ran;
  }
  return ran;
}

std::size_t ManualTimerQueue::pending() const {
  std::lock_guard lock(mu_);
  return heap_.size();
}

Clock::SteadyTime ManualTimerQueue::next_time() const {
  std::lock_guard lock(mu_);
  return heap_.next_time();
}

}  // namespace goclaw
