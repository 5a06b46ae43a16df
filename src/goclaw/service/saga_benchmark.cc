// Saga benchmarks (issue 15) on the durable store (RocksDB, sync_mode batch), next to plain
// workflows measured the same way in the same process:
//
//   BM_Sagas/ok          2,000 sagas of 5 chained builtin steps, each with a compensation,
//                        submitted at once: sagas/s from the first submit until all settled.
//   BM_Sagas/failing     the same with the 5th step failing: 4 compensations per saga, in
//                        reverse order; sagas/s and the P50/P99 compensation latency (from the
//                        forward workflow's end to the saga compensated).
//   BM_CompensationLatency  one failing saga at a time (no queue): P50/P99 from the forward
//                        workflow's end to the saga compensated; baseline: the same sagas'
//                        forward run (submit to the forward workflow's end).
//   BM_Workflows         the baseline: 2,000 plain 5-task workflows: workflows/s.
//
//   build/release/src/goclaw/service/saga_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>

#include <boost/json/parse.hpp>

#include "goclaw/core/test_temp_dir.h"
#include "goclaw/engine/engine.h"
#include "goclaw/saga/saga_record.h"
#include "goclaw/service/saga_service.h"
#include "goclaw/service/workflow_service.h"
#include "bench_util.h"

namespace goclaw::service {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr int kCount = 2000;

struct Rig {
  goclaw::testing::ScratchDir dir{"goclaw-bench"};
  std::unique_ptr<store::Store> store;
  std::unique_ptr<engine::Engine> engine;
  std::unique_ptr<WorkflowService> workflows;
  std::unique_ptr<SagaService> sagas;
  Rig() {
    std::vector<store::TableSpec> tables = engine::StoreTables();
    for (auto& t : saga::SagaTables()) tables.push_back(std::move(t));
    auto s = store::OpenRocksDbStore({.path = dir.path() + "/data", .sync = config::SyncMode::kBatch,
                                      .tables = std::move(tables)});
    if (!s) std::abort();
    store = std::move(*s);
    engine::EngineOptions options;
    options.shards = 2;
    options.lanes = {bench::UnboundedLane()};
    options.store = store.get();
    auto e = engine::Engine::Create(std::move(options));
    if (!e) std::abort();
    engine = std::move(*e);
    workflows = std::make_unique<WorkflowService>(*engine, WorkflowPolicy{});
    auto sg = SagaService::Create(*engine, *workflows, store.get(), {});
    if (!sg) std::abort();
    sagas = std::move(*sg);
  }
  ~Rig() { sagas->Shutdown(); }
};

// Five chained steps; with `fail`, the last one fails.
std::string Spec(bool fail, bool compensations) {
  std::string s = R"({"name": "bench", "tasks": [)";
  for (int i = 0; i < 5; ++i) {
    if (i > 0) s += ",";
    s += R"({"id": "s)" + std::to_string(i) + R"(")";
    if (i > 0) s += R"(, "depends_on": ["s)" + std::to_string(i - 1) + R"("])";
    s += (fail && i == 4) ? R"(, "config": {"op": "fail"})" : R"(, "config": {"op": "echo", "n": )" + std::to_string(i) + "}";
    if (compensations) s += R"(, "compensate": {"config": {"op": "noop"}})";
    s += "}";
  }
  return s + "]}";
}

double Seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

void BM_Sagas(benchmark::State& state) {
  const bool fail = state.range(0) == 1;
  const std::string spec = Spec(fail, true);
  std::vector<double> latency_us;
  for (auto _ : state) {
    Rig rig;
    std::vector<std::promise<std::string>> ids(kCount);
    const auto start = SteadyClock::now();
    for (int i = 0; i < kCount; ++i) {
      rig.sagas->Submit(spec, DocumentFormat::kJson, [&ids, i](Result<boost::json::object> r) {
        ids[i].set_value(r ? std::string(r->at("saga_id").as_string()) : std::string());
      });
    }
    std::vector<boost::json::object> settled;
    for (auto& p : ids) {
      const std::string id = p.get_future().get();
      auto v = rig.sagas->Wait(id, std::chrono::minutes(5));
      if (!v || v->at("state") != (fail ? "compensated" : "completed")) std::abort();
      settled.push_back(std::move(*v));
    }
    state.SetIterationTime(Seconds(SteadyClock::now() - start));
    state.counters["sagas_per_s"] = benchmark::Counter(kCount, benchmark::Counter::kIsRate);
    if (fail) {
      for (const auto& v : settled) {
        auto forward = rig.engine->Get(std::string(v.at("workflow_id").as_string()));
        if (!forward || !forward->finished_at) continue;
        auto compensated = rig.engine->Get(std::string(v.at("compensation_workflow_id").as_string()));
        if (!compensated || !compensated->finished_at) continue;
        latency_us.push_back(
            std::chrono::duration<double, std::micro>(*compensated->finished_at - *forward->finished_at).count());
      }
    }
  }
  state.counters["sagas_per_s"] = benchmark::Counter(kCount * state.iterations(), benchmark::Counter::kIsRate);
  if (!latency_us.empty()) {
    std::sort(latency_us.begin(), latency_us.end());
    state.counters["comp_p50_us"] = latency_us[latency_us.size() / 2];
    state.counters["comp_p99_us"] = latency_us[std::min(latency_us.size() - 1, latency_us.size() * 99 / 100)];
  }
}
BENCHMARK(BM_Sagas)->Arg(0)->Arg(1)->ArgName("failing")->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_CompensationLatency(benchmark::State& state) {
  const std::string spec = Spec(true, true);
  std::vector<double> comp_us, forward_us;
  Rig rig;
  for (auto _ : state) {
    std::promise<std::string> id;
    const auto submitted = std::chrono::system_clock::now();
    rig.sagas->Submit(spec, DocumentFormat::kJson, [&id](Result<boost::json::object> r) {
      id.set_value(r ? std::string(r->at("saga_id").as_string()) : std::string());
    });
    auto v = rig.sagas->Wait(id.get_future().get(), std::chrono::minutes(1));
    if (!v || v->at("state") != "compensated") std::abort();
    auto forward = rig.engine->Get(std::string(v->at("workflow_id").as_string()));
    auto compensated = rig.engine->Get(std::string(v->at("compensation_workflow_id").as_string()));
    if (!forward || !compensated || !forward->finished_at || !compensated->finished_at) std::abort();
    comp_us.push_back(std::chrono::duration<double, std::micro>(*compensated->finished_at - *forward->finished_at).count());
    forward_us.push_back(std::chrono::duration<double, std::micro>(*forward->finished_at - submitted).count());
  }
  auto at = [](std::vector<double>& v, double q) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))];
  };
  state.counters["comp_p50_us"] = at(comp_us, 0.5);
  state.counters["comp_p99_us"] = at(comp_us, 0.99);
  state.counters["forward_p50_us"] = at(forward_us, 0.5);
  state.counters["forward_p99_us"] = at(forward_us, 0.99);
}
BENCHMARK(BM_CompensationLatency)->Iterations(300)->Unit(benchmark::kMillisecond);

void BM_Workflows(benchmark::State& state) {
  Document doc;
  doc.root = boost::json::parse(Spec(false, false));
  for (auto _ : state) {
    Rig rig;
    auto plan = rig.workflows->Compile(doc);
    if (!plan) std::abort();
    std::vector<std::promise<std::string>> ids(kCount);
    const auto start = SteadyClock::now();
    for (int i = 0; i < kCount; ++i) {
      rig.engine->SubmitAsync(*plan, {}, [&ids, i](Result<std::string> r) { ids[i].set_value(r ? *r : ""); });
    }
    for (auto& p : ids) {
      auto st = rig.engine->Wait(p.get_future().get(), std::chrono::minutes(5));
      if (!st || st->state != engine::WorkflowState::kCompleted) std::abort();
    }
    state.SetIterationTime(Seconds(SteadyClock::now() - start));
  }
  state.counters["workflows_per_s"] = benchmark::Counter(kCount * state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Workflows)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace goclaw::service

BENCHMARK_MAIN();
