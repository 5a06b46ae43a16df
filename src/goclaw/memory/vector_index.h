// A session's vector index: cosine-similarity top-k over L2-normalised float vectors keyed by
// DocId, exact while small and an HNSW graph (hnswlib, private to vector_index.cc) once it
// holds hnsw_threshold vectors.
//
// Exact mode keeps the vectors in one contiguous row-major array and scores every row with a
// dot product (the vectors are normalised on Add). Reaching hnsw_threshold builds the graph
// from those rows in their order (inner-product space, fixed seed: the same adds give the same
// graph) and frees them; from then on the graph holds the only copy.
//
// Removal: exact mode moves the last row into the hole. HNSW mode marks the element deleted
// (searches skip it but still route through it) and the next Add reuses its slot: hnswlib
// 0.6.2 relinks an existing label's element in place (addPoint of a known label), so the slot
// is the hnswlib label (and element number) and the index maps slot <-> DocId. Once deleted slots
// outnumber live ones the index is compacted: back to exact mode when fewer than hnsw_threshold
// remain, else a graph rebuilt from the live vectors. Each compaction follows at least as many
// removals as it re-adds, so its cost is amortised; a rebuild still holds the writer for its
// duration. Costs at 384 dimensions, m 16, ef_construction 200, one core (SSE): an insert ~1.6 ms
// at 100k vectors (the switch at 4096 takes ~1.2 s), a deleted slot's reuse ~6.6 ms (hnswlib
// relinks the old neighbours too), a removal ~0.2 us.
//
// Filters apply before the top-k cut. Exact mode calls accept on every row and scores only
// the accepted ones. HNSW mode first estimates the accepted fraction f from 256 live docs spread
// over the index, then asks the graph for max(k, ef_search, 1.25 k / f) candidates and keeps the
// accepted ones; while fewer than k pass, it re-estimates f from what the graph returned and
// asks again for enough candidates (at least twice as many). Whenever that many candidates
// would cost more than a scan (graph_candidate_cost below; a selective filter) or the graph has
// nothing more to give, it scans every live element instead, calling accept on each and scoring
// only the accepted ones: exact over the accepted docs.
//
// Scores are cosine similarities in [-1, 1] (the query need not be normalised); ties rank by
// DocId (RanksBefore), so equal inputs always give equal rankings. (In HNSW mode, of more docs
// tied at the k-th place than the graph's candidate list holds, the graph picks which ones:
// the same ones for the same adds.)
//
// Thread-safety: const members (Search, CheckVector, accessors) may run concurrently with each
// other; Add and Remove need exclusive access (the hub's per-session reader/writer lock).
// hnswlib 0.6.2's searchKnn is const and safe to run concurrently with other searches: it reads
// the graph without locks, takes its visited-list buffer from a mutex-guarded pool and counts
// hops in atomics; its ef is read, never written, during a search (set once when the graph is
// built; a wider search asks for a larger k, and searchKnn uses max(ef, k)). accept is called
// on the searching thread, possibly more than once per doc, and must not block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "goclaw/core/status.h"
#include "goclaw/memory/ranked.h"

namespace goclaw::memory {

struct VectorIndexOptions {
  std::size_t dimensions = 0;         // > 0
  std::size_t hnsw_threshold = 4096;  // exact below this many vectors, an HNSW graph from here
  std::size_t m = 16;                 // graph links per element and layer (>= 2; 2m on layer 0)
  std::size_t ef_construction = 200;  // candidate list while inserting (>= 1)
  std::size_t ef_search = 64;         // candidate list while searching (>= 1; at least k)
  // What one candidate of a graph search costs, in dot products with vectors not in cache
  // (what a scan pays per accepted element): decides whether a filtered HNSW search widens or
  // scans. ~20 measured at 384 dimensions (100k random vectors, SSE: ~9 us a candidate, ~0.4 us
  // a dot product); > 0.
  double graph_candidate_cost = 20;
};

class VectorIndex {
 public:
  // Cheap: the graph is built only when the index reaches hnsw_threshold. GOCLAW_CHECKs the
  // options' ranges (they are configuration, validated before they get here).
  explicit VectorIndex(VectorIndexOptions options);
  ~VectorIndex();
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;

