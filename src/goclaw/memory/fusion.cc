// Reciprocal-rank fusion (fusion.h).
#include "goclaw/memory/fusion.h"

#include <algorithm>
#include <unordered_map>

namespace goclaw::memory {

Ranking FuseReciprocalRanks(const Ranking& vector, const Ranking& bm25, const FusionWeights& w) {
  std::unordered_map<DocId, double> fused;
  fused.reserve(vector.size() + bm25.size());
  auto add = [&fused, &w](const Ranking& ranking, double weight) {
    for (std::size_t i = 0; i < ranking.size(); ++i) {
      fused[ranking[i].doc] += weight / (w.k + static_cast<double>(i + 1));
    }
  };
  add(vector, w.vector);
  add(bm25, w.bm25);
  Ranking out;
  out.reserve(fused.size());
  for (const auto& [doc, score] : fused) out.push_back({doc, score});
  std::sort(out.begin(), out.end(), RanksBefore);
  return out;
}

}  // namespace goclaw::memory
