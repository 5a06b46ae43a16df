// What the memory indexes rank: a session-local document number and its score, and the one
// order every ranking uses (higher score first, then the smaller document number), so equal
// scores always come out in the same order.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <vector>

namespace goclaw::memory {

// A session's document number: assigned on insert, never reused within a session's lifetime
// in memory (the hub maps it to the item id).
using DocId = std::uint32_t;

struct Scored {
  DocId doc = 0;
  double score = 0;
  friend bool operator==(const Scored&, const Scored&) = default;
};

// The ranking order: score descending, then doc ascending.
inline bool RanksBefore(const Scored& a, const Scored& b) {
  return a.score != b.score ? a.score > b.score : a.doc < b.doc;
}

using Ranking = std::vector<Scored>;

}  // namespace goclaw::memory
