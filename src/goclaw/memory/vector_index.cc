#include "goclaw/memory/vector_index.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <mutex>
#include <string>
#include <utility>

// hnswlib 0.6.2's prefetches read the link after the last one of a list (searchBaseLayer,
// `*(datal + j + 1)`), 4 bytes past the end of an upper layer's malloc'd list: harmless, but
// AddressSanitizer stops there. Its SIMD code (and with it the prefetches) is switched off
// in ASan builds, which test correctness, not speed.
#if defined(__SANITIZE_ADDRESS__)
#define NO_MANUAL_VECTORIZATION
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_MANUAL_VECTORIZATION
#endif
#endif

// hnswlib.h defines non-inline functions (cpuid, AVXCapable): this must stay the only
// translation unit that includes it.
#include <hnswlib/hnswlib.h>

#include "goclaw/core/check.h"

namespace goclaw::memory {

namespace {

// The graph's level generator seed: the same adds in the same order give the same graph.
constexpr std::size_t kGraphSeed = 100;

// How a filtered HNSW search finishes (SearchGraph): by a graph search that sees enough
// candidates or by a scan, whichever costs less. The unit is what a scan pays per accepted
// element: a dot product with a vector that is not in cache (~0.4 us at 384 dimensions). A scan
// also calls accept once per live element (kAcceptCost each, ~2 ns); a graph search costs
// VectorIndexOptions::graph_candidate_cost per candidate.
constexpr double kAcceptCost = 0.01;
// Candidates wanted per accepted doc needed, beyond the estimated 1 / accepted fraction.
constexpr double kCandidateMargin = 1.25;
// Live docs the first estimate of a filter's accepted fraction looks at: enough to tell 5%
// from 1% (about 13 from 3 hits).
constexpr std::size_t kFilterSample = 256;

// Candidates a graph search should see to meet k accepted docs when `fraction` pass the
// filter; a double, as it can exceed any count.
double CandidatesFor(std::size_t k, double fraction) {
  return kCandidateMargin * static_cast<double>(k) / fraction;
}

// The dot product of two float arrays, summed in 16 independent lanes so that the compiler can
// vectorise it without reordering a single sum (no -ffast-math needed); the lanes are added in a
// fixed order, so a given pair of arrays always gives the same result.
float Dot(const float* a, const float* b, std::size_t n) {
  constexpr std::size_t kLanes = 16;
  float lanes[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t j = 0; j < kLanes; ++j) lanes[j] += a[i + j] * b[i + j];
  }
  float tail = 0;
  for (; i < n; ++i) tail += a[i] * b[i];
  float sum = 0;
  for (float lane : lanes) sum += lane;
  return sum + tail;
}

struct RanksBeforeOrder {
  bool operator()(const Scored& a, const Scored& b) const { return RanksBefore(a, b); }
};

// The best k of the scores offered, kept in a heap whose top is the worst kept one.
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) {}

  void Offer(const Scored& s) {
    if (heap_.size() < k_) {
      heap_.push_back(s);
      std::push_heap(heap_.begin(), heap_.end(), RanksBeforeOrder{});
    } else if (k_ > 0 && RanksBefore(s, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), RanksBeforeOrder{});
      heap_.back() = s;
      std::push_heap(heap_.begin(), heap_.end(), RanksBeforeOrder{});
    }
  }

  Ranking Take() && {
    std::sort_heap(heap_.begin(), heap_.end(), RanksBeforeOrder{});
    return std::move(heap_);
  }

 private:
  std::size_t k_;
  Ranking heap_;
};

// Best first, at most k.
Ranking Best(Ranking ranking, std::size_t k) {
  if (ranking.size() > k) {
    std::partial_sort(ranking.begin(), ranking.begin() + static_cast<std::ptrdiff_t>(k),
                      ranking.end(), RanksBeforeOrder{});
    ranking.resize(k);
  } else {
    std::sort(ranking.begin(), ranking.end(), RanksBeforeOrder{});
  }
  return ranking;
}

template <typename Map>
std::size_t MapBytes(const Map& map) {
  return map.bucket_count() * sizeof(void*) +
         map.size() * (sizeof(typename Map::value_type) + 2 * sizeof(void*));
}

}  // namespace

struct VectorIndex::Graph {
  Graph(const VectorIndexOptions& options, std::size_t capacity)
      : space(options.dimensions),
        hnsw(&space, capacity, options.m, options.ef_construction, kGraphSeed) {
    hnsw.setEf(options.ef_search);
  }

