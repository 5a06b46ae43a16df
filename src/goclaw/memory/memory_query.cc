// Memory requests: modes, filters and their JSON decoding (memory_query.h).
#include "goclaw/memory/memory_query.h"

#include <array>
#include <cmath>

#include "goclaw/core/text.h"
#include "goclaw/core/time_text.h"

namespace goclaw::memory {
namespace {

constexpr std::array<std::string_view, 3> kModes = {"hybrid", "bm25", "vector"};

void DecodeStringMap(const boost::json::value& v, const std::string& path, std::size_t max_entries,
                     std::map<std::string, std::string>* out, Diagnostics& diag) {
  const auto* o = v.if_object();
  if (o == nullptr) {
    diag.Add(path, "expected an object of string values such as {\"project\": \"apollo\"}, got " + DescribeJson(v));
    return;
  }
  if (o->size() > max_entries) {
    diag.Add(path, "has " + std::to_string(o->size()) + " entries; at most " + std::to_string(max_entries) + " are accepted");
    return;
  }
  for (const auto& [k, val] : *o) {
    if (k.empty() || k.size() > 128) {
      diag.Add(path, "keys must be 1-128 bytes, got " + QuoteForMessage(std::string_view(k)));
    } else if (!val.is_string()) {
      diag.Add(JoinPath(path, std::string_view(k)), "expected a string, got " + DescribeJson(val));
    } else if (val.get_string().size() > 4096) {
      diag.Add(JoinPath(path, std::string_view(k)), "is longer than 4096 bytes");
    } else {
      (*out)[std::string(k)] = std::string(val.get_string());
    }
  }
}

void DecodeTime(ObjectReader& r, std::string_view key, std::optional<std::int64_t>* out) {
  std::string text;
  if (!r.String(key, &text) || text.empty()) return;
  auto t = ParseRfc3339(text);
  if (!t) {
    r.diag().Add(r.PathOf(key), "expected an RFC 3339 time such as \"2026-12-01T09:00:00Z\", got " + QuoteForMessage(text));
    return;
  }
  *out = *t;
}

void DecodeTrust(ObjectReader& r, std::string_view key, Trust* out) {
  std::string text;
  if (!r.String(key, &text) || !r.Has(key)) return;
  auto t = ParseTrust(text);
  if (!t) {
    r.diag().Add(r.PathOf(key), "unknown trust " + QuoteForMessage(text) + "; accepted: " + std::string(kTrustNames));
    return;
  }
  *out = *t;
}

void CheckContent(const std::string& content, const std::string& path, std::size_t max_bytes, Diagnostics& diag) {
  if (FindInvalidUtf8(content)) diag.Add(path, "is not valid UTF-8");
  if (content.size() > max_bytes) {
    diag.Add(path, "is " + std::to_string(content.size()) + " bytes; at most " + std::to_string(max_bytes) + " are accepted");
  }
}

}  // namespace

std::string_view ModeName(Mode m) { return kModes[static_cast<std::size_t>(m)]; }

std::optional<Mode> ParseMode(std::string_view name) {
  if (name == "bm25-only") return Mode::kBm25;
  if (name == "vector-only") return Mode::kVector;
  for (std::size_t i = 0; i < kModes.size(); ++i) {
    if (kModes[i] == name) return static_cast<Mode>(i);
  }
  return std::nullopt;
}

bool Filter::empty() const {
  return metadata.empty() && !created_after_us && !created_before_us && !min_trust;
}

bool Filter::Matches(const MemoryItem& item) const {
  if (created_after_us && item.created_at_us < *created_after_us) return false;
  if (created_before_us && item.created_at_us >= *created_before_us) return false;
  if (min_trust && item.provenance.trust < *min_trust) return false;
  for (const auto& [k, v] : metadata) {
    auto it = item.metadata.find(k);
    if (it == item.metadata.end() || it->second != v) return false;
  }
  return true;
}

void DecodeVector(const boost::json::value& v, const std::string& path, std::size_t max_dims, std::vector<float>* out,
                  Diagnostics& diag) {
  const auto* a = v.if_array();
  if (a == nullptr) {
    diag.Add(path, "expected an array of numbers, got " + DescribeJson(v));
    return;
  }
  if (a->size() > max_dims) {
    diag.Add(path, "has " + std::to_string(a->size()) + " dimensions; at most " + std::to_string(max_dims) + " are accepted");
    return;
  }
  out->clear();
  out->reserve(a->size());
  for (std::size_t i = 0; i < a->size(); ++i) {
    double d = 0;
    if (!JsonNumber((*a)[i], &d)) {
      diag.Add(IndexPath(path, i), "expected a number, got " + DescribeJson((*a)[i]));
      return;
    }
    const float f = static_cast<float>(d);
    if (!std::isfinite(f)) {
      diag.Add(IndexPath(path, i), "must be a finite number (NaN and infinities are refused), got " + std::to_string(d));
      return;
    }
    out->push_back(f);
  }
}

void DecodeFilter(ObjectReader& r, Filter* out) {
  for (std::string_view key : {"filters", "metadata"}) {
    if (const auto* m = r.Get(key)) DecodeStringMap(*m, r.PathOf(key), 64, &out->metadata, r.diag());
  }
  DecodeTime(r, "created_after", &out->created_after_us);
  DecodeTime(r, "created_before", &out->created_before_us);
  if (r.Has("min_trust")) {
    Trust t = Trust::kUntrusted;
    DecodeTrust(r, "min_trust", &t);
    out->min_trust = t;
  }
}

void DecodeNewItem(const boost::json::value& v, const std::string& path, const RequestLimits& limits, NewItem* out,
                   Diagnostics& diag) {
  ObjectReader r(v, path, diag, "a memory item");
  if (!r.is_object()) return;
  if (r.String("content", &out->content, true) && r.Has("content")) {
    if (out->content.find_first_not_of(" \t\r\n") == std::string::npos) {
      diag.Add(r.PathOf("content"), "must not be empty");
    }
    CheckContent(out->content, r.PathOf("content"), limits.max_content_bytes, diag);
  }
  if (const auto* vec = r.Get("vector"); vec != nullptr && !vec->is_null()) {
    DecodeVector(*vec, r.PathOf("vector"), limits.max_vector_dims, &out->vector, diag);
    if (out->vector.empty() && vec->is_array()) diag.Add(r.PathOf("vector"), "must not be empty (omit it to embed the content)");
  }
  if (const auto* m = r.Get("metadata")) DecodeStringMap(*m, r.PathOf("metadata"), limits.max_metadata_entries, &out->metadata, diag);
  r.String("source", &out->provenance.source);
  DecodeTrust(r, "trust", &out->provenance.trust);
  r.RejectUnknown();
}

void DecodeQuery(const boost::json::value& v, const std::string& path, const RequestLimits& limits, Query* out,
                 Diagnostics& diag) {
  ObjectReader r(v, path, diag, "a memory query");
  if (!r.is_object()) return;
  r.String("query", &out->text);
  if (out->text.empty()) r.String("text", &out->text);
  CheckContent(out->text, r.PathOf("query"), limits.max_content_bytes, diag);
  if (const auto* vec = r.Get("vector"); vec != nullptr && !vec->is_null()) {
    DecodeVector(*vec, r.PathOf("vector"), limits.max_vector_dims, &out->vector, diag);
  }
  std::string mode;
  if (r.String("mode", &mode) && !mode.empty()) {
    auto m = ParseMode(mode);
    if (!m) {
      diag.Add(r.PathOf("mode"), "unknown mode " + QuoteForMessage(mode) + "; accepted: " + std::string(kModeNames));
    } else {
      out->mode = *m;
    }
  }
  for (std::string_view key : {"top_k", "limit"}) {
    std::int64_t k = static_cast<std::int64_t>(out->top_k);
    if (r.Int(key, &k, 1, static_cast<std::int64_t>(limits.max_top_k))) out->top_k = static_cast<std::size_t>(k);
  }
  DecodeFilter(r, &out->filter);
  r.Bool("review", &out->review);
  if (out->text.empty() && out->vector.empty()) {
    diag.Add(r.PathOf("query"), "a query needs text (query) or a vector (vector)");
  }
  r.RejectUnknown();
}

}  // namespace goclaw::memory
