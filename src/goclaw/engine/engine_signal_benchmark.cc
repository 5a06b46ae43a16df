// Signal benchmarks (issue 14) on the durable store (RocksDB, sync_mode batch), each next to
// the submit path measured the same way in the same process:
//
//   BM_SignalToFunction      one signal at a time to a running in-process function: P50/P99
//                            from Signal() to the function holding it (durable first, then
//                            delivered). Baseline: BM_SubmitOne, P50/P99 of a durable 1-task
//                            submit's acknowledgement.
//   BM_SignalsToWaitingTasks 10k signals (8 sender threads) to 10k running `wait_signal`
//                            tasks of one workflow, until the workflow completes: signals/s.
//                            Baseline: BM_SubmitMany, 10k durable 1-task submits from 8
//                            threads: submits/s.
//
//   build/release/src/goclaw/engine/engine_signal_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "goclaw/core/test_temp_dir.h"
#include "goclaw/dag/loader.h"
#include "goclaw/engine/engine.h"
#include "bench_util.h"

namespace goclaw::engine {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kThreads = 8;
constexpr int kWaiting = 10000;

struct Rig {
  testing::ScratchDir dir{"goclaw-bench"};
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Engine> engine;
  Rig() {
    auto s = store::OpenRocksDbStore({.path = dir.path() + "/data", .sync = config::SyncMode::kBatch,
                                      .tables = StoreTables()});
    if (!s) std::abort();
    store = std::move(*s);
    EngineOptions options;
    options.shards = 2;
    options.lanes = {bench::UnboundedLane()};
    options.store = store.get();
    options.signals.max_per_workflow = 1 << 20;
    auto e = Engine::Create(std::move(options));
    if (!e) std::abort();
    engine = std::move(*e);
  }
};

void Percentiles(benchmark::State& state, std::vector<double>& us) {
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[std::min(us.size() - 1, static_cast<std::size_t>(q * us.size()))]; };
  state.counters["p50_us"] = at(0.5);
  state.counters["p99_us"] = at(0.99);
}

void BM_SignalToFunction(benchmark::State& state) {
  Rig rig;
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t received = 0;
  Clock::time_point received_at;
  if (!rig.engine->RegisterFunction("listen", [&](TaskContext& ctx) -> Result<boost::json::value> {
        while (auto m = ctx.wait(std::chrono::seconds(30))) {
          if (m->kind == "stop") break;
          std::lock_guard lock(mu);
          received = m->seq;
          received_at = Clock::now();
          cv.notify_all();
        }
        return boost::json::value(nullptr);
      })) {
    std::abort();
  }
  auto plan = dag::LoadWorkflow("tasks: [{id: l, type: function, config: {name: listen}}]");
  auto id = rig.engine->Submit(*plan);
  while (rig.engine->Get(*id)->tasks[0].state != TaskState::kRunning) std::this_thread::yield();
  std::vector<double> us;
  for (auto _ : state) {
    const auto start = Clock::now();
    auto sent = rig.engine->Signal(*id, {"note", "l", boost::json::object{{"n", 1}}});
    if (!sent) state.SkipWithError(sent.error().message().c_str());
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return received == sent->seq; });
    us.push_back(std::chrono::duration<double, std::micro>(received_at - start).count());
  }
  Percentiles(state, us);
  (void)rig.engine->Signal(*id, {"stop", "l", {}});
  (void)rig.engine->Wait(*id);
}
BENCHMARK(BM_SignalToFunction)->Unit(benchmark::kMicrosecond)->UseRealTime()->Iterations(2000);

void BM_SubmitOne(benchmark::State& state) {
  Rig rig;
  auto plan = std::make_shared<const dag::Plan>(std::move(*dag::LoadWorkflow("tasks: [{id: t}]")));
  std::vector<double> us;
  for (auto _ : state) {
    const auto start = Clock::now();
    if (!rig.engine->Submit(plan)) state.SkipWithError("submit failed");
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  Percentiles(state, us);
}
BENCHMARK(BM_SubmitOne)->Unit(benchmark::kMicrosecond)->UseRealTime()->Iterations(2000);

// Runs `each(i)` for i in [0, n) from kThreads threads.
template <typename F>
void Spread(int n, F each) {
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < n; i = next++) each(i);
    });
  }
  for (auto& th : threads) th.join();
}

void BM_SignalsToWaitingTasks(benchmark::State& state) {
  Rig rig;
  std::string spec = "tasks:\n";
  for (int i = 0; i < kWaiting; ++i) {
    spec += "  - {id: w" + std::to_string(i) + ", config: {op: wait_signal, name: go}}\n";
  }
  auto plan = std::make_shared<const dag::Plan>(std::move(*dag::LoadWorkflow(spec)));
  for (auto _ : state) {
    state.PauseTiming();
    auto id = rig.engine->Submit(plan);
    while (rig.engine->Get(*id)->tasks.back().state != TaskState::kRunning) std::this_thread::yield();
    state.ResumeTiming();
    Spread(kWaiting, [&](int i) {
      if (!rig.engine->Signal(*id, {"go", "w" + std::to_string(i), boost::json::object{{"i", i}}})) std::abort();
    });
    auto st = rig.engine->Wait(*id);
    if (!st || st->state != WorkflowState::kCompleted) state.SkipWithError("workflow failed");
  }
  state.SetItemsProcessed(state.iterations() * kWaiting);
  state.counters["signals_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * kWaiting),
                                                       benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SignalsToWaitingTasks)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_SubmitMany(benchmark::State& state) {
  Rig rig;
  auto plan = std::make_shared<const dag::Plan>(std::move(*dag::LoadWorkflow("tasks: [{id: t}]")));
  for (auto _ : state) {
    Spread(kWaiting, [&](int) {
      if (!rig.engine->Submit(plan)) std::abort();
    });
  }
  state.SetItemsProcessed(state.iterations() * kWaiting);
  state.counters["submits_per_s"] = benchmark::Counter(static_cast<double>(state.iterations() * kWaiting),
                                                       benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SubmitMany)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace
}  // namespace goclaw::engine

BENCHMARK_MAIN();
