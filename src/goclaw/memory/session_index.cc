// One session's items and indexes (session_index.h).
#include "goclaw/memory/session_index.h"

#include <iterator>

namespace goclaw::memory {
namespace {

std::size_t ItemBytes(const MemoryItem& item) {
  std::size_t n = sizeof(MemoryItem) + item.id.size() + item.session.size() + item.content.size() +
                  item.vector.size() * sizeof(float) + item.provenance.workflow_id.size() +
                  item.provenance.task_id.size() + item.provenance.source.size();
  for (const auto& [k, v] : item.metadata) n += k.size() + v.size() + 64;
  return n;
}

}  // namespace

SessionIndex::SessionIndex(SessionIndexOptions options)
    : options_(options), dimensions_(options.dimensions), bm25_(options.bm25) {}

Status SessionIndex::CheckVector(std::span<const float> vector) const {
  if (vector.empty()) return OkStatus();
  if (dimensions_ != 0 && vector.size() != dimensions_) {
    return MakeError(ErrorCode::kInvalidArgument, "the vector has " + std::to_string(vector.size()) +
                                                  " dimensions; this session's vectors have " +
                                                  std::to_string(dimensions_));
  }
  if (vectors_) return vectors_->CheckVector(vector);
  VectorIndex probe({.dimensions = vector.size()});
  return probe.CheckVector(vector);
}

Status SessionIndex::Add(MemoryItem item, const std::vector<std::string>& terms) {
  const DocId doc = static_cast<DocId>(docs_.size());
  Status added = OkStatus();
  if (!item.vector.empty()) {
    if (!vectors_) {
      dimensions_ = item.vector.size();
      vectors_ = std::make_unique<VectorIndex>(VectorIndexOptions{.dimensions = dimensions_,
                                                                  .hnsw_threshold = options_.hnsw_threshold});
    }
    added = vectors_->Add(doc, item.vector);  // checked by the caller (CheckVector)
  }
  bm25_.Add(doc, terms);
  item_bytes_ += ItemBytes(item);
  by_id_.emplace(item.id, doc);
  docs_.push_back(std::make_unique<MemoryItem>(std::move(item)));
  return added;
}

bool SessionIndex::Remove(std::string_view id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  const DocId doc = it->second;
  bm25_.Remove(doc);
  if (vectors_) vectors_->Remove(doc);
  item_bytes_ -= ItemBytes(*docs_[doc]);
  docs_[doc].reset();
  by_id_.erase(it);
  return true;
}

const MemoryItem* SessionIndex::Find(std::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : docs_[it->second].get();
}

fsrs::Card* SessionIndex::MutableCard(std::string_view id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &docs_[it->second]->card;
}

std::vector<const MemoryItem*> SessionIndex::Page(std::size_t offset, std::size_t limit) const {
  std::vector<const MemoryItem*> out;
  if (offset >= by_id_.size()) return out;
  auto it = by_id_.begin();
  std::advance(it, static_cast<std::ptrdiff_t>(offset));
  for (; it != by_id_.end() && (limit == 0 || out.size() < limit); ++it) out.push_back(docs_[it->second].get());
  return out;
}

void SessionIndex::ForEach(const std::function<void(const MemoryItem&)>& fn) const {
  for (const auto& [id, doc] : by_id_) fn(*docs_[doc]);
}

Ranking SessionIndex::SearchBm25(const std::vector<std::string>& terms, std::size_t k,
                                 const std::function<bool(DocId)>& accept) const {
  return bm25_.Search(terms, k, accept);
}

Result<Ranking> SessionIndex::SearchVector(std::span<const float> query, std::size_t k,
                                           const std::function<bool(DocId)>& accept) const {
  if (!vectors_) return Ranking{};
  return vectors_->Search(query, k, accept);
}

std::size_t SessionIndex::MemoryBytes() const {
  return item_bytes_ + docs_.capacity() * sizeof(void*) + by_id_.size() * 96 + bm25_.MemoryBytes() +
         (vectors_ ? vectors_->MemoryBytes() : 0);
}

}  // namespace goclaw::memory
