// The BM25 inverted index (bm25_index.h).
#include "goclaw/memory/bm25_index.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "goclaw/core/check.h"

namespace goclaw::memory {
namespace {

// A query's known terms, each once, in order of first occurrence, with its count.
struct QueryTerm {
  std::uint32_t term = 0;
  std::uint32_t count = 0;
};

// What a hash node of an unordered_map costs besides its value: the next pointer and the
// cached hash (libstdc++), rounded as malloc would.
constexpr std::size_t kNodeOverhead = 2 * sizeof(void*);

std::size_t StringHeapBytes(const std::string& s) {
  return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
}

// Keeps the best `k` accepted candidates in a heap whose front is the worst of them.
class TopK {
 public:
  TopK(std::size_t k, const std::function<bool(DocId)>& accept) : k_(k), accept_(accept) {}

  void Offer(const Scored& candidate) {
    const bool full = heap_.size() == k_;
    if (full && !RanksBefore(candidate, heap_.front())) return;
    if (accept_ && !accept_(candidate.doc)) return;
    if (full) {
      std::pop_heap(heap_.begin(), heap_.end(), RanksBefore);
      heap_.back() = candidate;
    } else {
      heap_.push_back(candidate);
    }
    std::push_heap(heap_.begin(), heap_.end(), RanksBefore);
  }

  Ranking Take() && {
    std::sort_heap(heap_.begin(), heap_.end(), RanksBefore);
    return std::move(heap_);
  }

