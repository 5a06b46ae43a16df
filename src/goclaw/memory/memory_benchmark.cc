// The memory hub at 100k items in one session, with the built-in embedder (384 dims), over a
// real RocksDB store (docs/benchmarks.md "Memory hub"):
//   BM_Memorize100k        memorize throughput (batches of 500; items/s), bytes per item
//   BM_Retrieve/<mode>     retrieval latency P50/P99 (hybrid embeds the query text; review off)
//   BM_VectorSearch/goclaw the hub's vector mode with a given query vector ...
//   BM_VectorSearch/raw    ... beside raw hnswlib searchKnn on the same vectors and parameters
//   BM_LoadAfterRestart    reopening the hub: reading 100k items back and rebuilding indexes
// The corpus is built once, by the first benchmark that needs it.
//
//   build/release/src/goclaw/memory/memory_benchmark --benchmark_min_time=2
#include <benchmark/benchmark.h>

// hnswlib's header defines functions and variables that are not inline; vector_index.cc has
// its copy, so the baseline's copy lives in a namespace of its own (the standard headers it
// includes come first, so only hnswlib's own code lands in the namespace).
#include <assert.h>
#include <cpuid.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>

#include <atomic>
#include <cassert>
#include <deque>
#include <fstream>
#include <iostream>
#include <list>
#include <mutex>
#include <queue>
#include <random>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>
#include <vector>
namespace baseline {
#include <hnswlib/hnswlib.h>  // NOLINT(bugprone-suspicious-include): a second copy, by design
}  // namespace baseline

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>

#include "goclaw/memory/memory_hub.h"

