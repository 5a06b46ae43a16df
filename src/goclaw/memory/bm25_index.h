// An in-memory BM25 inverted index over tokenized documents (tokenizer.h), for the memory
// hub's keyword search (docs/design/memory.md).
//
// Scoring, over the documents currently in the index (removed ones no longer count):
//
//   N      number of documents            n(t)   documents containing term t
//   dl     the document's length in terms (repeats counted)   avgdl  mean dl over the N
//   tf     occurrences of t in the document                   qf     occurrences of t in the query
//
//   idf(t)      = ln(1 + (N - n(t) + 0.5) / (n(t) + 0.5))       (always > 0)
//   score(d, q) = sum over the distinct terms t of q present in d of
//                 qf * idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
//
// A term repeated in the query counts once per occurrence (qf), as Lucene's BooleanQuery does
// with repeated clauses: "pod pod restart" weighs pod twice. Terms the index does not know add
// nothing. A document scores only if it contains at least one query term, and then scores
// more than 0. Scores depend only on the documents present, not on the order or history of
// Add and Remove: after removing a document, every score equals a fresh index's without it.
//
// Layout: a term dictionary (string -> term id), per term a postings vector of (document
// slot, tf, dl), per document slot its sorted (term, position in postings) list so Remove
// takes each posting out in O(log terms) by swapping the last posting into its place. Search
// accumulates into a dense array by slot and keeps the top k in a heap.
//
// Thread-safety: not internally synchronised (the hub locks). Concurrent const calls are safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "goclaw/memory/ranked.h"

namespace goclaw::memory {

struct Bm25Options {
  double k1 = 1.2;  // term frequency saturation
  double b = 0.75;  // length normalisation: 0 none, 1 full
};

class Bm25Index {
 public:
  explicit Bm25Index(Bm25Options options = {});
  // Terms point at their dictionary keys: a copy would point into the original.
  Bm25Index(const Bm25Index&) = delete;
  Bm25Index& operator=(const Bm25Index&) = delete;
  Bm25Index(Bm25Index&&) = default;
  Bm25Index& operator=(Bm25Index&&) = default;

  // Indexes `doc` with its terms (repeats counted). `doc` must not be present (a broken
  // invariant, checked): to replace a document, Remove then Add. A document with no terms
  // counts in N (and avgdl) but matches no query.
  void Add(DocId doc, const std::vector<std::string>& terms);
  // Takes `doc` out of the index; nothing when it is not there.
  void Remove(DocId doc);
  bool Contains(DocId doc) const;

  // The top `k` documents by score among those `accept` returns true for (a null `accept`
  // accepts all), in RanksBefore order (score descending, then DocId ascending). Filtering
  // comes before the cut: a rejected document never takes one of the k places. `accept` is
  // called only for documents that would enter the current top k, at most once each.
  Ranking Search(const std::vector<std::string>& query_terms, std::size_t k,
                 const std::function<bool(DocId)>& accept = nullptr) const;

  std::size_t size() const { return slot_of_.size(); }         // documents
  std::size_t term_count() const { return term_ids_.size(); }  // distinct terms
  // An estimate of the heap memory the index holds (containers' capacities and nodes).
  std::size_t MemoryBytes() const;

 private:
  using TermId = std::uint32_t;
  using Slot = std::uint32_t;

  struct Posting {
    Slot slot = 0;
    std::uint32_t tf = 0;
    std::uint32_t length = 0;  // the document's dl, here so scoring reads postings only
  };
  struct Term {
    const std::string* text = nullptr;  // the dictionary's key; null while the id is free
    std::vector<Posting> postings;
  };
  struct TermRef {
    TermId term = 0;
    std::uint32_t position = 0;  // of the document's posting in the term's postings
  };
  struct DocSlot {
    DocId doc = 0;
    std::uint32_t length = 0;
    std::vector<TermRef> terms;  // sorted by term
  };
  struct TermHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  TermId InternTerm(std::string_view text);
  void ReleaseTerm(TermId id);
  Slot AllocateSlot();
  // Takes terms_[term].postings[position] out, moving the last posting into its place.
  void ErasePosting(TermId term, std::uint32_t position);

  Bm25Options options_;
  std::unordered_map<std::string, TermId, TermHash, std::equal_to<>> term_ids_;
  std::vector<Term> terms_;  // by TermId
  std::vector<TermId> free_terms_;
  std::unordered_map<DocId, Slot> slot_of_;
  std::vector<DocSlot> slots_;  // by Slot
  std::vector<Slot> free_slots_;
  std::uint64_t total_length_ = 0;  // sum of dl over the documents present
};

}  // namespace goclaw::memory
