// The exposition format: families, label escaping, histograms, values.
#include "goclaw/metrics/text_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "goclaw/metrics/process_stats.h"

namespace goclaw::metrics {
namespace {

TEST(TextWriterTest, FamilyAndSamples) {
  TextWriter w;
  w.Family("goclaw_tasks", "gauge", "Tasks by state.");
  w.Sample("goclaw_tasks", {{"state", "running"}}, 3);
  w.Sample("goclaw_tasks", {{"state", "queued"}, {"lane", "web"}}, 0.5);
  w.Family("goclaw_up", "gauge", "Always 1.");
  w.Sample("goclaw_up", {}, 1);
  EXPECT_EQ(w.Take(),
            "# HELP goclaw_tasks Tasks by state.\n"
            "# TYPE goclaw_tasks gauge\n"
            "goclaw_tasks{state=\"running\"} 3\n"
            "goclaw_tasks{state=\"queued\",lane=\"web\"} 0.5\n"
            "# HELP goclaw_up Always 1.\n"
            "# TYPE goclaw_up gauge\n"
            "goclaw_up 1\n");
}

TEST(TextWriterTest, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  TextWriter w;
  w.Family("m", "counter", "line one\nback\\slash");
  w.Sample("m", {{"route", "/x/\"y\""}}, 1);
  EXPECT_EQ(w.Take(), "# HELP m line one\\nback\\\\slash\n# TYPE m counter\nm{route=\"/x/\\\"y\\\"\"} 1\n");
}

TEST(TextWriterTest, SpecialValues) {
  TextWriter w;
  w.Sample("a", {}, std::numeric_limits<double>::infinity());
  w.Sample("b", {}, -std::numeric_limits<double>::infinity());
  w.Sample("c", {}, std::nan(""));
  w.Sample("d", {}, 1e21);
  w.Sample("e", {}, 123456789);
  EXPECT_EQ(w.Take(), "a +Inf\nb -Inf\nc NaN\nd 1e+21\ne 123456789\n");
}

TEST(TextWriterTest, HistogramIsCumulativeWithSumAndCount) {
  Histogram h;
  h.Record(0.0000005);  // first bucket
  h.Record(0.003);      // le=0.005
  h.Record(1000);       // +Inf
  TextWriter w;
  w.Histogram("d", {{"lane", "x"}}, h);
  std::string out = w.Take();
  EXPECT_NE(out.find("d_bucket{lane=\"x\",le=\"1e-06\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("d_bucket{lane=\"x\",le=\"0.0025\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("d_bucket{lane=\"x\",le=\"0.005\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("d_bucket{lane=\"x\",le=\"300\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("d_bucket{lane=\"x\",le=\"+Inf\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("d_count{lane=\"x\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("d_sum{lane=\"x\"} 1000.0030005"), std::string::npos) << out;
}

TEST(HistogramTest, MergeAddsEverything) {
  Histogram a, b;
  a.Record(0.001);
  b.Record(0.001);
  b.Record(10);
  a.Merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_DOUBLE_EQ(a.sum(), 10.002);
  EXPECT_EQ(a.bucket(7), 2u);  // le=1e-3
}

TEST(ProcessStatsTest, ReadsThisProcess) {
  auto s = ReadProcessStats();
  ASSERT_TRUE(s.has_value()) << s.error().message();
  EXPECT_GT(s->resident_bytes, 1u << 20);
  EXPECT_GE(s->virtual_bytes, s->resident_bytes);
  EXPECT_GE(s->threads, 1);
  EXPECT_GE(s->open_fds, 3);  // stdin, stdout, stderr
  EXPECT_GT(s->start_time_seconds, 1.6e9);
  EXPECT_GE(s->cpu_seconds, 0);
}

}  // namespace
}  // namespace goclaw::metrics
