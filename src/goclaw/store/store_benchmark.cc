// The store's write path without fsync (sync mode none), so that what it measures is CPU: the
// writes a steady server makes for short workflows, as the engine makes them.
//
//   BM_WorkflowLifecycle/<store>   workflows per second through submit (workflow and spec
//                                  records), running (workflow, task, two events) and completed
//                                  (the same again), interleaved as on a busy server: while
//                                  workflow i is submitted, i-1024 starts and i-2048 finishes.
//                                  At most 256 commits are in flight, so the writer takes them
//                                  in groups of up to 256 (the writer is what is measured, not
//                                  the hand-off) and a workflow's steps land in different
//                                  groups. /0 memory store, /1 RocksDB in a temp dir.
//
// Beyond RocksDB's own write, the work per workflow is the encoding and the workflow index
// upkeep (what the index held for each workflow put, its keys and the per-state counts). The
// CPU column is the process's CPU time per iteration (20,000 workflows), every thread
// included: on a busy machine a steadier measure of that work than the rate.
//
//   build/release/src/goclaw/store/store_benchmark
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <semaphore>
#include <string>

#include <benchmark/benchmark.h>

#include "goclaw/core/test_temp_dir.h"
#include "goclaw/store/store.h"

namespace goclaw::store {
namespace {

constexpr int kWorkflows = 20000;
constexpr int kLag = 1024;  // how far behind its submit a workflow starts, and finishes after that
constexpr int kInFlight = 256;

std::string Id(int run, int i) {
  char id[48];
  std::snprintf(id, sizeof id, "wf-%04d-%08d", run, i);
  return id;
}

WorkflowRecord Record(const std::string& id, std::uint8_t state) {
  return {id, "bench", state, 1000, state >= 2 ? 2000 : 0, state == 3 ? 3000 : 0, "", 1};
}

// One step of a workflow's life: 0 submit, 1 running, 2 completed.
StoreBatch Step(const std::string& id, int step) {
  StoreBatch b;
  if (step == 0) {
    b.workflows.push_back(Record(id, 0));
    b.specs.push_back({id, R"({"name":"bench","tasks":[{"id":"a"}]})", "{}"});
    return b;
  }
  b.workflows.push_back(Record(id, static_cast<std::uint8_t>(step + 1)));
  b.tasks.push_back({id, 0, static_cast<std::uint8_t>(step == 1 ? 4 : 5), 1, 2000,
                     step == 2 ? 3000 : 0, "", step == 2 ? R"({"ok":true})" : "", 0});
  for (std::uint64_t k = 0; k < 2; ++k) {
    b.events.push_back({id, static_cast<std::uint64_t>(step) * 2 + k,
                        k == 0 ? 0u : EventRecord::kWorkflow, 0, 1, 1, 2000, ""});
  }
  return b;
}

void BM_WorkflowLifecycle(benchmark::State& state) {
  testing::ScratchDir dir("goclaw-store-bench");
  auto opened = state.range(0) == 1
                    ? OpenRocksDbStore({.path = dir.path() + "/data", .sync = SyncMode::kNone})
                    : OpenMemoryStore({});
  if (!opened) std::abort();
  std::unique_ptr<Store> store = std::move(*opened);
  std::atomic<int> failed{0};
  std::counting_semaphore<kInFlight> in_flight(kInFlight);
  int run = 0;
  for (auto _ : state) {
    ++run;
    for (int i = 0; i < kWorkflows + 2 * kLag; ++i) {
      for (int step = 0; step < 3; ++step) {
        const int w = i - step * kLag;
        if (w < 0 || w >= kWorkflows) continue;
        in_flight.acquire();
        store->Commit(Step(Id(run, w), step), [&failed, &in_flight](Status st) {
          failed += !st;
          in_flight.release();
        });
      }
    }
    if (!store->CommitAndWait({}) || failed.load() != 0) state.SkipWithError("a commit failed");
  }
  state.SetItemsProcessed(state.iterations() * kWorkflows);
  state.SetLabel(state.range(0) == 1 ? "rocksdb" : "memory");
  const StoreStats stats = store->Stats();
  state.counters["commits_per_write"] =
      stats.batches == 0 ? 0
                         : static_cast<double>(stats.commits) / static_cast<double>(stats.batches);
}
BENCHMARK(BM_WorkflowLifecycle)
    ->Arg(0)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()  // the CPU column: every thread, the writer included
    ->UseRealTime();

}  // namespace
}  // namespace goclaw::store

BENCHMARK_MAIN();