  // Adds a normalised vector under a new slot, growing the graph when it is full. New slots
  // are numbered like hnswlib's elements (0, 1, 2, ...), so a slot is also its element's
  // internal id: VectorAt needs no lookup.
  void Insert(const float* row, std::uint32_t slot) {
    if (hnsw.cur_element_count == hnsw.max_elements_) hnsw.resizeIndex(2 * hnsw.max_elements_);
    const hnswlib::tableint element = hnsw.addPoint(row, slot, -1);
    GOCLAW_CHECK(element == slot);
  }

  // Puts a normalised vector into a deleted slot: hnswlib 0.6.2's addPoint of a known label
  // clears its deleted mark and relinks the element where the new vector belongs.
  void Replace(const float* row, std::uint32_t slot) {
    const hnswlib::tableint element = hnsw.addPoint(row, slot, -1);
    GOCLAW_CHECK(element == slot);
  }

  const float* VectorAt(std::uint32_t slot) const {
    return reinterpret_cast<const float*>(hnsw.getDataByInternalId(slot));
  }

  hnswlib::InnerProductSpace space;  // first: hnsw keeps a pointer into it
  hnswlib::HierarchicalNSW<float> hnsw;
};

VectorIndex::VectorIndex(VectorIndexOptions options) : options_(options) {
  GOCLAW_CHECK(options_.dimensions > 0);
  GOCLAW_CHECK(options_.m >= 2);
  GOCLAW_CHECK(options_.ef_construction >= 1);
  GOCLAW_CHECK(options_.ef_search >= 1);
  GOCLAW_CHECK(options_.graph_candidate_cost > 0);
}

VectorIndex::~VectorIndex() = default;

Result<double> VectorIndex::NormOf(std::span<const float> vector) const {
  if (vector.size() != options_.dimensions) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "expected a vector of " + std::to_string(options_.dimensions) +
                         " dimensions, got " + std::to_string(vector.size()));
  }
  double sum = 0;  // double: squares of large floats do not overflow it
  for (std::size_t i = 0; i < vector.size(); ++i) {
    const float x = vector[i];
    if (!std::isfinite(x)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "vector[" + std::to_string(i) + "] is " +
                           (std::isnan(x) ? "NaN" : "infinite") +
                           "; vector components must be finite numbers");
    }
    sum += static_cast<double>(x) * x;
  }
  if (sum == 0) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the vector is all zeros; cosine similarity needs a direction (leave the "
                     "vector out instead)");
  }
  return std::sqrt(sum);
}

Status VectorIndex::CheckVector(std::span<const float> vector) const {
  return NormOf(vector).map([](double) {});
}

Status VectorIndex::Add(DocId doc, std::span<const float> vector) {
  GOCLAW_ASSIGN_OR_RETURN(const double norm, NormOf(vector));
  if (position_.contains(doc)) {
    return MakeError(ErrorCode::kAlreadyExists,
                     "doc " + std::to_string(doc) + " is in the vector index already");
  }
  if (graph_) return AddToGraph(doc, vector, norm);
  AddRow(doc, vector, norm);
  if (size() >= options_.hnsw_threshold) {
    // Exact search stays correct (only slower) with more rows; the next Add tries again.
    IgnoreError(SwitchToGraph(), "the doc is stored; exact mode serves it until a graph fits");
  }
  return OkStatus();
}

void VectorIndex::AddRow(DocId doc, std::span<const float> vector, double norm) {
  const auto row = static_cast<std::uint32_t>(doc_at_.size());
  for (const float x : vector) rows_.push_back(static_cast<float>(x / norm));
  doc_at_.push_back(doc);
  position_.emplace(doc, row);
}

Status VectorIndex::AddToGraph(DocId doc, std::span<const float> vector, double norm) {
  std::vector<float> row(vector.size());
  for (std::size_t i = 0; i < vector.size(); ++i) row[i] = static_cast<float>(vector[i] / norm);
  const bool reuse = !free_slots_.empty();
  const std::uint32_t slot =
      reuse ? free_slots_.back() : static_cast<std::uint32_t>(doc_at_.size());
  try {
    if (reuse) {
      graph_->Replace(row.data(), slot);
    } else {
      graph_->Insert(row.data(), slot);
    }
  } catch (const std::exception& e) {  // hnswlib's "Not enough memory" (std::runtime_error)
    return MakeError(ErrorCode::kResourceExhausted,
                     "adding doc " + std::to_string(doc) + " to the vector index: " + e.what());
  }
  if (reuse) {
    free_slots_.pop_back();
    doc_at_[slot] = doc;
    live_[slot] = true;
  } else {
    doc_at_.push_back(doc);
    live_.push_back(true);
  }
  position_.emplace(doc, slot);
  return OkStatus();
}

void VectorIndex::Remove(DocId doc) {
  const auto it = position_.find(doc);
  if (it == position_.end()) return;
  const std::uint32_t position = it->second;
  position_.erase(it);
  if (graph_) {
    RemoveFromGraph(position);
  } else {
    RemoveRow(position);
  }
}

