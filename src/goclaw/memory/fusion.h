// Weighted reciprocal-rank fusion (Cormack et al., 2009) of the vector and BM25 rankings, and
// the FSRS-6 retrievability weighting applied after it (docs/design/memory.md).
//
//   fused(d)  = w_vector / (k + rank_vector(d)) + w_bm25 / (k + rank_bm25(d))   (ranks from 1;
//               a ranking that does not contain d adds nothing)
//   final(d)  = fused(d) * ((1 - w_r) + w_r * R(d))                             (w_r in [0, 1])
//
// Thread-safety: pure functions.
#pragma once

#include "goclaw/memory/ranked.h"

namespace goclaw::memory {

struct FusionWeights {
  double k = 60;
  double vector = 0.7;
  double bm25 = 0.3;
};

// Every document of either ranking with its fused score, in RanksBefore order.
Ranking FuseReciprocalRanks(const Ranking& vector, const Ranking& bm25, const FusionWeights& w);

// The factor retrievability `r` multiplies a score by, with weight `w_r` (0: always 1).
inline double RetrievabilityFactor(double r, double w_r) { return (1 - w_r) + w_r * r; }

}  // namespace goclaw::memory
