// Lane benchmarks, each next to a baseline measured in the same process.
//
//   build/release/src/goclaw/lane/lane_benchmark --benchmark_counters_tabular=true
//
// - Admit + release throughput on one lane from 2 threads, against a plain counting semaphore
//   (mutex + condition variable + std::priority_queue of waiters).
// - 1M session keys used once each, then idle: RSS with all keys live and after eviction.
// - Priority scheduling with 100k waiting items: per-operation latency P50/P99 of enqueueing
//   and of admitting the next item, against a bare std::priority_queue under a mutex.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <random>

#include "bench_util.h"
#include "goclaw/core/timer_queue.h"
#include "goclaw/lane/lane.h"

namespace goclaw::lane {
namespace {

LaneOptions Options(std::string name, std::int64_t concurrency, std::int64_t capacity) {
  LaneOptions o;
  o.name = std::move(name);
  o.max_concurrency = concurrency;
  o.capacity = capacity;
  return o;
}

// Shared by the threads of one benchmark run.
struct Shared {
  SystemClock clock;
  ThreadTimerQueue timers;
  std::shared_ptr<LaneGroup> lane = LaneGroup::Create(Options("bench", 1 << 20, 1 << 20), clock,
                                                      timers, 0);
};
Shared* shared = nullptr;

void SetUpShared(const benchmark::State&) { shared = new Shared(); }
void TearDownShared(const benchmark::State&) {
  delete shared;
  shared = nullptr;
}

void BM_LaneAcquireRelease(benchmark::State& state) {
  LaneGroup& lane = *shared->lane;
  for (auto _ : state) {
    std::optional<Permit> held;
    lane.Acquire("", {}, [&held](Result<Permit> p) { held.emplace(std::move(*p)); });
    held->Release();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LaneAcquireRelease)->Threads(2)->UseRealTime()->Setup(SetUpShared)
    ->Teardown(TearDownShared);

void BM_LaneTryAcquireRelease(benchmark::State& state) {
  LaneGroup& lane = *shared->lane;
  for (auto _ : state) {
    std::optional<Permit> p = lane.TryAcquire("", {});
    benchmark::DoNotOptimize(p->valid());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LaneTryAcquireRelease)->Threads(2)->UseRealTime()->Setup(SetUpShared)
    ->Teardown(TearDownShared);

// Baseline: the counting semaphore most code bases have.
class PrioritySemaphore {
 public:
  explicit PrioritySemaphore(int count) : count_(count) {}
  void Acquire(int priority) {
    std::unique_lock lock(mu_);
    if (count_ > 0 && waiters_.empty()) {
      --count_;
      return;
    }
    std::uint64_t me = seq_++;
    waiters_.push({priority, me});
    cv_.wait(lock, [&] { return count_ > 0 && waiters_.top().second == me; });
    waiters_.pop();
    --count_;
    cv_.notify_all();
  }
  void Release() {
    std::lock_guard lock(mu_);
    ++count_;
    cv_.notify_all();
  }

 private:
  struct Order {
    bool operator()(const std::pair<int, std::uint64_t>& a,
                    const std::pair<int, std::uint64_t>& b) const {
      return a.first != b.first ? a.first < b.first : a.second > b.second;
    }
  };
  std::mutex mu_;
  std::condition_variable cv_;
  int count_;
  std::uint64_t seq_ = 0;
  std::priority_queue<std::pair<int, std::uint64_t>, std::vector<std::pair<int, std::uint64_t>>,
                      Order>
      waiters_;
};
PrioritySemaphore* baseline = nullptr;

void BM_BaselineSemaphoreAcquireRelease(benchmark::State& state) {
  for (auto _ : state) {
    baseline->Acquire(0);
    baseline->Release();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_BaselineSemaphoreAcquireRelease)
    ->Threads(2)
    ->UseRealTime()
    ->Setup([](const benchmark::State&) { baseline = new PrioritySemaphore(1 << 20); })
    ->Teardown([](const benchmark::State&) {
      delete baseline;
      baseline = nullptr;
    });

// 1M session keys, each acquired once (all live at once), then all released and evicted.
void BM_SessionKeysRss(benchmark::State& state) {
  const int keys = static_cast<int>(state.range(0));
  for (auto _ : state) {
    malloc_trim(0);
    double before = bench::RssMb();
    SystemClock clock;
    ThreadTimerQueue timers;
    auto sessions = LaneGroup::Create(Options("session:*", 1, 16), clock, timers, 0);
    std::vector<Permit> held;
    held.reserve(static_cast<std::size_t>(keys));
    for (int i = 0; i < keys; ++i) {
      held.push_back(*sessions->TryAcquire("user-" + std::to_string(i), {}));
    }
    double during = bench::RssMb();
    double permit_bytes = static_cast<double>(held.capacity() * sizeof(Permit)) / (1 << 20);
    held.clear();
    held.shrink_to_fit();
    if (sessions->key_count() != 0) state.SkipWithError("keys were not evicted");
    malloc_trim(0);
    double after = bench::RssMb();
    state.counters["rss_before_MB"] = before;
    state.counters["rss_during_MB"] = during;
    state.counters["bytes_per_live_key"] = (during - before - permit_bytes) * (1 << 20) / keys;
    state.counters["rss_after_MB"] = after;
  }
  state.SetItemsProcessed(state.iterations() * keys);
}
BENCHMARK(BM_SessionKeysRss)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond);

// Per-operation latency with `waiting` items queued: enqueue one (random priority), then admit
// the head by releasing the running permit.
void ReportPercentiles(benchmark::State& state, std::vector<double>& ns, const char* prefix) {
  std::sort(ns.begin(), ns.end());
  state.counters[std::string(prefix) + "_p50_ns"] = ns[ns.size() / 2];
  state.counters[std::string(prefix) + "_p99_ns"] = ns[ns.size() * 99 / 100];
}

void BM_PriorityScheduling(benchmark::State& state) {
  const int waiting = static_cast<int>(state.range(0));
  SystemClock clock;
  ThreadTimerQueue timers;
  auto lane = LaneGroup::Create(Options("prio", 1, waiting * 2), clock, timers, 0);
  std::mt19937 rng(7);
  std::optional<Permit> running = lane->TryAcquire("", {});
  std::vector<std::optional<Permit>> admitted(1);
  auto callback = [&admitted](Result<Permit> p) {
    if (p) admitted[0].emplace(std::move(*p));  // errors: cancelled by Close at the end
  };
  for (int i = 0; i < waiting; ++i) {
    lane->Acquire("", {.priority = static_cast<std::int64_t>(rng() % 1000)}, callback);
  }
  std::vector<double> enqueue_ns, admit_ns;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    lane->Acquire("", {.priority = static_cast<std::int64_t>(rng() % 1000)}, callback);
    auto t1 = std::chrono::steady_clock::now();
    running.reset();  // admits the highest-priority waiting item
    auto t2 = std::chrono::steady_clock::now();
    running = std::move(admitted[0]);
    admitted[0].reset();
    enqueue_ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    admit_ns.push_back(std::chrono::duration<double, std::nano>(t2 - t1).count());
  }
  ReportPercentiles(state, enqueue_ns, "enqueue");
  ReportPercentiles(state, admit_ns, "admit");
  state.counters["waiting"] = static_cast<double>(lane->Stats().waiting);
  running.reset();
  lane->Close(CloseMode::kCancel);
}
BENCHMARK(BM_PriorityScheduling)->Arg(100000)->Iterations(200000);

void BM_BaselinePriorityQueue(benchmark::State& state) {
  const int waiting = static_cast<int>(state.range(0));
  std::mutex mu;
  std::priority_queue<std::pair<std::int64_t, std::uint64_t>> queue;
  std::mt19937 rng(7);
  std::uint64_t seq = 0;
  for (int i = 0; i < waiting; ++i) queue.push({rng() % 1000, seq++});
  std::vector<double> enqueue_ns, admit_ns;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mu);
      queue.push({rng() % 1000, seq++});
    }
    auto t1 = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mu);
      benchmark::DoNotOptimize(queue.top());
      queue.pop();
    }
    auto t2 = std::chrono::steady_clock::now();
    enqueue_ns.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
    admit_ns.push_back(std::chrono::duration<double, std::nano>(t2 - t1).count());
  }
  ReportPercentiles(state, enqueue_ns, "enqueue");
  ReportPercentiles(state, admit_ns, "admit");
}
BENCHMARK(BM_BaselinePriorityQueue)->Arg(100000)->Iterations(200000);

}  // namespace
}  // namespace goclaw::lane

BENCHMARK_MAIN();
