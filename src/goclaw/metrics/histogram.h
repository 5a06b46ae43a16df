// A fixed-bucket histogram of durations (seconds), in the shape Prometheus exposes: cumulative
// counts per upper bound, plus count and sum. Quantiles are estimated by linear interpolation
// inside the bucket, as Prometheus' histogram_quantile does.
//
// Thread-safety: not synchronized; the owner guards it (lanes record under their mutex).
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace goclaw::metrics {

class Histogram {
 public:
  // Upper bounds in seconds: 1 µs … 5 min, roughly ×2.5 apart; the last bucket is +Inf.
  static constexpr std::array<double, 20> kBounds = {
      1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3,
      1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1, 5, 30, 300};

  void Record(double seconds);
  // Adds another histogram's observations (e.g. one per shard, summed for a scrape).
  void Merge(const Histogram& other);

  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  // Observations in bucket i (not cumulative); i == kBounds.size() is the +Inf bucket.
  std::uint64_t bucket(std::size_t i) const { return buckets_[i]; }
  // Estimated q-quantile (0 < q <= 1) in seconds; 0 when empty.
  double Quantile(double q) const;

 private:
  std::array<std::uint64_t, kBounds.size() + 1> buckets_{};
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

}  // namespace goclaw::metrics
