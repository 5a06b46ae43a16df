// Engine throughput on noop DAGs, next to a baseline in the same process: a straightforward
// thread-pool DAG executor (atomic dependency counters, one shared ready queue, no lanes, no
// events, no state machine) running the same compiled plan on the same number of threads.
//
//   build/release/src/goclaw/engine/engine_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "bench_util.h"
#include "goclaw/dag/compiler.h"
#include "goclaw/engine/engine.h"

namespace goclaw::engine {
namespace {

std::shared_ptr<dag::Plan> RandomPlan(std::size_t n) {
  auto plan = dag::Compile(bench::RandomLayeredDag(n));
  return std::make_shared<dag::Plan>(std::move(*plan));
}

std::shared_ptr<dag::Plan> SharedPlan(std::size_t n) {
  static std::map<std::size_t, std::shared_ptr<dag::Plan>> cache;
  auto& p = cache[n];
  if (!p) p = RandomPlan(n);
  return p;
}
const dag::Plan& CachedPlan(std::size_t n) { return *SharedPlan(n); }

void BM_EngineNoopDag(benchmark::State& state) {
  auto shared = SharedPlan(static_cast<std::size_t>(state.range(0)));
  const dag::Plan& plan = *shared;
  EngineOptions options;
  options.shards = 2;
  config::LaneConfig lane;
  lane.name = "default";
  lane.max_concurrency = 1 << 20;
  lane.capacity = 1 << 22;
  options.lanes = {lane};
  auto engine = Engine::Create(std::move(options));
  // Wait includes building the final status of every task (a full snapshot).
  for (auto _ : state) {
    auto id = (*engine)->Submit(shared);
    auto st = (*engine)->Wait(*id);
    if (!st || st->state != WorkflowState::kCompleted) state.SkipWithError("workflow failed");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(plan.task_count()));
  state.counters["peak_rss_MB"] = bench::PeakRssMb();
}
BENCHMARK(BM_EngineNoopDag)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The baseline executor.
void RunBaseline(const dag::Plan& plan, int threads) {
  const std::size_t n = plan.task_count();
  std::vector<std::atomic<std::uint32_t>> waiting(n);
  for (dag::Plan::Index i = 0; i < n; ++i) {
    waiting[i].store(static_cast<std::uint32_t>(plan.upstream(i).size()));
  }
  std::mutex mu;
  std::condition_variable cv;
  std::deque<dag::Plan::Index> ready(plan.roots().begin(), plan.roots().end());
  std::atomic<std::size_t> done{0};
  auto worker = [&] {
    while (true) {
      dag::Plan::Index task;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !ready.empty() || done.load() == n; });
        if (ready.empty()) return;
        task = ready.front();
        ready.pop_front();
      }
      // noop
      std::vector<dag::Plan::Index> released;
      for (dag::Plan::Index d : plan.downstream(task)) {
        if (waiting[d].fetch_sub(1) == 1) released.push_back(d);
      }
      bool last = done.fetch_add(1) + 1 == n;
      if (!released.empty() || last) {
        std::lock_guard lock(mu);
        ready.insert(ready.end(), released.begin(), released.end());
      }
      if (last) {
        cv.notify_all();
      } else {
        for (std::size_t k = 0; k < released.size(); ++k) cv.notify_one();
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
}

void BM_BaselineThreadPoolDag(benchmark::State& state) {
  const dag::Plan& plan = CachedPlan(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) RunBaseline(plan, 2);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(plan.task_count()));
}
BENCHMARK(BM_BaselineThreadPoolDag)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace goclaw::engine

BENCHMARK_MAIN();