 private:
  std::size_t k_;
  const std::function<bool(DocId)>& accept_;
  Ranking heap_;
};

}  // namespace

Bm25Index::Bm25Index(Bm25Options options) : options_(options) {}

Bm25Index::TermId Bm25Index::InternTerm(std::string_view text) {
  if (auto it = term_ids_.find(text); it != term_ids_.end()) return it->second;
  TermId id;
  if (free_terms_.empty()) {
    GOCLAW_CHECK(terms_.size() < std::numeric_limits<TermId>::max());
    id = static_cast<TermId>(terms_.size());
    terms_.emplace_back();
  } else {
    id = free_terms_.back();
    free_terms_.pop_back();
  }
  const auto entry = term_ids_.emplace(std::string(text), id).first;
  terms_[id].text = &entry->first;
  return id;
}

void Bm25Index::ReleaseTerm(TermId id) {
  Term& term = terms_[id];
  term_ids_.erase(term_ids_.find(*term.text));
  term.text = nullptr;
  term.postings = {};  // give back the capacity
  free_terms_.push_back(id);
}

Bm25Index::Slot Bm25Index::AllocateSlot() {
  if (!free_slots_.empty()) {
    const Slot slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  GOCLAW_CHECK(slots_.size() < std::numeric_limits<Slot>::max());
  slots_.emplace_back();
  return static_cast<Slot>(slots_.size() - 1);
}

void Bm25Index::Add(DocId doc, const std::vector<std::string>& terms) {
  GOCLAW_CHECK(!slot_of_.contains(doc));
  GOCLAW_CHECK(terms.size() <= std::numeric_limits<std::uint32_t>::max());
  std::vector<TermId> ids;
  ids.reserve(terms.size());
  for (const std::string& text : terms) ids.push_back(InternTerm(text));
  std::sort(ids.begin(), ids.end());

  const Slot slot = AllocateSlot();
  DocSlot& entry = slots_[slot];
  entry.doc = doc;
  entry.length = static_cast<std::uint32_t>(terms.size());
  entry.terms.clear();
  std::size_t distinct = ids.empty() ? 0 : 1;
  for (std::size_t i = 1; i < ids.size(); ++i) distinct += ids[i] != ids[i - 1];
  entry.terms.reserve(distinct);  // exactly: one per distinct term, for the life of the document
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t end = i;
    while (end < ids.size() && ids[end] == ids[i]) ++end;
    std::vector<Posting>& postings = terms_[ids[i]].postings;
    entry.terms.push_back(TermRef{ids[i], static_cast<std::uint32_t>(postings.size())});
    postings.push_back(Posting{slot, static_cast<std::uint32_t>(end - i), entry.length});
    i = end;
  }
  slot_of_.emplace(doc, slot);
  total_length_ += entry.length;
}

void Bm25Index::ErasePosting(TermId term, std::uint32_t position) {
  std::vector<Posting>& postings = terms_[term].postings;
  if (position + 1 != postings.size()) {
    const Posting moved = postings.back();
    postings[position] = moved;
    std::vector<TermRef>& refs = slots_[moved.slot].terms;
    auto ref = std::lower_bound(refs.begin(), refs.end(), term,
                                [](const TermRef& r, TermId wanted) { return r.term < wanted; });
    GOCLAW_DCHECK(ref != refs.end() && ref->term == term);
    ref->position = position;
  }
  postings.pop_back();
}

void Bm25Index::Remove(DocId doc) {
  auto it = slot_of_.find(doc);
  if (it == slot_of_.end()) return;
  const Slot slot = it->second;
  DocSlot& entry = slots_[slot];
  for (const TermRef& ref : entry.terms) {
    ErasePosting(ref.term, ref.position);
    if (terms_[ref.term].postings.empty()) ReleaseTerm(ref.term);
  }
  total_length_ -= entry.length;
  entry = DocSlot{};
  free_slots_.push_back(slot);
  slot_of_.erase(it);
}

bool Bm25Index::Contains(DocId doc) const { return slot_of_.contains(doc); }

Ranking Bm25Index::Search(const std::vector<std::string>& query_terms, std::size_t k,
                          const std::function<bool(DocId)>& accept) const {
  if (k == 0 || slot_of_.empty()) return {};
  std::vector<QueryTerm> query;
  for (const std::string& text : query_terms) {
    auto known = term_ids_.find(std::string_view(text));
    if (known == term_ids_.end()) continue;
    auto seen = std::find_if(query.begin(), query.end(), [&](const QueryTerm& q) { return q.term == known->second; });
    if (seen != query.end()) {
      ++seen->count;
    } else {
      query.push_back(QueryTerm{known->second, 1});
    }
  }
  if (query.empty()) return {};

  // k1 * (1 - b + b * dl / avgdl) = length_base + length_scale * dl
  const double n = static_cast<double>(slot_of_.size());
  const double avgdl = static_cast<double>(total_length_) / n;  // > 0: a known term is in a document
  const double k1 = options_.k1;
  const double length_base = k1 * (1 - options_.b);
  const double length_scale = k1 * options_.b / avgdl;

  std::vector<double> scores(slots_.size(), 0.0);
  for (const QueryTerm& q : query) {
    const std::vector<Posting>& postings = terms_[q.term].postings;
    const double containing = static_cast<double>(postings.size());
    const double idf = std::log1p((n - containing + 0.5) / (containing + 0.5));
    const double weight = q.count * idf * (k1 + 1);
    for (const Posting& p : postings) {
      const double tf = p.tf;
      scores[p.slot] += weight * tf / (tf + length_base + length_scale * p.length);
    }
  }

  TopK top(k, accept);
  for (std::size_t slot = 0; slot < scores.size(); ++slot) {
    if (scores[slot] > 0) top.Offer(Scored{slots_[slot].doc, scores[slot]});
  }
  return std::move(top).Take();
}

std::size_t Bm25Index::MemoryBytes() const {
  std::size_t bytes = term_ids_.bucket_count() * sizeof(void*);
  for (const auto& [text, id] : term_ids_) {
    bytes += sizeof(std::pair<const std::string, TermId>) + kNodeOverhead + StringHeapBytes(text);
  }
  bytes += terms_.capacity() * sizeof(Term) + free_terms_.capacity() * sizeof(TermId);
  for (const Term& term : terms_) bytes += term.postings.capacity() * sizeof(Posting);
  bytes += slot_of_.bucket_count() * sizeof(void*) +
           slot_of_.size() * (sizeof(std::pair<const DocId, Slot>) + kNodeOverhead);
  bytes += slots_.capacity() * sizeof(DocSlot) + free_slots_.capacity() * sizeof(Slot);
  for (const DocSlot& slot : slots_) bytes += slot.terms.capacity() * sizeof(TermRef);
  return bytes;
}

}  // namespace goclaw::memory
