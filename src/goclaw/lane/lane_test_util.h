// Test helpers for lanes: a fake clock with manual timers, and callbacks that record results.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "goclaw/core/timer_queue.h"
#include "goclaw/lane/lane.h"

namespace goclaw::lane::testing {

struct Env {
  FakeClock clock;
  ManualTimerQueue timers{clock};

  std::shared_ptr<LaneGroup> Make(LaneOptions options, std::uint32_t order = 0) {
    return LaneGroup::Create(options, clock, timers, order);
  }
  void Advance(std::chrono::nanoseconds d) {
    clock.Advance(d);
    timers.RunDue();
  }
};

inline LaneOptions Options(std::string name, std::int64_t concurrency, std::int64_t capacity,
                           config::OnFull on_full = config::OnFull::kBlock) {
  LaneOptions o;
  o.name = std::move(name);
  o.max_concurrency = concurrency;
  o.capacity = capacity;
  o.on_full = on_full;
  return o;
}

// Collects what each acquisition got, by label, in the order callbacks ran.
struct Recorder {
  std::vector<std::string> admitted;
  std::vector<std::string> failed;  // "label: CODE: message"
  std::vector<Permit> permits;

  AcquireCallback For(std::string label) {
    return [this, label = std::move(label)](Result<Permit> r) {
      if (r) {
        admitted.push_back(label);
        permits.push_back(std::move(*r));
      } else {
        failed.push_back(label + ": " + std::string(ErrorCodeName(r.error().code())) + ": " +
                         r.error().message());
      }
    };
  }
  Recorder() = default;
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;
  // Releasing may admit waiting items whose callbacks record here: drain one at a time.
  ~Recorder() { ReleaseAll(); }

  void ReleaseAll() {
    while (!permits.empty()) ReleaseOldest();
  }

  // Releases the oldest held permit.
  void ReleaseOldest() {
    Permit p = std::move(permits.front());
    permits.erase(permits.begin());
    p.Release();
  }
};

}  // namespace goclaw::lane::testing
