// Intake: a submission checked, its run built, and (with a store) its records durable before
// the run is admitted (intake.h).
#include "goclaw/engine/intake.h"

#include "goclaw/core/check.h"
#include "goclaw/core/duration.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/text.h"
#include "goclaw/dag/spec_encoder.h"
#include "goclaw/engine/run_records.h"
#include "goclaw/engine/stored_runs.h"

namespace goclaw::engine::internal {

Intake::Intake(Parts parts, std::function<void(WorkflowRun&)> place,
               std::function<void(std::unique_ptr<WorkflowRun>)> admit)
    : parts_(parts),
      place_(std::move(place)),
      admit_(std::move(admit)),
      ids_(*parts.options.clock, parts.options.seed) {}

std::string Intake::NewWorkflowId() { return "wf-" + ids_.Next().ToString(); }

// A caller-chosen id: well formed, and neither known nor being submitted. Claimed until the
// submit is admitted (the index knows it) or failed.
Status Intake::ClaimId(const std::string& id) {
  if (id.size() != 39 || id.rfind("wf-", 0) != 0 || !Uuid::Parse(std::string_view(id).substr(3))) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "workflow id " + QuoteForMessage(id) + ": expected wf-<uuid> (Engine::NewWorkflowId)");
  }
  std::lock_guard<std::mutex> lock(claimed_mu_);
  if (claimed_.contains(id) || parts_.index.Summary(id)) {
    return MakeError(ErrorCode::kAlreadyExists, "workflow " + id + " already exists");
  }
  claimed_.insert(id);
  return OkStatus();
}

void Intake::ReleaseId(const std::string& id) {
  std::lock_guard<std::mutex> lock(claimed_mu_);
  claimed_.erase(id);
}

void Intake::Submit(std::shared_ptr<const dag::Plan> plan, boost::json::object input,
                    SubmitOptions options, SubmitCallback done) {
  if (options.id.empty())
    return Start(std::move(plan), std::move(input), std::string(), std::move(done));
  if (Status ok = ClaimId(options.id); !ok) return done(MakeError(ok.error()));
  std::string id = options.id;
  Start(std::move(plan), std::move(input), std::move(id),
        [this, claimed = options.id, done = std::move(done)](Result<std::string> r) mutable {
          ReleaseId(claimed);
          done(std::move(r));
        });
}

void Intake::Start(std::shared_ptr<const dag::Plan> shared_plan, boost::json::object input,
                   std::string chosen_id, SubmitCallback done) {
  GOCLAW_CHECK(shared_plan != nullptr);
  const dag::Plan& plan = *shared_plan;
  if (parts_.draining.load()) {
    done(MakeError(ErrorCode::kUnavailable,
                   "the engine is shutting down; submit again after it restarts"));
    return;
  }
  if (Status ok = CheckRunnable(plan, parts_.executors); !ok) {
    done(MakeError(ok.error()));
    return;
  }
  boost::json::object merged = plan.spec().input;
  for (auto& kv : input) merged[kv.key()] = std::move(kv.value());
  auto run = std::make_unique<WorkflowRun>(std::move(shared_plan));
  run->id = chosen_id.empty() ? NewWorkflowId() : std::move(chosen_id);
  place_(*run);
  run->input = std::make_shared<const boost::json::value>(std::move(merged));
  run->created_at = parts_.options.clock->Now();
  run->tasks.resize(plan.task_count());
  // Pending -> ready -> queued -> running -> completed, plus the workflow's own: reserved once
  // (the pages are touched only as events arrive) instead of grown by copying.
  run->events.reserve(plan.task_count() * 4 + 4);
  run->unfinished = plan.task_count();
  for (dag::Plan::Index i = 0; i < plan.task_count(); ++i) {
    run->tasks[i].waiting_for = static_cast<std::uint32_t>(plan.upstream(i).size());
  }
  if (parts_.store == nullptr) {
    std::string id = run->id;
    admit_(std::move(run));
    done(std::move(id));
    return;
  }
  // Durable before anyone hears of it: the workflow and spec records, in one batch (tasks get
  // records as they leave pending). The run starts only once the batch is durable, so every
  // later write of the run queues behind it.
  store::StoreBatch batch;
  batch.workflows.push_back(WorkflowRecordOf(*run));
  batch.specs.push_back({run->id, SpecJson(plan), JsonText(*run->input)});
  parts_.store->Commit(
      std::move(batch), [this, run = std::move(run), done = std::move(done)](Status st) mutable {
        parts_.store_healthy.store(
            st.has_value());  // every write tells: the journals' and the submits'
        if (!st) {
          ProbeStoreLater();
          done(MakeError(
              ErrorCode::kUnavailable,
              "the workflow was not stored, so it was not accepted: " + st.error().message()));
          return;
        }
        std::string id = run->id;
        admit_(std::move(run));
        done(std::move(id));
      });
}

// The spec as stored; the text of the last spec is kept, since many runs share one plan.
std::string Intake::SpecJson(const dag::Plan& plan) {
  std::lock_guard lock(spec_cache_mu_);
  if (spec_cache_key_.lock() != plan.shared_spec()) {
    spec_cache_text_ = dag::SpecToJsonText(plan.spec());
    spec_cache_key_ = plan.shared_spec();
  }
  return spec_cache_text_;
}

// After a failed submit write nothing else may write soon (an idle server): an empty commit
// every second finds out when the store takes writes again, so health (and /ready) follows.
void Intake::ProbeStoreLater() {
  if (probe_armed_.exchange(true)) return;
  parts_.options.timers->At(parts_.options.clock->SteadyNow() + Millis(1000), [this] {
    if (parts_.closing.load()) return;
    parts_.store->Commit({}, [this](Status st) {
      parts_.store_healthy.store(st.has_value());
      probe_armed_ = false;
      if (!st) ProbeStoreLater();
    });
  });
}

}  // namespace goclaw::engine::internal
