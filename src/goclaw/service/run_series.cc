// The run series: per-stripe rings of base buckets, summed into steps when read.
#include "goclaw/service/run_series.h"

#include <algorithm>

#include "goclaw/core/json_format.h"
#include "goclaw/engine/status_json.h"

namespace goclaw::service {
namespace {

constexpr std::int64_t kBase = RunSeries::kBaseStep.count();

// Floor division: times before 1970 would otherwise round towards zero.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

std::string AcceptedSteps() {
  std::string out;
  for (std::int64_t s : RunSeries::kSteps) out += (out.empty() ? "" : ", ") + std::to_string(s);
  return out;
}

boost::json::value Percentile(const metrics::Histogram& h, double q) {
  if (h.count() == 0) return nullptr;
  return RoundedSeconds(h.Quantile(q));
}

}  // namespace

RunSeries::RunSeries(const Clock& clock) : clock_(clock) {}

std::int64_t RunSeries::EpochOf(Clock::WallTime t) {
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  return FloorDiv(secs, kBase);
}

RunSeries::Slot* RunSeries::SlotFor(Stripe& s, std::int64_t epoch) {
  constexpr auto kRing = static_cast<std::int64_t>(kSlots);
  Slot& slot = s.slots[static_cast<std::size_t>(epoch - FloorDiv(epoch, kRing) * kRing)];
  if (slot.epoch > epoch) return nullptr;
  if (slot.epoch < epoch) slot = Slot{epoch, {}, {}};
  return &slot;
}

void RunSeries::OnRunAdmitted(const engine::RunAdmission& run) {
  if (run.recovered && engine::IsTerminal(run.state)) return;
  Stripe& s = StripeOf(run.shard);
  MutexLock lock(s.mu);
  s.created.insert_or_assign(std::string(run.workflow_id), run.created_at);
  if (run.recovered) return;  // submitted before the restart: counted then
  if (Slot* slot = SlotFor(s, EpochOf(run.created_at))) ++slot->counts[kSubmitted];
}

void RunSeries::OnEvent(const engine::EventView& e) {
  std::optional<Counter> counter;
  const bool workflow = e.kind == engine::EventKind::kWorkflowState;
  if (workflow) {
    switch (static_cast<engine::WorkflowState>(e.to)) {
      case engine::WorkflowState::kCompleted:
        counter = kCompleted;
        break;
      case engine::WorkflowState::kFailed:
        counter = kFailed;
        break;
      case engine::WorkflowState::kCancelled:
        counter = kCancelled;
        break;
      default:
        return;
    }
  } else if (e.kind == engine::EventKind::kTaskState) {
    switch (static_cast<engine::TaskState>(e.to)) {
      case engine::TaskState::kCompleted:
        counter = kTasksCompleted;
        break;
      case engine::TaskState::kFailed:
        counter = kTasksFailed;
        break;
      default:
        return;
    }
  } else {
    return;
  }
  Stripe& s = StripeOf(e.shard);
  MutexLock lock(s.mu);
  Slot* slot = SlotFor(s, EpochOf(e.time));
  if (slot != nullptr) ++slot->counts[*counter];
  if (!workflow) return;
  auto it = s.created.find(e.workflow_id);
  if (it == s.created.end()) return;
  if (slot != nullptr)
    slot->latency.Record(std::max(0.0, std::chrono::duration<double>(e.time - it->second).count()));
  s.created.erase(it);
}

void RunSeries::OnRunEvicted(std::string_view workflow_id, std::uint32_t shard) {
  Stripe& s = StripeOf(shard);
  MutexLock lock(s.mu);
  if (auto it = s.created.find(workflow_id); it != s.created.end()) s.created.erase(it);
}

Result<std::vector<SeriesBucket>> RunSeries::Read(std::chrono::seconds step) const {
  if (std::find(kSteps.begin(), kSteps.end(), step.count()) == kSteps.end()) {
    return MakeError(Error(ErrorCode::kInvalidArgument,
                           "step must be one of " + AcceptedSteps() + " (seconds), got " +
                               std::to_string(step.count()),
                           {{"step", "accepted: " + AcceptedSteps(), 0, ""}}));
  }
  const std::int64_t per = step.count() / kBase;  // base buckets per step
  const std::int64_t n = kWindow.count() / step.count();
  // The last step bucket is the one now falls in; base epochs [first, first + n * per).
  const std::int64_t last_start = FloorDiv(EpochOf(clock_.Now()), per) * per;
  const std::int64_t first = last_start - (n - 1) * per;
  std::vector<SeriesBucket> out(static_cast<std::size_t>(n));
  for (std::int64_t k = 0; k < n; ++k) {
    out[static_cast<std::size_t>(k)].start =
        Clock::WallTime(std::chrono::seconds((first + k * per) * kBase));
  }
  for (const Stripe& s : stripes_) {
    MutexLock lock(s.mu);
    for (const Slot& slot : s.slots) {
      if (slot.epoch < first || slot.epoch >= first + n * per) continue;
      SeriesBucket& b = out[static_cast<std::size_t>((slot.epoch - first) / per)];
      b.workflows_submitted += slot.counts[kSubmitted];
      b.workflows_completed += slot.counts[kCompleted];
      b.workflows_failed += slot.counts[kFailed];
      b.workflows_cancelled += slot.counts[kCancelled];
      b.tasks_completed += slot.counts[kTasksCompleted];
      b.tasks_failed += slot.counts[kTasksFailed];
      b.workflow_latency.Merge(slot.latency);
    }
  }
  return out;
}

Result<boost::json::object> RunSeries::Json(std::chrono::seconds step) const {
  GOCLAW_ASSIGN_OR_RETURN(std::vector<SeriesBucket> buckets, Read(step));
  boost::json::array items;
  items.reserve(buckets.size());
  for (const SeriesBucket& b : buckets) {
    items.push_back(boost::json::object{
        {"start", engine::FormatTime(b.start)},
        {"workflows_submitted", b.workflows_submitted},
        {"workflows_completed", b.workflows_completed},
        {"workflows_failed", b.workflows_failed},
        {"workflows_cancelled", b.workflows_cancelled},
        {"tasks_completed", b.tasks_completed},
        {"tasks_failed", b.tasks_failed},
        {"workflow_latency_p50_seconds", Percentile(b.workflow_latency, 0.5)},
        {"workflow_latency_p99_seconds", Percentile(b.workflow_latency, 0.99)}});
  }
  return boost::json::object{{"step_seconds", step.count()},
                             {"window_seconds", kWindow.count()},
                             {"buckets", std::move(items)}};
}

}  // namespace goclaw::service
