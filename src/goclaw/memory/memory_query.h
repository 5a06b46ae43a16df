// What callers ask the memory hub for, and how JSON requests become it: the items to memorize
// and the retrieval query with its filters. The REST routes, the builtin `memorize`/`recall`
// task ops and the CLI all decode through here, so they accept the same fields and give the
// same errors (with field paths).
//
//   {"content": "...", "vector": [...], "metadata": {"k": "v"}, "trust": "high", "source": "..."}
//   {"query": "...", "vector": [...], "mode": "hybrid", "top_k": 10,
//    "filters": {"k": "v"}, "created_after": "<RFC 3339>", "created_before": "...",
//    "min_trust": "medium", "review": true}
//
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "goclaw/core/json_reader.h"
#include "goclaw/memory/memory_item.h"

namespace goclaw::memory {

enum class Mode : std::uint8_t { kHybrid, kBm25, kVector };
std::string_view ModeName(Mode m);
// hybrid, bm25, vector; also the reference Goclaw's bm25-only and vector-only.
std::optional<Mode> ParseMode(std::string_view name);
inline constexpr std::string_view kModeNames = "hybrid, bm25, vector";

// Applied before any top-k cut: an item that fails it never takes a slot.
struct Filter {
  std::map<std::string, std::string> metadata;     // every pair must match exactly
  std::optional<std::int64_t> created_after_us;    // created at or after
  std::optional<std::int64_t> created_before_us;   // created before
  std::optional<Trust> min_trust;                  // trust at or above
  bool empty() const;
  bool Matches(const MemoryItem& item) const;
};

struct NewItem {
  std::string content;
  std::vector<float> vector;  // empty: embed the content (if an embedder is configured)
  std::map<std::string, std::string> metadata;
  Provenance provenance;
};

struct Query {
  std::string text;
  std::vector<float> vector;  // empty: embed the text for vector and hybrid retrieval
  Mode mode = Mode::kHybrid;
  std::size_t top_k = 10;
  Filter filter;
  bool review = true;  // count the retrieval as a review of the items returned
};

// Limits a request is checked against (config::MemoryConfig's).
struct RequestLimits {
  std::size_t max_content_bytes = 65536;
  std::size_t max_top_k = 1000;
  std::size_t max_metadata_entries = 64;
  std::size_t max_vector_dims = 8192;
};

// Decoders record every problem in `diag` under `path` and leave what they could read.
void DecodeNewItem(const boost::json::value& v, const std::string& path, const RequestLimits& limits, NewItem* out,
                   Diagnostics& diag);
void DecodeQuery(const boost::json::value& v, const std::string& path, const RequestLimits& limits, Query* out,
                 Diagnostics& diag);
// A filter's fields read from an object reader (filters/metadata, created_after,
// created_before, min_trust); shared by queries and forget requests.
void DecodeFilter(ObjectReader& r, Filter* out);
// A JSON array of finite numbers -> floats; records a problem at `path` otherwise.
void DecodeVector(const boost::json::value& v, const std::string& path, std::size_t max_dims, std::vector<float>* out,
                  Diagnostics& diag);

}  // namespace goclaw::memory