void VectorIndex::RemoveRow(std::uint32_t row) {
  const std::size_t dims = options_.dimensions;
  const std::uint32_t last = static_cast<std::uint32_t>(doc_at_.size() - 1);
  if (row != last) {
    std::copy_n(rows_.begin() + static_cast<std::ptrdiff_t>(last * dims), dims,
                rows_.begin() + static_cast<std::ptrdiff_t>(row * dims));
    doc_at_[row] = doc_at_[last];
    position_[doc_at_[row]] = row;
  }
  doc_at_.pop_back();
  rows_.resize(rows_.size() - dims);
}

void VectorIndex::RemoveFromGraph(std::uint32_t slot) {
  try {
    graph_->hnsw.markDelete(slot);
  } catch (const std::exception&) {  // "Label not found" / "already deleted": a broken invariant
    internal::CheckFailed("the HNSW graph has the slot of a live doc", __FILE__, __LINE__);
  }
  live_[slot] = false;
  free_slots_.push_back(slot);
  if (free_slots_.size() > position_.size()) Compact();
}

std::unique_ptr<VectorIndex::Graph> VectorIndex::BuildGraph(std::span<const DocId> docs,
                                                            std::span<const float> rows,
                                                            std::size_t capacity) const {
  auto graph = std::make_unique<Graph>(options_, std::max<std::size_t>(capacity, 64));
  for (std::size_t i = 0; i < docs.size(); ++i) {
    graph->Insert(rows.data() + i * options_.dimensions, static_cast<std::uint32_t>(i));
  }
  return graph;
}

Status VectorIndex::SwitchToGraph() {
  try {
    // Slot i = row i, so position_ and doc_at_ stay as they are.
    graph_ = BuildGraph(doc_at_, rows_, 2 * doc_at_.size());
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kResourceExhausted,
                     std::string("building the vector index's HNSW graph: ") + e.what());
  }
  std::vector<float>().swap(rows_);
  live_.assign(doc_at_.size(), true);
  return OkStatus();
}

void VectorIndex::Compact() {
  const std::size_t dims = options_.dimensions;
  std::vector<DocId> docs;
  std::vector<float> rows;
  docs.reserve(size());
  rows.reserve(size() * dims);
  for (std::uint32_t slot = 0; slot < doc_at_.size(); ++slot) {
    if (!live_[slot]) continue;
    docs.push_back(doc_at_[slot]);
    const float* v = graph_->VectorAt(slot);
    rows.insert(rows.end(), v, v + dims);
  }
  std::unique_ptr<Graph> rebuilt;
  if (docs.size() >= options_.hnsw_threshold) {
    try {
      rebuilt = BuildGraph(docs, rows, 2 * docs.size());
    } catch (const std::exception&) {
      return;  // the old graph, deleted slots and all, still answers correctly
    }
  }
  graph_ = std::move(rebuilt);
  free_slots_.clear();
  position_.clear();
  for (std::size_t i = 0; i < docs.size(); ++i) {
    position_.emplace(docs[i], static_cast<std::uint32_t>(i));
  }
  doc_at_ = std::move(docs);
  if (graph_) {
    std::vector<float>().swap(rows_);
    live_.assign(doc_at_.size(), true);
  } else {
    rows_ = std::move(rows);
    live_.clear();
  }
}

Result<Ranking> VectorIndex::Search(std::span<const float> query, std::size_t k,
                                    const std::function<bool(DocId)>& accept) const {
  GOCLAW_ASSIGN_OR_RETURN(const double norm, NormOf(query));
  if (k == 0 || position_.empty()) return Ranking{};
  return graph_ ? SearchGraph(query, norm, k, accept) : SearchRows(query, norm, k, accept);
}

Ranking VectorIndex::SearchRows(std::span<const float> query, double query_norm, std::size_t k,
                                const std::function<bool(DocId)>& accept) const {
  const std::size_t dims = options_.dimensions;
  const double scale = 1 / query_norm;
  TopK top(k);
  const float* row = rows_.data();
  for (const DocId doc : doc_at_) {
    if (!accept || accept(doc)) top.Offer({doc, Dot(query.data(), row, dims) * scale});
    row += dims;
  }
  return std::move(top).Take();
}

double VectorIndex::SampleAcceptedFraction(const std::function<bool(DocId)>& accept) const {
  std::size_t seen = 0;
  std::size_t accepted = 0;
  const std::size_t slots = doc_at_.size();
  for (std::size_t i = 0; i < kFilterSample && i < slots; ++i) {
    // Spread over the slots by the golden ratio (Fibonacci hashing): evenly, yet in no period a
    // filter on doc numbers (every 20th doc) could fall in step with.
    const std::uint64_t golden = (i + 1) * 0x9E3779B97F4A7C15ull;
    const auto slot = static_cast<std::size_t>(((golden >> 32) * slots) >> 32);
    if (!live_[slot]) continue;
    ++seen;
    accepted += accept(doc_at_[slot]) ? 1 : 0;
  }
  // Smoothed: a sample without accepted docs says the fraction is small, not zero.
  return (static_cast<double>(accepted) + 0.5) / (static_cast<double>(seen) + 1);
}

