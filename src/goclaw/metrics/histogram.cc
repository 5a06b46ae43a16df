// Bucketing and quantile estimation.
#include "goclaw/metrics/histogram.h"

#include <algorithm>

namespace goclaw::metrics {

void Histogram::Record(double seconds) {
  std::size_t i = seconds <= kBounds[0]
                      ? 0  // the common "no wait at all"
                      : static_cast<std::size_t>(
                            std::lower_bound(kBounds.begin(), kBounds.end(), seconds) -
                            kBounds.begin());
  ++buckets_[i];
  ++count_;
  sum_ += seconds;
}

void Histogram::Merge(const Histogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  sum_ += other.sum_;
}

double Histogram::Quantile(double q) const {
  if (count_ == 0) return 0;
  double rank = q * static_cast<double>(count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    if (buckets_[i] == 0) continue;
    if (static_cast<double>(seen + buckets_[i]) >= rank) {
      if (i == kBounds.size()) return kBounds.back();  // +Inf: the highest finite bound
      double lower = i == 0 ? 0 : kBounds[i - 1];
      double fraction = (rank - static_cast<double>(seen)) / static_cast<double>(buckets_[i]);
      return lower + (kBounds[i] - lower) * std::clamp(fraction, 0.0, 1.0);
    }
    seen += buckets_[i];
  }
  return kBounds.back();
}

}  // namespace goclaw::metrics
