// Engine throughput on noop DAGs, next to a baseline in the same process: a straightforward
// thread-pool DAG executor (atomic dependency counters, one shared ready queue, no lanes, no
// events, no state machine) running the same compiled plan on the same number of threads.
//
//   build/release/src/goclaw/engine/engine_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
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
  options.lanes = {bench::UnboundedLane()};
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
// When given, `timing` records per task when it entered the ready queue (roots: at the start)
// and when a worker took it.
struct BaselineTiming {
  std::vector<std::chrono::steady_clock::time_point> readied;
  std::vector<std::chrono::steady_clock::time_point> taken;
};

void RunBaseline(const dag::Plan& plan, int threads, BaselineTiming* timing = nullptr) {
  const std::size_t n = plan.task_count();
  if (timing != nullptr) {
    timing->readied.assign(n, std::chrono::steady_clock::now());
    timing->taken.assign(n, {});
  }
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
      if (timing != nullptr) timing->taken[task] = std::chrono::steady_clock::now();
      // noop
      std::vector<dag::Plan::Index> released;
      for (dag::Plan::Index d : plan.downstream(task)) {
        if (waiting[d].fetch_sub(1) == 1) {
          if (timing != nullptr) timing->readied[d] = std::chrono::steady_clock::now();
          released.push_back(d);
        }
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

// ---- ready -> running latency: 1,000 concurrent chain workflows ----

constexpr std::size_t kChains = 1000;
constexpr std::size_t kChainLength = 10;

std::shared_ptr<dag::WorkflowSpec> Chains(std::size_t chains, std::size_t length) {
  auto spec = std::make_shared<dag::WorkflowSpec>();
  spec->name = "chain";
  for (std::size_t c = 0; c < chains; ++c) {
    for (std::size_t k = 0; k < length; ++k) {
      dag::TaskSpec t;
      t.id = "c" + std::to_string(c) + "-" + std::to_string(k);
      if (k > 0) t.depends_on.push_back("c" + std::to_string(c) + "-" + std::to_string(k - 1));
      spec->tasks.push_back(std::move(t));
    }
  }
  return spec;
}

void ReportPercentiles(benchmark::State& state, std::vector<double> ns, const std::string& prefix) {
  std::sort(ns.begin(), ns.end());
  auto at = [&](double q) { return ns[std::min(ns.size() - 1, static_cast<std::size_t>(q * ns.size()))] / 1000.0; };
  state.counters[prefix + "p50_us"] = at(0.50);
  state.counters[prefix + "p99_us"] = at(0.99);
  state.counters[prefix + "p999_us"] = at(0.999);
}

// Per task: the time from its "ready" event to its "running" event, and from its upstream's
// "completed" to its own "running" (what a chain step waits), read from the event history.
void BM_EngineReadyToRunningLatency(benchmark::State& state) {
  auto plan = std::make_shared<const dag::Plan>(std::move(*dag::Compile(Chains(1, kChainLength))));
  EngineOptions options;
  options.shards = 2;
  options.lanes = {bench::UnboundedLane()};
  auto engine = std::move(*Engine::Create(std::move(options)));
  std::vector<double> ready_to_running;
  std::vector<double> upstream_to_running;
  for (auto _ : state) {
    std::vector<std::string> ids;
    for (std::size_t c = 0; c < kChains; ++c) ids.push_back(*engine->Submit(plan));
    for (const auto& id : ids) {
      if (!engine->Wait(id)) state.SkipWithError("workflow failed");
    }
    state.PauseTiming();
    for (const auto& id : ids) {
      std::map<std::string, std::map<std::string, Clock::WallTime>> at;  // task -> state -> time
      auto events = engine->Events(id);
      for (const Event& e : *events) {
        if (!e.task_id.empty() && !at[e.task_id].contains(std::string(e.to_name()))) at[e.task_id][std::string(e.to_name())] = e.time;
      }
      for (std::size_t k = 0; k < kChainLength; ++k) {
        auto& t = at["c0-" + std::to_string(k)];
        ready_to_running.push_back(double((t["running"] - t["ready"]).count()));
        if (k > 0) {
          auto& up = at["c0-" + std::to_string(k - 1)];
          upstream_to_running.push_back(double((t["running"] - up["completed"]).count()));
        }
      }
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kChains * kChainLength));
  ReportPercentiles(state, ready_to_running, "ready_");
  ReportPercentiles(state, upstream_to_running, "dep_");
}
BENCHMARK(BM_EngineReadyToRunningLatency)->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();

// The baseline on the same work (the 1,000 chains as one DAG): from the moment a task's last
// dependency finished (it enters the ready queue) to a worker taking it.
void BM_BaselineReadyToRunningLatency(benchmark::State& state) {
  auto plan = dag::Compile(Chains(kChains, kChainLength));
  const std::size_t n = plan->task_count();
  std::vector<double> latency;
  for (auto _ : state) {
    BaselineTiming timing;
    RunBaseline(*plan, 2, &timing);
    const auto& readied = timing.readied;
    const auto& taken = timing.taken;
    for (dag::Plan::Index i = 0; i < n; ++i) {
      if (!plan->upstream(i).empty()) latency.push_back(double((taken[i] - readied[i]).count()));
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  ReportPercentiles(state, latency, "dep_");
}
BENCHMARK(BM_BaselineReadyToRunningLatency)->Iterations(5)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace goclaw::engine

BENCHMARK_MAIN();