bool VectorIndex::ScanIsCheaper(double candidates, double fraction) const {
  const double scan_cost = static_cast<double>(size()) * (kAcceptCost + fraction);
  return candidates >= static_cast<double>(size()) ||
         options_.graph_candidate_cost * candidates >= scan_cost;
}

Ranking VectorIndex::SearchGraph(std::span<const float> query, double query_norm, std::size_t k,
                                 const std::function<bool(DocId)>& accept) const {
  const auto& hnsw = graph_->hnsw;
  const std::size_t live = size();
  const double scale = 1 / query_norm;
  // searchKnn searches with a candidate list of max(ef, k) whatever k is, so asking for the
  // whole list costs only its conversion, and gives the filter more to choose from and docs
  // tied at the k-th place a cut by RanksBefore.
  double want = static_cast<double>(std::max(k, options_.ef_search));
  if (accept) {
    const double fraction = SampleAcceptedFraction(accept);
    want = std::max(want, CandidatesFor(k, fraction));
    if (ScanIsCheaper(want, fraction)) return ScanGraph(query, query_norm, k, accept);
  } else if (want >= static_cast<double>(live)) {
    return ScanGraph(query, query_norm, k, accept);  // everything wanted: a scan is cheaper
  }
  while (true) {
    const auto asked = static_cast<std::size_t>(want);  // < live
    auto found = hnsw.searchKnn(query.data(), asked);   // worst first; deleted slots skipped
    const std::size_t returned = found.size();
    Ranking accepted;
    accepted.reserve(returned);
    for (; !found.empty(); found.pop()) {
      const auto& [distance, slot] = found.top();  // distance = 1 - dot(query, vector)
      const DocId doc = doc_at_[slot];
      if (!accept || accept(doc)) accepted.push_back({doc, (1.0 - distance) * scale});
    }
    if (accepted.size() >= k || returned >= live) return Best(std::move(accepted), k);
    // Too few passed the filter. Fewer answers than asked for means the graph reaches no more
    // live elements from its entry point: only a scan can find the rest.
    if (returned < asked) return ScanGraph(query, query_norm, k, accept);
    // What this search saw estimates the fraction near the query better than the sample did.
    const double fraction =
        (static_cast<double>(accepted.size()) + 0.5) / static_cast<double>(returned + 1);
    want = std::max(2 * want, CandidatesFor(k, fraction));
    if (ScanIsCheaper(want, fraction)) return ScanGraph(query, query_norm, k, accept);
  }
}

Ranking VectorIndex::ScanGraph(std::span<const float> query, double query_norm, std::size_t k,
                               const std::function<bool(DocId)>& accept) const {
  // Only the slot tables are read for every element; the graph's memory (1.6 KB an element at
  // 384 dimensions) only for the accepted ones.
  const double scale = 1 / query_norm;
  TopK top(k);
  for (std::uint32_t slot = 0; slot < doc_at_.size(); ++slot) {
    if (!live_[slot]) continue;
    const DocId doc = doc_at_[slot];
    if (accept && !accept(doc)) continue;
    top.Offer({doc, Dot(query.data(), graph_->VectorAt(slot), options_.dimensions) * scale});
  }
  return std::move(top).Take();
}

std::size_t VectorIndex::MemoryBytes() const {
  std::size_t bytes = rows_.capacity() * sizeof(float) + doc_at_.capacity() * sizeof(DocId) +
                      free_slots_.capacity() * sizeof(std::uint32_t) + live_.capacity() / 8 +
                      MapBytes(position_);
  if (!graph_) return bytes;
  const auto& hnsw = graph_->hnsw;
  std::size_t upper_links = 0;
  for (std::size_t id = 0; id < hnsw.cur_element_count; ++id) {
    upper_links +=
        static_cast<std::size_t>(hnsw.element_levels_[id]) * hnsw.size_links_per_element_;
  }
  const std::size_t per_element = hnsw.size_data_per_element_ + sizeof(char*) + sizeof(int) +
                                  sizeof(std::mutex) + sizeof(hnswlib::vl_type);
  return bytes + hnsw.max_elements_ * per_element + upper_links + MapBytes(hnsw.label_lookup_) +
         hnsw.max_update_element_locks * sizeof(std::mutex);
}

}  // namespace goclaw::memory
