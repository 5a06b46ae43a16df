// The memory section: decoding and encoding (memory_schema.h).
#include "goclaw/config/memory_schema.h"

#include <array>
#include <string>
#include <string_view>

namespace goclaw::config {
namespace {

constexpr std::array<std::string_view, 3> kEmbedderKinds = {"builtin", "http", "none"};
constexpr std::array<std::string_view, 5> kReviewRatings = {"again", "hard", "good", "easy", "none"};

void DecodeEmbedder(const boost::json::value& v, MemoryEmbedderConfig* out, Diagnostics& diag) {
  ObjectReader r(v, "memory.embedder", diag, "the memory embedder");
  r.String("url", &out->url);
  r.String("model", &out->model);
  r.String("api_key_env", &out->api_key_env);
  r.Int("dimensions", &out->dimensions, 1, 8192);
  r.Duration("timeout", &out->timeout);
  const bool kind_given = r.Has("kind");
  r.Enum("kind", &out->kind, kEmbedderKinds);
  if (!kind_given && !out->url.empty()) out->kind = "http";
  if (out->kind == "http") {
    if (out->url.empty()) diag.Add("memory.embedder.url", "is required for an http embedder (such as http://127.0.0.1:8000/v1)");
    if (out->model.empty()) diag.Add("memory.embedder.model", "is required for an http embedder (the model name the endpoint serves)");
  }
  r.RejectUnknown();
}

}  // namespace

void DecodeMemory(const boost::json::value& v, MemoryConfig* out, Diagnostics& diag) {
  ObjectReader r(v, "memory", diag, "the memory section");
  r.Bool("enabled", &out->enabled);
  if (const auto* e = r.Get("embedder")) DecodeEmbedder(*e, &out->embedder, diag);
  r.Double("bm25_k1", &out->bm25_k1, 0, 10);
  r.Double("bm25_b", &out->bm25_b, 0, 1);
  r.Int("rrf_k", &out->rrf_k, 1, 100000);
  r.Double("vector_weight", &out->vector_weight, 0, 100);
  r.Double("bm25_weight", &out->bm25_weight, 0, 100);
  r.Double("retrievability_weight", &out->retrievability_weight, 0, 1);
  r.Enum("review_rating", &out->review_rating, kReviewRatings);
  r.Double("request_retention", &out->request_retention, 0.01, 0.99);
  r.Double("maximum_interval_days", &out->maximum_interval_days, 1, 36500);
  r.Bool("enable_short_term", &out->enable_short_term);
  r.Int("hnsw_threshold", &out->hnsw_threshold, 1, 1LL << 32);
  r.Int("max_content_bytes", &out->max_content_bytes, 1, 16LL << 20);
  r.Int("max_batch", &out->max_batch, 1, 100000);
  r.Int("max_items_per_session", &out->max_items_per_session, 1, 100000000);
  r.Int("max_top_k", &out->max_top_k, 1, 100000);
  if (out->vector_weight == 0 && out->bm25_weight == 0) {
    diag.Add("memory.vector_weight", "vector_weight and bm25_weight cannot both be 0 (hybrid retrieval would score nothing)");
  }
  r.RejectUnknown();
}

boost::json::object EncodeMemory(const MemoryConfig& m) {
  boost::json::object embedder{{"kind", m.embedder.kind}, {"dimensions", m.embedder.dimensions}};
  if (!m.embedder.url.empty()) embedder["url"] = m.embedder.url;
  if (!m.embedder.model.empty()) embedder["model"] = m.embedder.model;
  if (!m.embedder.api_key_env.empty()) embedder["api_key_env"] = m.embedder.api_key_env;
  embedder["timeout"] = FormatDuration(m.embedder.timeout);
  return {{"enabled", m.enabled},
          {"embedder", std::move(embedder)},
          {"bm25_k1", m.bm25_k1},
          {"bm25_b", m.bm25_b},
          {"rrf_k", m.rrf_k},
          {"vector_weight", m.vector_weight},
          {"bm25_weight", m.bm25_weight},
          {"retrievability_weight", m.retrievability_weight},
          {"review_rating", m.review_rating},
          {"request_retention", m.request_retention},
          {"maximum_interval_days", m.maximum_interval_days},
          {"enable_short_term", m.enable_short_term},
          {"hnsw_threshold", m.hnsw_threshold},
          {"max_content_bytes", m.max_content_bytes},
          {"max_batch", m.max_batch},
          {"max_items_per_session", m.max_items_per_session},
          {"max_top_k", m.max_top_k}};
}

}  // namespace goclaw::config
