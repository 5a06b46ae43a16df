// What the engine finished, per fixed time bucket, for the UI's sparklines
// (GET /api/v1/stats/series): workflows submitted, completed, failed and cancelled, tasks
// completed and failed, and the latency of the workflows that finished (created -> finished).
//
// A run observer (engine/event.h): the shard threads record, HTTP threads read. Memory is
// fixed: per stripe a ring of kSlots buckets of kBaseStep (the last kWindow), plus the creation
// time of each workflow still running (for its latency; a workflow recovered after a restart is
// measured from its original creation). Events are bucketed by their own time, reads by the
// injected clock's, so a test drives both without sleeping.
//
//   auto series = std::make_shared<RunSeries>(clock);
//   engine.AddObserver(series);
//   auto doc = series->Json(std::chrono::seconds(10));   // {"step_seconds", "window_seconds",
//   "buckets"}
//
// Thread-safety: observer calls from every shard thread and reads from any thread. Each shard
// records into its stripe (shard % kStripes) under that stripe's mutex, which only a read
// shares: no lock is contended on the hot path unless two shards share a stripe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "goclaw/core/clock.h"
#include "goclaw/core/mutex.h"
#include "goclaw/core/status.h"
#include "goclaw/core/thread_annotations.h"
#include "goclaw/engine/event.h"
#include "goclaw/metrics/histogram.h"

namespace goclaw::service {

// One bucket of a series, as read.
struct SeriesBucket {
  Clock::WallTime start;
  std::uint64_t workflows_submitted = 0;  // admitted new (not recovered), by creation time
  std::uint64_t workflows_completed = 0;
  std::uint64_t workflows_failed = 0;
  std::uint64_t workflows_cancelled = 0;
  std::uint64_t tasks_completed = 0;
  std::uint64_t tasks_failed = 0;       // failed for good (a retried attempt is not counted)
  metrics::Histogram workflow_latency;  // created -> finished, of workflows finished in it
};

class RunSeries final : public engine::RunObserver {
 public:
  static constexpr std::chrono::seconds kBaseStep{5};
  static constexpr std::chrono::seconds kWindow{600};
  // Steps a read may ask for, in seconds (each a multiple of kBaseStep dividing kWindow).
  static constexpr std::array<std::int64_t, 4> kSteps = {5, 10, 30, 60};

  explicit RunSeries(const Clock& clock);
  RunSeries(const RunSeries&) = delete;
  RunSeries& operator=(const RunSeries&) = delete;

  void OnRunAdmitted(const engine::RunAdmission& run) override;
  void OnEvent(const engine::EventView& event) override;
  void OnRunEvicted(std::string_view workflow_id, std::uint32_t shard) override;

  // The last kWindow in buckets of `step` (one of kSteps), oldest first, always kWindow / step
  // of them (empty ones are zeros); the last bucket is the one now falls in (still filling).
  // kInvalidArgument for another step, naming the accepted ones.
  Result<std::vector<SeriesBucket>> Read(std::chrono::seconds step) const;
  // Read as the API's document: {"step_seconds", "window_seconds", "buckets": [{"start",
  // "workflows_submitted", "workflows_completed", "workflows_failed", "workflows_cancelled",
  // "tasks_completed", "tasks_failed", "workflow_latency_p50_seconds",
  // "workflow_latency_p99_seconds"}]}; the percentiles are estimated from the histogram
  // (metrics/histogram.h) and null for a bucket where no workflow finished.
  Result<boost::json::object> Json(std::chrono::seconds step) const;

 private:
  static constexpr std::size_t kStripes = 8;
  static constexpr std::size_t kSlots = kWindow / kBaseStep + 1;  // +1: the bucket still filling

  enum Counter : std::size_t {
    kSubmitted,
    kCompleted,
    kFailed,
    kCancelled,
    kTasksCompleted,
    kTasksFailed,
    kCounters
  };
  struct Slot {
    std::int64_t epoch = -1;  // which base bucket (time / kBaseStep) it holds; -1: none yet
    std::array<std::uint64_t, kCounters> counts{};
    metrics::Histogram latency;
  };
  struct Stripe {
    mutable Mutex mu;
    std::array<Slot, kSlots> slots GOCLAW_GUARDED_BY(mu);
    // Workflows admitted and not finished: their creation time, for their latency.
    std::map<std::string, Clock::WallTime, std::less<>> created GOCLAW_GUARDED_BY(mu);
  };

  static std::int64_t EpochOf(Clock::WallTime t);
  // The slot of base bucket `epoch` in `s`, emptied if it held an older one; null when it
  // holds a newer one (the event is older than the ring).
  static Slot* SlotFor(Stripe& s, std::int64_t epoch) GOCLAW_REQUIRES(s.mu);
  Stripe& StripeOf(std::uint32_t shard) { return stripes_[shard % kStripes]; }

  const Clock& clock_;
  std::array<Stripe, kStripes> stripes_;
};

}  // namespace goclaw::service
