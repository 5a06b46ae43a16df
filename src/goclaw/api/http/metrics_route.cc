// GET /metrics: everything the server measures, in the Prometheus text format 0.0.4.
#include <chrono>

#include "goclaw/api/http/api_routes.h"
#include "goclaw/api/http/event_stream.h"
#include "goclaw/api/http/http_metrics.h"
#include "goclaw/engine/engine_metrics.h"
#include "goclaw/metrics/process_stats.h"
#include "goclaw/metrics/text_format.h"

namespace goclaw::api::http {
namespace {

using metrics::TextWriter;

constexpr engine::WorkflowState kWorkflowStates[] = {
    engine::WorkflowState::kPending,   engine::WorkflowState::kScheduled, engine::WorkflowState::kRunning,
    engine::WorkflowState::kCompleted, engine::WorkflowState::kFailed,    engine::WorkflowState::kCancelled};
constexpr engine::TaskState kTaskStates[] = {
    engine::TaskState::kPending,   engine::TaskState::kReady,  engine::TaskState::kQueued,
    engine::TaskState::kRunning,   engine::TaskState::kRetrying, engine::TaskState::kCompleted,
    engine::TaskState::kFailed,    engine::TaskState::kSkipped, engine::TaskState::kCancelled};

template <typename States, typename Values, typename Name>
void ByState(TextWriter& w, std::string_view name, std::string_view type, std::string_view help,
             const States& states, const Values& values, Name state_name) {
  w.Family(name, type, help);
  for (auto s : states) {
    w.Sample(name, {{"state", state_name(s)}}, static_cast<double>(values[static_cast<std::size_t>(s)]));
  }
}

void WriteEngine(TextWriter& w, const engine::EngineMetrics& m) {
  ByState(w, "goclaw_workflows", "gauge", "Workflows in each state now.", kWorkflowStates, m.workflows,
          engine::WorkflowStateName);
  ByState(w, "goclaw_workflows_entered_total", "counter", "Workflows that entered each state.",
          kWorkflowStates, m.workflows_entered, engine::WorkflowStateName);
  w.Family("goclaw_workflows_in_memory", "gauge", "Workflows held in the engine's memory (finished ones leave after storage.evict_after).");
  w.Sample("goclaw_workflows_in_memory", {}, static_cast<double>(m.in_memory));
  ByState(w, "goclaw_tasks", "gauge", "Tasks in each state now.", kTaskStates, m.tasks, engine::TaskStateName);
  ByState(w, "goclaw_tasks_entered_total", "counter", "Tasks that entered each state.", kTaskStates,
          m.tasks_entered, engine::TaskStateName);
  w.Family("goclaw_task_duration_seconds", "histogram", "Duration of task attempts, by task type and lane.");
  for (const auto& t : m.timings) {
    w.Histogram("goclaw_task_duration_seconds", {{"type", dag::TaskTypeName(t.type)}, {"lane", t.lane}}, t.duration);
  }
  w.Family("goclaw_task_queue_wait_seconds", "histogram",
           "Time tasks waited in their lane before running, by task type and lane.");
  for (const auto& t : m.timings) {
    w.Histogram("goclaw_task_queue_wait_seconds", {{"type", dag::TaskTypeName(t.type)}, {"lane", t.lane}}, t.queue_wait);
  }
}

void WriteLanes(TextWriter& w, const std::vector<lane::LaneStats>& lanes) {
  auto each = [&](std::string_view name, std::string_view type, std::string_view help, auto value) {
    w.Family(name, type, help);
    for (const auto& s : lanes) w.Sample(name, {{"lane", s.name}}, static_cast<double>(value(s)));
  };
  using S = lane::LaneStats;
  each("goclaw_lane_running", "gauge", "Items running in the lane (permits held).", [](const S& s) { return s.running; });
  each("goclaw_lane_waiting", "gauge", "Items queued in the lane for a slot or tokens (its depth).", [](const S& s) { return s.waiting; });
  each("goclaw_lane_blocked", "gauge", "Submitters blocked on a full lane (on_full: block).", [](const S& s) { return s.blocked; });
  each("goclaw_lane_max_concurrency", "gauge", "The lane's concurrency cap.", [](const S& s) { return s.max_concurrency; });
  each("goclaw_lane_capacity", "gauge", "Items that may wait in the lane.", [](const S& s) { return s.capacity; });
  each("goclaw_lane_keys", "gauge", "Live keys of a keyed lane template.", [](const S& s) { return s.keys; });
  each("goclaw_lane_admitted_total", "counter", "Items admitted by the lane.", [](const S& s) { return s.admitted; });
  each("goclaw_lane_dropped_total", "counter", "Items refused because the lane was full (on_full: drop).", [](const S& s) { return s.dropped; });
  each("goclaw_lane_redirected_total", "counter", "Items sent to the redirect lane because the lane was full.", [](const S& s) { return s.redirected; });
  each("goclaw_lane_rejected_total", "counter", "Items refused for other reasons (closed, deadline).", [](const S& s) { return s.rejected; });
  each("goclaw_lane_cancelled_total", "counter", "Waiting items cancelled.", [](const S& s) { return s.cancelled; });
  w.Family("goclaw_lane_wait_seconds", "histogram", "Time from asking a lane for a slot to admission.");
  for (const auto& s : lanes) w.Histogram("goclaw_lane_wait_seconds", {{"lane", s.name}}, s.wait);
}

void WriteProcess(TextWriter& w, const ApiContext& ctx) {
  w.Family("goclaw_build_info", "gauge", "Always 1; the version is a label.");
  w.Sample("goclaw_build_info", {{"version", ctx.version}}, 1);
  auto p = metrics::ReadProcessStats();
  if (!p) return;  // not Linux: no process metrics rather than wrong ones
  auto one = [&](std::string_view name, std::string_view type, std::string_view help, double v) {
    w.Family(name, type, help);
    w.Sample(name, {}, v);
  };
  one("goclaw_process_resident_memory_bytes", "gauge", "Resident set size.", static_cast<double>(p->resident_bytes));
  one("goclaw_process_virtual_memory_bytes", "gauge", "Virtual memory size.", static_cast<double>(p->virtual_bytes));
  one("goclaw_process_cpu_seconds_total", "counter", "User and system CPU time.", p->cpu_seconds);
  one("goclaw_process_threads", "gauge", "Threads.", static_cast<double>(p->threads));
  one("goclaw_process_open_fds", "gauge", "Open file descriptors.", static_cast<double>(p->open_fds));
  one("goclaw_process_start_time_seconds", "gauge", "Start time, Unix seconds.", p->start_time_seconds);
}

void WriteStore(TextWriter& w, const store::Store& store, bool healthy) {
  const store::StoreStats s = store.Stats();
  auto one = [&](std::string_view name, std::string_view type, std::string_view help, double v) {
    w.Family(name, type, help);
    w.Sample(name, {{"kind", s.kind}}, v);
  };
  one("goclaw_store_healthy", "gauge", "1 while the store accepts writes, 0 after a failed write until the next good one.",
      healthy ? 1 : 0);
  one("goclaw_store_commits_total", "counter", "Commits written (each submit, cancel or shard journal flush).",
      static_cast<double>(s.commits));
  one("goclaw_store_batches_total", "counter", "Group-commit writes (with sync_mode batch: fsyncs).",
      static_cast<double>(s.batches));
  one("goclaw_store_records_total", "counter", "Records written.", static_cast<double>(s.records));
  one("goclaw_store_failed_batches_total", "counter", "Writes that failed (nothing of them applied).",
      static_cast<double>(s.failed_batches));
  one("goclaw_store_max_batch_commits", "gauge", "The most commits one write carried.",
      static_cast<double>(s.max_batch_commits));
  w.Family("goclaw_store_commit_seconds", "histogram", "From a commit's arrival to durable, seconds.");
  w.Histogram("goclaw_store_commit_seconds", {{"kind", s.kind}}, s.commit_latency);
  w.Family("goclaw_store_write_seconds", "histogram", "One group-commit write with its fsync, seconds.");
  w.Histogram("goclaw_store_write_seconds", {{"kind", s.kind}}, s.write_latency);
}

void WriteEvents(TextWriter& w, const EventHub& hub) {
  const EventHub::Stats s = hub.stats();
  w.Family("goclaw_ws_clients", "gauge", "Connected /ws/events clients.");
  w.Sample("goclaw_ws_clients", {}, static_cast<double>(s.clients));
  w.Family("goclaw_ws_events_sent_total", "counter", "Event messages queued to /ws/events clients.");
  w.Sample("goclaw_ws_events_sent_total", {}, static_cast<double>(s.events_sent));
  w.Family("goclaw_ws_slow_disconnects_total", "counter", "Clients disconnected for falling behind.");
  w.Sample("goclaw_ws_slow_disconnects_total", {}, static_cast<double>(s.slow_disconnects));
}

}  // namespace

void AddMetricsRoute(Router& router, const ApiContext& ctx) {
  const ApiContext* c = &ctx;
  router.Add(
      "GET", "/metrics", "Prometheus metrics (text format 0.0.4)",
      [c](HttpRequest&) {
        TextWriter w;
        WriteEngine(w, c->engine->Metrics());
        WriteLanes(w, c->engine->lanes().Snapshot());
        if (c->http_metrics) c->http_metrics->Write(w);
        if (c->events) WriteEvents(w, *c->events);
        if (c->store) WriteStore(w, *c->store, c->engine->StoreHealthy());
        WriteProcess(w, *c);
        return HttpResponse::Text(200, w.Take(), std::string(TextWriter::kContentType));
      },
      {.blocking = true});  // visits the engine's shards
}

void AddEventStreamRoute(Router& router, const ApiContext& ctx) {
  if (ctx.events == nullptr) return;
  router.AddWebSocket("/ws/events", "Engine events over WebSocket (subscribe with a JSON message)",
                      ctx.events->Handler());
}

}  // namespace goclaw::api::http