  // What Add and Search accept, for callers that check before a write. kInvalidArgument:
  // "expected a vector of 384 dimensions, got 3", "vector[7] is NaN; ...", "vector[2] is
  // infinite; ...", "the vector is all zeros; ...".
  Status CheckVector(std::span<const float> vector) const;

  // Stores a normalised copy of `vector` as `doc`. kInvalidArgument as CheckVector;
  // kAlreadyExists when doc is present; kResourceExhausted when hnswlib cannot allocate (the
  // index is unchanged).
  Status Add(DocId doc, std::span<const float> vector);

  // No-op when doc is absent.
  void Remove(DocId doc);

  // The k docs most similar to `query` among those accept allows (null: all), best first
  // (RanksBefore). Fewer when fewer are accepted; empty for k = 0. kInvalidArgument for a
  // query CheckVector refuses.
  Result<Ranking> Search(std::span<const float> query, std::size_t k,
                         const std::function<bool(DocId)>& accept = nullptr) const;

  bool uses_hnsw() const { return graph_ != nullptr; }
  std::size_t size() const { return position_.size(); }
  std::size_t dimensions() const { return options_.dimensions; }
  // Heap bytes: vectors, maps and, in HNSW mode, hnswlib's graph, locks and visited lists (an
  // HNSW index carries ~2.6 MB of hnswlib's per-index update locks whatever its size). O(graph
  // size) in HNSW mode: for stats, not for hot paths.
  std::size_t MemoryBytes() const;

 private:
  struct Graph;  // hnswlib's index and its space

  // CheckVector's checks; the Euclidean norm of a valid vector.
  Result<double> NormOf(std::span<const float> vector) const;

  void AddRow(DocId doc, std::span<const float> vector, double norm);
  Status AddToGraph(DocId doc, std::span<const float> vector, double norm);
  void RemoveRow(std::uint32_t row);  // position_ no longer has its doc
  void RemoveFromGraph(std::uint32_t slot);

  // Builds a graph from docs/vectors (normalised rows, in order); throws what hnswlib throws.
  std::unique_ptr<Graph> BuildGraph(std::span<const DocId> docs, std::span<const float> rows,
                                    std::size_t capacity) const;
  // Exact mode -> HNSW mode. kResourceExhausted when hnswlib cannot allocate.
  Status SwitchToGraph();
  // After removals: drops deleted slots (see the file comment). Keeps the old graph when
  // hnswlib cannot allocate the new one.
  void Compact();

  Ranking SearchRows(std::span<const float> query, double query_norm, std::size_t k,
                     const std::function<bool(DocId)>& accept) const;
  // The share of live docs accept allows, estimated from a sample of them.
  double SampleAcceptedFraction(const std::function<bool(DocId)>& accept) const;
  // Whether scanning beats a graph search over `candidates` when `fraction` pass the filter.
  bool ScanIsCheaper(double candidates, double fraction) const;
  Ranking SearchGraph(std::span<const float> query, double query_norm, std::size_t k,
                      const std::function<bool(DocId)>& accept) const;
  // Every live graph element accept allows, scored exactly.
  Ranking ScanGraph(std::span<const float> query, double query_norm, std::size_t k,
                    const std::function<bool(DocId)>& accept) const;

  VectorIndexOptions options_;
  // DocId -> its row (exact mode) or its graph slot, which is its hnswlib label (HNSW mode).
  std::unordered_map<DocId, std::uint32_t> position_;
  // Row or slot -> DocId. In HNSW mode a free slot keeps its last doc, never returned because
  // hnswlib has it marked deleted.
  std::vector<DocId> doc_at_;
  std::vector<float> rows_;                // exact mode: size() x dimensions, normalised
  std::unique_ptr<Graph> graph_;           // HNSW mode
  std::vector<bool> live_;                 // HNSW mode: by slot, false for a deleted one
  std::vector<std::uint32_t> free_slots_;  // HNSW mode: deleted slots, reused last-in first-out
};

}  // namespace goclaw::memory