namespace goclaw::memory {
namespace {

constexpr std::size_t kItems = 100000;
constexpr std::size_t kBatch = 500;
constexpr std::size_t kQueries = 512;
constexpr std::size_t kDims = 384;

// Deterministic "agent memory" sentences over a vocabulary of words, identifiers and numbers.
std::vector<std::string> MakeTexts(std::size_t n, std::uint32_t seed, std::size_t min_words, std::size_t max_words) {
  static const char* kWords[] = {
      "deploy", "rollback", "database", "staging", "production", "incident", "ticket", "customer", "invoice",
      "latency", "cache", "queue", "worker", "cluster", "node", "restart", "timeout", "retry", "budget",
      "meeting", "review", "design", "release", "feature", "bug", "patch", "monitor", "alert", "disk",
      "memory", "network", "gateway", "token", "secret", "rotation", "backup", "restore", "schedule",
      "friday", "monday", "migration", "schema", "index", "query", "report", "summary", "agent", "planner",
      "research", "search", "vector", "embedding", "prompt", "model", "tool", "browser", "payment", "refund"};
  constexpr std::size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> word(0, kWordCount - 1), len(min_words, max_words), id(0, 9999);
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::string s;
    const std::size_t words = len(rng);
    for (std::size_t w = 0; w < words; ++w) {
      if (!s.empty()) s += ' ';
      if (w == words / 2) {
        s += "srv-" + std::to_string(id(rng));
      } else {
        s += kWords[word(rng)];
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

// Runs `op(i)` once per benchmark iteration (i counts from 0) and reports its latency's P50 and
// P99 in microseconds as counters.
template <typename Op>
void TimeEach(benchmark::State& state, Op op) {
  std::vector<double> us;
  std::size_t i = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto result = op(i++);
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
    benchmark::DoNotOptimize(result);
  }
  state.counters["p50_us"] = Percentile(us, 0.5);
  state.counters["p99_us"] = Percentile(us, 0.99);
}

struct Corpus {
  std::filesystem::path dir;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<MemoryHub> hub;
  std::vector<std::string> queries;
  std::vector<std::vector<float>> query_vectors;
  double memorize_seconds = 0;

  ~Corpus() {
    hub.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }

  void OpenHub() {
    HubOptions options;
    options.embedder = NewHashingEmbedder(kDims);
    hub = std::move(*MemoryHub::Open(*store, std::move(options)));
  }

  static Corpus& Get() {
    static Corpus* corpus = [] {
      auto* c = new Corpus();
      c->dir = std::filesystem::temp_directory_path() / ("goclaw-memory-bench-" + std::to_string(::getpid()));
      c->store = std::move(*store::OpenRocksDbStore({.path = c->dir.string(), .tables = MemoryTables()}));
      c->OpenHub();
      const auto texts = MakeTexts(kItems, 1, 8, 24);
      const auto start = std::chrono::steady_clock::now();
      for (std::size_t i = 0; i < texts.size(); i += kBatch) {
        std::vector<NewItem> batch;
        for (std::size_t j = i; j < std::min(texts.size(), i + kBatch); ++j) {
          batch.push_back({.content = texts[j], .metadata = {{"shard", std::to_string(j % 8)}}});
        }
        auto ids = c->hub->Memorize("bench", std::move(batch));
        if (!ids) std::abort();
      }
      c->memorize_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      c->queries = MakeTexts(kQueries, 2, 2, 4);
      auto embedder = NewHashingEmbedder(kDims);
      c->query_vectors = std::move(*embedder->Embed(c->queries));
      return c;
    }();
    return *corpus;
  }
};

std::uintmax_t DirectoryBytes(const std::filesystem::path& dir) {
  std::uintmax_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) n += e.file_size();
  }
  return n;
}

void BM_Memorize100k(benchmark::State& state) {
  Corpus& c = Corpus::Get();
  for (auto _ : state) state.SetIterationTime(c.memorize_seconds);
  state.counters["items_per_s"] = static_cast<double>(kItems) / c.memorize_seconds;
  state.counters["heap_bytes_per_item"] = static_cast<double>(c.hub->Totals().bytes) / kItems;
  state.counters["disk_bytes_per_item"] = static_cast<double>(DirectoryBytes(c.dir)) / kItems;
}
BENCHMARK(BM_Memorize100k)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

void BM_Retrieve(benchmark::State& state) {
  Corpus& c = Corpus::Get();
  const Mode mode = static_cast<Mode>(state.range(0));
  TimeEach(state, [&c, mode](std::size_t i) {
    return c.hub->Retrieve("bench", {.text = c.queries[i % kQueries], .mode = mode, .top_k = 10, .review = false});
  });
  state.SetLabel(std::string(ModeName(mode)));
}
BENCHMARK(BM_Retrieve)->Arg(static_cast<int>(Mode::kHybrid))->Arg(static_cast<int>(Mode::kBm25))->Arg(static_cast<int>(Mode::kVector))->Unit(benchmark::kMicrosecond);

void BM_VectorSearchGoclaw(benchmark::State& state) {
  Corpus& c = Corpus::Get();
  TimeEach(state, [&c](std::size_t i) {
    return c.hub->Retrieve("bench", {.vector = c.query_vectors[i % kQueries], .mode = Mode::kVector, .top_k = 10,
                                     .review = false});
  });
}
BENCHMARK(BM_VectorSearchGoclaw)->Unit(benchmark::kMicrosecond);

// Raw hnswlib over the same normalised vectors with the hub's parameters (M 16, ef_construction
// 200, ef 64, inner product), built once.
void BM_VectorSearchRawHnswlib(benchmark::State& state) {
  Corpus& c = Corpus::Get();
  static baseline::hnswlib::InnerProductSpace space(kDims);
  static baseline::hnswlib::HierarchicalNSW<float>* raw = [&c] {
    auto* index = new baseline::hnswlib::HierarchicalNSW<float>(&space, kItems, 16, 200, 100);
    auto page = c.hub->List("bench", 0, 0);
    for (std::size_t i = 0; i < page->items.size(); ++i) index->addPoint(page->items[i].vector.data(), i);
    index->setEf(64);
    return index;
  }();
  TimeEach(state, [&c](std::size_t i) { return raw->searchKnn(c.query_vectors[i % kQueries].data(), 10); });
}
BENCHMARK(BM_VectorSearchRawHnswlib)->Unit(benchmark::kMicrosecond);

void BM_LoadAfterRestart(benchmark::State& state) {
  Corpus& c = Corpus::Get();
  for (auto _ : state) {
    c.hub.reset();
    const auto t0 = std::chrono::steady_clock::now();
    c.OpenHub();
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  state.counters["items"] = static_cast<double>(c.hub->Totals().items);
  state.counters["load_seconds"] = c.hub->Totals().load_seconds;
}
BENCHMARK(BM_LoadAfterRestart)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
}  // namespace goclaw::memory

BENCHMARK_MAIN();
