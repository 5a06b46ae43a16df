// An injectable clock. Code that needs the time takes a `Clock&`, so tests can use `FakeClock`
// and never sleep. `SystemClock` reads the real clocks.
//
// Thread-safety: SystemClock is stateless. FakeClock is safe to read and advance from any thread.
#pragma once

#include <atomic>
#include <chrono>

namespace goclaw {

class Clock {
 public:
  using WallTime = std::chrono::system_clock::time_point;
  using SteadyTime = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  // Wall-clock time, for timestamps shown to people and stored in records.
  virtual WallTime Now() const = 0;
  // Monotonic time, for measuring durations and deadlines.
  virtual SteadyTime SteadyNow() const = 0;
};

class SystemClock final : public Clock {
 public:
  WallTime Now() const override { return std::chrono::system_clock::now(); }
  SteadyTime SteadyNow() const override { return std::chrono::steady_clock::now(); }
};

// A clock that moves only when told to. Both readings advance together.
class FakeClock final : public Clock {
 public:
  // Starts at 2026-01-01T00:00:00Z unless told otherwise.
  explicit FakeClock(WallTime start = WallTime(std::chrono::seconds(1767225600)))
      : wall_ns_(start.time_since_epoch().count()) {}

  WallTime Now() const override {
    return WallTime(WallTime::duration(wall_ns_.load(std::memory_order_acquire)));
  }
  SteadyTime SteadyNow() const override {
    return SteadyTime(std::chrono::nanoseconds(steady_ns_.load(std::memory_order_acquire)));
  }

  void Advance(std::chrono::nanoseconds d) {
    wall_ns_.fetch_add(std::chrono::duration_cast<WallTime::duration>(d).count(),
                       std::memory_order_acq_rel);
    steady_ns_.fetch_add(d.count(), std::memory_order_acq_rel);
  }

 private:
  std::atomic<WallTime::rep> wall_ns_;
  std::atomic<std::int64_t> steady_ns_{0};
};

}  // namespace goclaw
