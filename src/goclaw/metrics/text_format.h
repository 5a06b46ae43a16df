// Writes metrics in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/): one `# HELP` and `# TYPE`
// line per family, then its samples, label values escaped, histograms as cumulative `_bucket`
// series with `le` plus `_sum` and `_count`.
//
//   TextWriter w;
//   w.Family("goclaw_tasks", "gauge", "Tasks by state, now.");
//   w.Sample("goclaw_tasks", {{"state", "running"}}, 3);
//   w.Histogram("goclaw_task_duration_seconds", {{"type", "http"}}, histogram);
//   std::string body = w.Take();
//
// Thread-safety: none; one writer per scrape.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goclaw/metrics/histogram.h"

namespace goclaw::metrics {

using Label = std::pair<std::string_view, std::string_view>;
using Labels = std::vector<Label>;

class TextWriter {
 public:
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  // `type` is counter, gauge or histogram. Every sample that follows belongs to this family
  // until the next Family call (the format requires a family's samples to be contiguous).
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, const Labels& labels, double value);
  // The series of one histogram: `name`_bucket{..., le} (cumulative), `name`_sum, `name`_count.
  void Histogram(std::string_view name, const Labels& labels, const metrics::Histogram& h);

  std::string Take() { return std::move(out_); }

 private:
  void Series(std::string_view name, const Labels& labels, std::string_view le);
  void Value(double value);

  std::string out_;
};

// `v` escaped for a label value: backslash, double quote and newline.
std::string EscapeLabelValue(std::string_view v);

}  // namespace goclaw::metrics
