// Retention (retention.h).
#include "goclaw/engine/retention.h"

#include <algorithm>

#include "goclaw/engine/run_records.h"
#include "goclaw/engine/status_json.h"
#include "goclaw/engine/run_signals.h"
#include "goclaw/engine/task_log.h"

namespace goclaw::engine::internal {

void Retention::Start() {
  if (options_.retention <= Millis(0)) return;
  const Millis period = std::clamp<Millis>(options_.retention / 10, Millis(1000), Millis(3600 * 1000));
  options_.timers->At(options_.clock->SteadyNow() + period, [this] {
    if (closing_.load()) return;
    Sweep();
    Start();
  });
}

std::size_t Retention::Sweep() {
  constexpr std::size_t kPage = 1000;
  const Clock::WallTime cutoff = options_.clock->Now() - options_.retention;
  store::WorkflowQuery q;
  for (std::size_t s = 0; s < kWorkflowStateCount; ++s) {
    if (IsTerminal(static_cast<WorkflowState>(s))) q.states.push_back(static_cast<std::uint8_t>(s));
  }
  // A workflow that finished before the cutoff was created before it.
  q.created_before_us = ToMicros(cutoff);
  q.limit = kPage;
  std::size_t erased = 0;
  while (!closing_.load()) {
    auto page = store_.ListWorkflows(q);
    if (!page) {
      options_.logger.Error("retention: listing finished workflows failed: {}", page.error().message());
      break;
    }
    store::StoreBatch batch;
    for (const store::WorkflowRecord& w : page->workflows) {
      if (w.finished_at_us == 0 || FromMicros(w.finished_at_us) >= cutoff) continue;
      evict_(w.id);  // still in memory: out, once written
      for (std::string_view table : {kTaskLogTable, kSignalTable}) {
        batch.mutations.push_back(store::TableMutation::ErasePrefix(std::string(table), w.id + std::string(1, '\0')));
      }
      batch.erased.push_back(w.id);
    }
    if (!batch.erased.empty()) {
      erased += batch.erased.size();
      if (Status st = store_.CommitAndWait(std::move(batch)); !st) {
        options_.logger.Error("retention: erasing failed (retried at the next sweep): {}", st.error().message());
        break;
      }
    }
    if (page->workflows.size() < kPage) break;
    q.after_id = page->workflows.back().id;
  }
  if (erased > 0) {
    options_.logger.Info("retention: erased {} workflows that finished before {}", erased, FormatTime(cutoff));
  }
  return erased;
}

}  // namespace goclaw::engine::internal
