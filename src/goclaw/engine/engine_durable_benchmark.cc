// Durability benchmarks (issue 6), each next to its baseline in the same process:
//
//   BM_NoopDag/<store>       a 100k-task noop DAG with every transition written: RocksDB with
//                            sync_mode batch (fsync per group) vs the memory store vs no store.
//                            Counters: transitions/s, fsyncs per 1,000 transitions.
//   BM_SubmitAck/<store>     durable-ack latency of 1-task submits from 8 threads at once:
//                            P50/P99 from Submit to acknowledgement (RocksDB vs memory store).
//   BM_Recovery              Engine::Create + Resume (until every shard has its runs back) on a
//                            store holding 100k unfinished workflows of 10 tasks: 1M tasks,
//                            600k task records (pending tasks have none), 2.4M events.
//
//   build/release/src/goclaw/engine/engine_durable_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "bench_util.h"
#include "goclaw/core/test_temp_dir.h"
#include "goclaw/dag/compiler.h"
#include "goclaw/dag/loader.h"
#include "goclaw/dag/spec_encoder.h"
#include "goclaw/engine/engine.h"

namespace goclaw::engine {
namespace {

enum StoreKind { kNone = 0, kMemory = 1, kRocksDb = 2 };
const char* Name(StoreKind k) { return k == kRocksDb ? "rocksdb" : k == kMemory ? "memory" : "none"; }

struct TempDir : testing::ScratchDir {
  TempDir() : ScratchDir("goclaw-bench") {}
};

std::unique_ptr<store::Store> OpenStore(StoreKind kind, const std::string& dir) {
  if (kind == kMemory) return std::move(*store::OpenMemoryStore({.tables = StoreTables()}));
  if (kind == kRocksDb) {
    auto s = store::OpenRocksDbStore({.path = dir + "/data", .sync = config::SyncMode::kBatch, .tables = StoreTables()});
    if (!s) std::abort();
    return std::move(*s);
  }
  return nullptr;
}

std::unique_ptr<Engine> NewEngine(store::Store* store) {
  EngineOptions options;
  options.shards = 2;
  options.lanes = {bench::UnboundedLane()};
  options.store = store;
  auto engine = Engine::Create(std::move(options));
  if (!engine) std::abort();
  return std::move(*engine);
}

void BM_NoopDag(benchmark::State& state) {
  const auto kind = static_cast<StoreKind>(state.range(0));
  const auto n = static_cast<std::size_t>(state.range(1));
  auto plan = std::make_shared<const dag::Plan>(std::move(*dag::Compile(bench::RandomLayeredDag(n))));
  TempDir dir;
  auto store = OpenStore(kind, dir.path());
  auto engine = NewEngine(store.get());
  std::uint64_t transitions = 0;
  const std::uint64_t batches_before = store ? store->Stats().batches : 0;
  for (auto _ : state) {
    auto id = engine->Submit(plan);
    auto st = engine->Wait(*id);
    if (!st || st->state != WorkflowState::kCompleted) state.SkipWithError("workflow failed");
    if (!engine->Flush()) state.SkipWithError("flush failed");  // durable, not just done
    transitions += engine->Events(*id)->size();
  }
  state.SetLabel(Name(kind));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["transitions_per_s"] = benchmark::Counter(static_cast<double>(transitions), benchmark::Counter::kIsRate);
  if (store) {
    const double batches = static_cast<double>(store->Stats().batches - batches_before);
    state.counters["fsyncs_per_1k"] = kind == kRocksDb ? 1000.0 * batches / static_cast<double>(transitions) : 0;
    state.counters["writes_per_1k"] = 1000.0 * batches / static_cast<double>(transitions);
  }
}
BENCHMARK(BM_NoopDag)
    ->ArgsProduct({{kNone, kMemory, kRocksDb}, {100000}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_SubmitAck(benchmark::State& state) {
  const auto kind = static_cast<StoreKind>(state.range(0));
  constexpr int kThreads = 8;
  constexpr int kEach = 500;
  auto plan = std::make_shared<const dag::Plan>(std::move(*dag::LoadWorkflow("tasks: [{id: t}]")));
  TempDir dir;
  auto store = OpenStore(kind, dir.path());
  auto engine = NewEngine(store.get());
  std::vector<double> latency_us;
  for (auto _ : state) {
    std::mutex mu;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        std::vector<double> mine;
        for (int i = 0; i < kEach; ++i) {
          const auto start = std::chrono::steady_clock::now();
          auto id = engine->Submit(plan);
          if (!id) std::abort();
          mine.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
        }
        std::lock_guard lock(mu);
        latency_us.insert(latency_us.end(), mine.begin(), mine.end());
      });
    }
    for (auto& th : threads) th.join();
  }
  std::sort(latency_us.begin(), latency_us.end());
  auto at = [&](double q) { return latency_us[std::min(latency_us.size() - 1, static_cast<std::size_t>(q * latency_us.size()))]; };
  state.SetLabel(Name(kind));
  state.SetItemsProcessed(state.iterations() * kThreads * kEach);
  state.counters["p50_us"] = at(0.5);
  state.counters["p99_us"] = at(0.99);
  if (store) state.counters["max_batch"] = static_cast<double>(store->Stats().max_batch_commits);
}
BENCHMARK(BM_SubmitAck)->Arg(kMemory)->Arg(kRocksDb)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

// Writes `workflows` unfinished workflows of a 10-task chain straight into the store: 5 tasks
// completed, one running, the rest pending (as a crash would leave them).
void FillStore(store::Store& store, std::size_t workflows) {
  auto plan = dag::LoadWorkflow(R"(
tasks:
  - {id: t0}
  - {id: t1, depends_on: [t0]}
  - {id: t2, depends_on: [t1]}
  - {id: t3, depends_on: [t2]}
  - {id: t4, depends_on: [t3]}
  - {id: t5, depends_on: [t4]}
  - {id: t6, depends_on: [t5]}
  - {id: t7, depends_on: [t6]}
  - {id: t8, depends_on: [t7]}
  - {id: t9, depends_on: [t8]}
)");
  const std::string spec = dag::SpecToJsonText(plan->spec());
  constexpr std::size_t kPerBatch = 1000;
  for (std::size_t base = 0; base < workflows; base += kPerBatch) {
    store::StoreBatch batch;
    for (std::size_t w = base; w < std::min(workflows, base + kPerBatch); ++w) {
      char id[64];
      std::snprintf(id, sizeof id, "wf-00000000-0000-7000-8000-%012zu", w);
      batch.workflows.push_back({id, "chain", 2, 1, 1, 0, "", 10});
      batch.specs.push_back({id, spec, "{}"});
      for (std::uint32_t t = 0; t < 6; ++t) {
        batch.tasks.push_back({id, t, static_cast<std::uint8_t>(t < 5 ? 5 : 3), 1, 1, t < 5 ? 2 : 0, "", t < 5 ? "null" : "", 0});
      }
      for (std::uint64_t seq = 1; seq <= 24; ++seq) batch.events.push_back({id, seq, 0, 0, 1, 1, 1, ""});
    }
    if (!store.CommitAndWait(std::move(batch))) std::abort();
  }
}

void BM_Recovery(benchmark::State& state) {
  const auto workflows = static_cast<std::size_t>(state.range(0));
  TempDir dir;
  {
    auto store = OpenStore(kRocksDb, dir.path());
    FillStore(*store, workflows);
  }
  for (auto _ : state) {
    state.PauseTiming();  // each start reads a fresh copy (the last one ran the workflows)
    std::filesystem::remove_all(dir.path() + "/copy");
    {
      auto original = OpenStore(kRocksDb, dir.path());
      if (!original->Checkpoint(dir.path() + "/copy")) std::abort();
    }
    state.ResumeTiming();
    auto s = store::OpenRocksDbStore({.path = dir.path() + "/copy", .tables = StoreTables()});
    EngineOptions options;
    options.shards = 2;
    options.store = s->get();
    auto engine = Engine::Create(std::move(options));
    if (!engine) std::abort();
    const std::size_t resumed = (*engine)->Resume();
    if (resumed != workflows) state.SkipWithError("not every workflow was resumed");
    (void)(*engine)->Metrics();  // visits every shard: they have taken their runs back
    state.PauseTiming();
    engine->reset();
    s->reset();
    state.ResumeTiming();
  }
  state.counters["workflows"] = static_cast<double>(workflows);
  state.counters["task_records"] = static_cast<double>(workflows * 6);
  state.counters["peak_rss_MB"] = bench::PeakRssMb();
}
BENCHMARK(BM_Recovery)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace goclaw::engine

BENCHMARK_MAIN();
