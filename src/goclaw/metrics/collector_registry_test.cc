#include "goclaw/metrics/collector_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goclaw::metrics {
namespace {

using ::testing::HasSubstr;

Collector Counter(std::string name, double value) {
  return [name = std::move(name), value](TextWriter& w) {
    w.Family(name, "counter", "A test counter.");
    w.Sample(name, {{"k", "v"}}, value);
  };
}

TEST(CollectorRegistryTest, WritesEveryCollectorInRegistrationOrder) {
  CollectorRegistry registry;
  EXPECT_EQ(registry.Text(), "");
  registry.Add("b", Counter("goclaw_b_total", 2));
  registry.Add("a", Counter("goclaw_a_total", 1));
  EXPECT_EQ(registry.Text(),
            "# HELP goclaw_b_total A test counter.\n# TYPE goclaw_b_total counter\n"
            "goclaw_b_total{k=\"v\"} 2\n"
            "# HELP goclaw_a_total A test counter.\n# TYPE goclaw_a_total counter\n"
            "goclaw_a_total{k=\"v\"} 1\n");
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"b", "a"}));
}

TEST(CollectorRegistryTest, ACollectorSeesTheCurrentValueAtEachScrape) {
  CollectorRegistry registry;
  int calls = 0;
  registry.Add("calls", [&calls](TextWriter& w) {
    w.Family("goclaw_calls", "gauge", "Scrapes so far.");
    w.Sample("goclaw_calls", {}, ++calls);
  });
  EXPECT_THAT(registry.Text(), HasSubstr("goclaw_calls 1\n"));
  EXPECT_THAT(registry.Text(), HasSubstr("goclaw_calls 2\n"));
}

TEST(CollectorRegistryTest, ANameIsRegisteredOnce) {
  CollectorRegistry registry;
  registry.Add("engine", Counter("goclaw_x_total", 1));
  EXPECT_DEATH(registry.Add("engine", Counter("goclaw_y_total", 1)), "");
}

TEST(CollectorRegistryTest, ProcessCollectorWritesTheBuildInfo) {
  CollectorRegistry registry;
  registry.Add("process", ProcessCollector("1.2.3"));
  const std::string text = registry.Text();
  EXPECT_THAT(text, HasSubstr("# TYPE goclaw_build_info gauge\ngoclaw_build_info{version=\"1.2.3\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("goclaw_process_threads "));  // Linux
}

}  // namespace
}  // namespace goclaw::metrics
