// Benchmarks of the DAG compiler on random layered DAGs (average 3 dependencies per task),
// next to a baseline in the same process: a straightforward compiler written with
// std::unordered_map<std::string, int> and vector-of-vector adjacency (what most engines do).
//
//   build/release/src/goclaw/dag/dag_benchmark --benchmark_counters_tabular=true
//
// Counters: items_per_second = tasks compiled per second; plan_B_per_task = the plan's own
// bytes divided by tasks (edges excluded: 8 B each), peak_rss_MB = the process's high-water mark.
#include <benchmark/benchmark.h>

#include <queue>
#include <random>
#include <string>
#include <unordered_map>

#include "bench_util.h"
#include "goclaw/dag/compiler.h"
#include "goclaw/dag/loader.h"

namespace goclaw::dag {
namespace {

std::string SpecToJson(const WorkflowSpec& spec) {
  std::string out = "{\"name\":\"random\",\"tasks\":[";
  for (std::size_t i = 0; i < spec.tasks.size(); ++i) {
    if (i > 0) out += ',';
    out += "{\"id\":\"" + spec.tasks[i].id + "\",\"depends_on\":[";
    for (std::size_t k = 0; k < spec.tasks[i].depends_on.size(); ++k) {
      if (k > 0) out += ',';
      out += "\"" + spec.tasks[i].depends_on[k] + "\"";
    }
    out += "]}";
  }
  return out + "]}";
}

const std::shared_ptr<WorkflowSpec>& CachedDag(std::size_t n) {
  static std::unordered_map<std::size_t, std::shared_ptr<WorkflowSpec>> cache;
  auto& slot = cache[n];
  if (!slot) slot = bench::RandomLayeredDag(n);
  return slot;
}

void BM_Compile(benchmark::State& state) {
  const auto& spec = CachedDag(static_cast<std::size_t>(state.range(0)));
  std::size_t plan_bytes = 0, edges = 0;
  for (auto _ : state) {
    auto plan = Compile(spec);
    if (!plan) state.SkipWithError(plan.error().message().c_str());
    plan_bytes = plan->MemoryBytes();
    edges = plan->edge_count();
    benchmark::DoNotOptimize(plan->critical_path_length());
  }
  const double n = static_cast<double>(spec->tasks.size());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(spec->tasks.size()));
  state.counters["edges_per_task"] = static_cast<double>(edges) / n;
  state.counters["plan_B_per_task"] = (static_cast<double>(plan_bytes) - 8.0 * edges) / n;
  state.counters["peak_rss_MB"] = bench::PeakRssMb();
}

// Parse JSON text + decode + compile: what `goclaw validate` and the REST submit do.
void BM_LoadFromJson(benchmark::State& state) {
  const auto& spec = CachedDag(static_cast<std::size_t>(state.range(0)));
  std::string text = SpecToJson(*spec);
  LoadOptions options;
  options.limits.max_tasks = spec->tasks.size();
  options.limits.max_spec_bytes = text.size();
  for (auto _ : state) {
    auto plan = LoadWorkflow(text, options);
    if (!plan) state.SkipWithError(plan.error().message().c_str());
    benchmark::DoNotOptimize(plan->task_count());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(spec->tasks.size()));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
  state.counters["peak_rss_MB"] = bench::PeakRssMb();
}

// Baseline: the textbook version. Same checks that matter for the comparison (unknown ids,
// cycle detection via Kahn), same outputs (order, layers, critical path).
struct BaselinePlan {
  std::vector<std::vector<int>> up, down;
  std::vector<int> order, layer;
  double critical = 0;
};

bool BaselineCompile(const WorkflowSpec& spec, BaselinePlan& out) {
  const int n = static_cast<int>(spec.tasks.size());
  std::unordered_map<std::string, int> index;
  for (int i = 0; i < n; ++i) {
    if (!index.emplace(spec.tasks[i].id, i).second) return false;
  }
  out.up.assign(n, {});
  out.down.assign(n, {});
  std::vector<int> indegree(n, 0);
  for (int i = 0; i < n; ++i) {
    for (const std::string& dep : spec.tasks[i].depends_on) {
      auto it = index.find(dep);
      if (it == index.end()) return false;
      out.up[i].push_back(it->second);
      out.down[it->second].push_back(i);
      ++indegree[i];
    }
  }
  std::queue<int> ready;
  out.layer.assign(n, 0);
  for (int i = 0; i < n; ++i) {
    if (indegree[i] == 0) ready.push(i);
  }
  std::vector<double> finish(n, 0);
  while (!ready.empty()) {
    int u = ready.front();
    ready.pop();
    out.order.push_back(u);
    double start = 0;
    for (int dep : out.up[u]) start = std::max(start, finish[dep]);
    finish[u] = start + spec.tasks[u].estimate;
    out.critical = std::max(out.critical, finish[u]);
    for (int v : out.down[u]) {
      out.layer[v] = std::max(out.layer[v], out.layer[u] + 1);
      if (--indegree[v] == 0) ready.push(v);
    }
  }
  return static_cast<int>(out.order.size()) == n;
}

void BM_BaselineCompile(benchmark::State& state) {
  const auto& spec = CachedDag(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    BaselinePlan plan;
    if (!BaselineCompile(*spec, plan)) state.SkipWithError("baseline failed");
    benchmark::DoNotOptimize(plan.critical);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(spec->tasks.size()));
  state.counters["peak_rss_MB"] = bench::PeakRssMb();
}

BENCHMARK(BM_Compile)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineCompile)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LoadFromJson)->Arg(10000)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace goclaw::dag

BENCHMARK_MAIN();
