// GET /metrics end to end: after real work, the engine, lane, HTTP, WebSocket and process
// families carry the right numbers, and Prometheus' own checker (`promtool check metrics`,
// Debian package prometheus) accepts the whole output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "goclaw/client/test_http_client.h"
#include "goclaw/core/test_shell.h"
#include "goclaw/server/server.h"

namespace goclaw::server {
namespace {

using ClientResponse = client::Response;
using client::testing::TestHttpClient;
using ::testing::HasSubstr;

TEST(MetricsTest, ReportsWorkAndPassesPromtool) {
  config::Config c;
  c.server.port = 0;
  c.grpc.port = 0;  // (gRPC is on by default, on 9090)
  c.storage.backend = config::StorageBackend::kMemory;
  config::LaneConfig def;
  def.name = "default";
  config::LaneConfig narrow;
  narrow.name = "narrow";
  narrow.max_concurrency = 1;
  c.lanes = {def, narrow};
  auto server = Server::Start(c);
  ASSERT_TRUE(server) << server.error().ToString();
  TestHttpClient http((*server)->port());
  auto submit = [&](const std::string& spec) {
    ClientResponse r = http.Request("POST", "/api/v1/workflows?wait=10s", spec, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 201) << r.body;
  };
  submit(R"({"tasks": [{"id": "a", "lane": "narrow"}, {"id": "b", "lane": "narrow"}, {"id": "c", "depends_on": ["a", "b"]}]})");
  submit(R"({"tasks": [{"id": "boom", "config": {"op": "fail", "message": "x\"y"}}, {"id": "never", "depends_on": ["boom"]}]})");
  http.Get("/no/such/path");

  ClientResponse r = http.Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = r.body;
  for (const char* line : {
           "goclaw_workflows{state=\"completed\"} 1\n",
           "goclaw_workflows{state=\"failed\"} 1\n",
           "goclaw_workflows{state=\"running\"} 0\n",
           "goclaw_workflows_entered_total{state=\"running\"} 2\n",
           "goclaw_tasks{state=\"completed\"} 3\n",
           "goclaw_tasks{state=\"failed\"} 1\n",
           "goclaw_tasks{state=\"skipped\"} 1\n",
           "goclaw_tasks_entered_total{state=\"queued\"} 4\n",
           "goclaw_task_duration_seconds_count{type=\"builtin\",lane=\"narrow\"} 2\n",
           "goclaw_task_queue_wait_seconds_count{type=\"builtin\",lane=\"default\"} 2\n",
           "goclaw_lane_admitted_total{lane=\"narrow\"} 2\n",
           "goclaw_lane_max_concurrency{lane=\"narrow\"} 1\n",
           "goclaw_lane_running{lane=\"default\"} 0\n",
           "goclaw_lane_dropped_total{lane=\"default\"} 0\n",
           "goclaw_http_requests_total{method=\"POST\",route=\"/api/v1/workflows\",code=\"201\"} 2\n",
           "goclaw_http_requests_total{method=\"GET\",route=\"unmatched\",code=\"404\"} 1\n",
           "goclaw_ws_clients 0\n",
           "goclaw_ws_slow_disconnects_total 0\n",
           "# TYPE goclaw_process_cpu_seconds_total counter\n",
           "# TYPE goclaw_http_request_duration_seconds histogram\n",
       }) {
    EXPECT_THAT(m, HasSubstr(line));
  }
  EXPECT_THAT(m, HasSubstr("goclaw_build_info{version=\""));
  EXPECT_THAT(m, HasSubstr("goclaw_process_resident_memory_bytes "));

  // The scrape itself is counted by the next one.
  EXPECT_THAT(http.Get("/metrics").body,
              HasSubstr("goclaw_http_requests_total{method=\"GET\",route=\"/metrics\",code=\"200\"} 1\n"));

  auto file = std::filesystem::temp_directory_path() / ("goclaw_metrics_" + std::to_string(getpid()) + ".txt");
  std::ofstream(file) << m;
  goclaw::testing::ShellResult check = goclaw::testing::RunShell("promtool check metrics < " + file.string());
  std::filesystem::remove(file);
  EXPECT_EQ(check.exit_code, 0) << "promtool (Debian package prometheus) said:\n" << check.output;
  EXPECT_EQ(check.output, "") << check.output;
}

}  // namespace
}  // namespace goclaw::server
