// Edit distance and nearest-name search for suggestions.
#include "goclaw/core/suggest.h"

#include <algorithm>
#include <vector>

namespace goclaw {

std::size_t EditDistance(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  // Three rolling rows: i-2, i-1 and i.
  std::vector<std::size_t> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= m; ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], limit + 1);
}

namespace {

template <typename S>
std::optional<std::string_view> Nearest(std::string_view name, std::span<const S> candidates) {
  const std::size_t limit = std::min<std::size_t>(3, std::max<std::size_t>(1, name.size() / 3));
  std::optional<std::string_view> best;
  std::size_t best_distance = limit + 1;
  for (const S& c : candidates) {
    std::string_view cv(c);
    if (cv == name) continue;
    std::size_t d = EditDistance(name, cv, limit);
    if (d < best_distance) {
      best_distance = d;
      best = cv;
    }
  }
  return best;
}

}  // namespace

std::optional<std::string_view> NearestName(std::string_view name,
                                            std::span<const std::string_view> candidates) {
  return Nearest(name, candidates);
}

std::optional<std::string_view> NearestName(std::string_view name,
                                            std::span<const std::string> candidates) {
  return Nearest(name, candidates);
}

std::string DidYouMean(std::string_view name, std::span<const std::string_view> candidates) {
  auto best = NearestName(name, candidates);
  if (!best) return "";
  return "; did you mean \"" + std::string(*best) + "\"?";
}

}  // namespace goclaw
