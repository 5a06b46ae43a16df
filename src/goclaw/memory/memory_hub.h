// The memory hub (DESIGN.md §9, docs/design/memory.md): per-session memory items that agents
// memorize and recall, found by BM25 and vector similarity fused by weighted reciprocal rank
// and weighted by FSRS-6 retrievability, durable in the store and indexed in memory.
//
//   auto hub = MemoryHub::Open(store, {.config = cfg.memory, .embedder = NewHashingEmbedder()});
//   auto ids = (*hub)->Memorize("chat-42", {{.content = "deploy db-stg-03 on friday"}});
//   auto hits = (*hub)->Retrieve("chat-42", {.text = "when is the staging deploy?"});
//
// Durability: Memorize and every Forget return once the store has the change (group commit),
// and only then change the indexes, so nothing a caller was told about is lost by kill -9 and
// nothing is found that the store does not have. A retrieval's reviews (FSRS card updates)
// are queued to the store without waiting: a crash may lose the last reviews, never an item.
// Open reads every item back and rebuilds the indexes (Stats().load_seconds says how long).
//
// Sessions are isolated: each has its own indexes, and no operation reads another's.
//
// Thread-safety: every method may be called from any thread. Writers to one session (memorize,
// forget) take turns; readers (retrieve, get, list, stats) run in parallel with each other and
// with a writer's store write, and wait only while the indexes change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/config/config.h"
#include "goclaw/core/clock.h"
#include "goclaw/core/status.h"
#include "goclaw/log/log.h"
#include "goclaw/memory/embedder.h"
#include "goclaw/memory/memory_item.h"
#include "goclaw/memory/memory_query.h"
#include "goclaw/metrics/histogram.h"
#include "goclaw/store/store.h"

namespace goclaw::memory {

struct HubOptions {
  config::MemoryConfig config;
  // Embeds content memorized without a vector and queries without one; null: such items are
  // found by BM25 only (config embedder kind `none`).
  std::unique_ptr<Embedder> embedder;
  const Clock* clock = nullptr;  // null: the system clock
  log::Logger logger;
};

struct Hit {
  MemoryItem item;  // its card as after this retrieval's review
  double score = 0;
  double retrievability = 0;  // before this retrieval's review
  int bm25_rank = 0;          // 1-based; 0: not in the BM25 ranking
  int vector_rank = 0;        // 1-based; 0: not in the vector ranking
};

struct ItemPage {
  std::vector<MemoryItem> items;  // in creation order
  std::size_t total = 0;
};

struct SessionStats {
  std::string session;
  std::size_t items = 0;
  std::size_t vectors = 0;
  std::size_t dimensions = 0;
  std::string vector_index;  // "none", "exact" or "hnsw"
  std::size_t terms = 0;
  std::size_t bytes = 0;           // in-memory estimate
  double average_retrievability = 0;
  std::size_t weak = 0;            // retrievability below 0.5 now
  std::size_t by_state[4] = {};    // FSRS states: new, learning, review, relearning
};

struct SessionSummary {
  std::string session;
  std::size_t items = 0;
};

struct HubStats {
  std::size_t sessions = 0;
  std::size_t items = 0;
  std::size_t vectors = 0;
  std::size_t terms = 0;
  std::size_t bytes = 0;
  double load_seconds = 0;  // Open's read and rebuild
  std::uint64_t memorized = 0;
  std::uint64_t forgotten = 0;
  std::uint64_t reviews = 0;
  metrics::Histogram retrieve_latency[3];  // by Mode
  std::string embedder;                    // its name; "none"
};

class MemoryHub {
 public:
  static std::vector<store::TableSpec> Tables() { return MemoryTables(); }
  // Reads every item from `store` (which must have Tables() registered) and builds the indexes.
  static Result<std::unique_ptr<MemoryHub>> Open(store::Store& store, HubOptions options);
  ~MemoryHub();

  // All or nothing: every item is checked (content, vector dimension, limits) before any is
  // written. Returns the new ids in order. kInvalidArgument names the item ("items[3].vector").
  Result<std::vector<std::string>> Memorize(std::string_view session, std::vector<NewItem> items);
  Result<std::vector<Hit>> Retrieve(std::string_view session, const Query& query);
  Result<std::optional<MemoryItem>> Get(std::string_view session, std::string_view id);
  Result<ItemPage> List(std::string_view session, std::size_t limit, std::size_t offset);
  // Each returns how many items were forgotten (ids not there are skipped).
  Result<std::size_t> Forget(std::string_view session, const std::vector<std::string>& ids);
  Result<std::size_t> ForgetMatching(std::string_view session, const Filter& filter);
  Result<std::size_t> ForgetSession(std::string_view session);
  // Items whose retrievability now is below `threshold` (0 < threshold <= 1).
  Result<std::size_t> ForgetWeak(std::string_view session, double threshold);

  Result<SessionStats> Stats(std::string_view session);
  std::vector<SessionSummary> Sessions();
  HubStats Totals();
  // FSRS-6 retrievability of `item` now.
  double RetrievabilityNow(const MemoryItem& item) const;
  const config::MemoryConfig& config() const;
  std::int64_t NowUs() const;

  MemoryHub(const MemoryHub&) = delete;
  MemoryHub& operator=(const MemoryHub&) = delete;

  class Impl;

 private:
  explicit MemoryHub(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace goclaw::memory
