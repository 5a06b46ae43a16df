// One session's memory, in memory: its items (by id, in creation order, and by document
// number), the BM25 index of their terms and the vector index of their vectors. The hub
// (memory_hub.h) keeps one per session, rebuilt from the store on start.
//
// Document numbers are assigned on Add and never reused in a SessionIndex's lifetime; a
// removed item leaves an empty slot (8 bytes) until the session is rebuilt on the next start.
//
// Thread-safety: none; the hub holds the session's reader/writer lock (readers: Find, Search*;
// writers: Add, Remove, MutableCard).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/core/status.h"
#include "goclaw/memory/bm25_index.h"
#include "goclaw/memory/memory_item.h"
#include "goclaw/memory/ranked.h"
#include "goclaw/memory/vector_index.h"

namespace goclaw::memory {

struct SessionIndexOptions {
  Bm25Options bm25;
  std::size_t dimensions = 0;  // 0: fixed by the first vector added
  std::size_t hnsw_threshold = 4096;
};

class SessionIndex {
 public:
  explicit SessionIndex(SessionIndexOptions options);

  // kInvalidArgument when `vector` cannot be added here (its dimension differs from the
  // session's, or it is not finite or all zero). Empty vectors are always fine (no vector).
  Status CheckVector(std::span<const float> vector) const;
  // The item must be new and its vector checked. `terms` are Tokenize(item.content). The item
  // is added even on an error: kResourceExhausted when the vector index could not take its
  // vector (out of memory), which leaves the item findable by BM25 only.
  Status Add(MemoryItem item, const std::vector<std::string>& terms);
  // False when the id is not here.
  bool Remove(std::string_view id);

  const MemoryItem* Find(std::string_view id) const;
  fsrs::Card* MutableCard(std::string_view id);
  const MemoryItem& item(DocId doc) const { return *docs_[doc]; }
  std::size_t size() const { return by_id_.size(); }
  // Items in id (creation) order, from the offset-th, at most limit (0: all).
  std::vector<const MemoryItem*> Page(std::size_t offset, std::size_t limit) const;
  // Each item, in id order.
  void ForEach(const std::function<void(const MemoryItem&)>& fn) const;

  Ranking SearchBm25(const std::vector<std::string>& terms, std::size_t k, const std::function<bool(DocId)>& accept) const;
  // Empty when no item has a vector; kInvalidArgument for a query of the wrong dimension.
  Result<Ranking> SearchVector(std::span<const float> query, std::size_t k, const std::function<bool(DocId)>& accept) const;

  std::size_t dimensions() const { return dimensions_; }
  std::size_t vector_count() const { return vectors_ ? vectors_->size() : 0; }
  bool uses_hnsw() const { return vectors_ && vectors_->uses_hnsw(); }
  std::size_t term_count() const { return bm25_.term_count(); }
  // Heap bytes of the items, the BM25 index and the vector index (estimates).
  std::size_t MemoryBytes() const;

 private:
  SessionIndexOptions options_;
  std::size_t dimensions_;
  std::vector<std::unique_ptr<MemoryItem>> docs_;  // by DocId; null once removed
  std::map<std::string, DocId, std::less<>> by_id_;
  Bm25Index bm25_;
  std::unique_ptr<VectorIndex> vectors_;  // created with the first vector
  std::size_t item_bytes_ = 0;
};

}  // namespace goclaw::memory
