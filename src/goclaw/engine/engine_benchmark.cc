// Engine throughput on noop DAGs, next to a baseline in the same process: a straightforward
// thread-pool DAG executor (atomic dependency counters, one shared ready queue, no lanes, no
// events, no state machine) running the same compiled plan on the same number of threads.
//
//   build/release/src/goclaw/engine/engine_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#include "goclaw/dag/compiler.h"
#include "goclaw/engine/engine.h"

namespace goclaw::engine {
namespace {

// Random layered DAG, as in the compiler benchmark: ~3 dependencies per task.
std::shared_ptr<dag::Plan> RandomPlan(std::size_t n) {
  std::mt19937_64 rng(42);
  auto spec = std::make_shared<dag::WorkflowSpec>();
  spec->name = "noop-dag";
  spec->tasks.resize(n);
  std::size_t width = std::max<std::size_t>(8, static_cast<std::size_t>(std::sqrt(double(n))));
  for (std::size_t i = 0; i < n; ++i) {
    dag::TaskSpec& t = spec->tasks[i];
    t.id = "t" + std::to_string(i);
    std::size_t layer = i / width;
    if (layer == 0) continue;
    std::size_t lo = layer >= 3 ? (layer - 3) * width : 0, hi = layer * width;
    for (int d = 0; d < 3; ++d) {
      std::string dep = "t" + std::to_string(lo + rng() % (hi - lo));
      if (std::find(t.depends_on.begin(), t.depends_on.end(), dep) == t.depends_on.end()) {
        t.depends_on.push_back(std::move(dep));
      }
    }
  }
  auto plan = dag::Compile(spec);
  return std::make_shared<dag::Plan>(std::move(*plan));
}

const dag::Plan& CachedPlan(std::size_t n) {
  static std::map<std::size_t, std::shared_ptr<dag::Plan>> cache;
  auto& p = cache[n];
  if (!p) p = RandomPlan(n);
  return *p;
}

double PeakRssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

void BM_EngineNoopDag(benchmark::State& state) {
  const dag::Plan& plan = CachedPlan(static_cast<std::size_t>(state.range(0)));
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
    auto id = (*engine)->Submit(plan);
    auto st = (*engine)->Wait(*id);
    if (!st || st->state != WorkflowState::kCompleted) state.SkipWithError("workflow failed");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(plan.task_count()));
  state.counters["peak_rss_MB"] = PeakRssMb();
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
