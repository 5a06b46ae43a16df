#include "goclaw/config/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace goclaw::config {
namespace {

std::vector<std::string> Problems(std::string_view json, Config* out = nullptr) {
  Config config;
  Diagnostics diag;
  DecodeConfig(boost::json::parse(json), &config, diag);
  if (diag.empty()) ValidateConfig(&config, diag);
  if (out) *out = config;
  std::vector<std::string> got;
  for (const auto& d : diag.details()) got.push_back(d.path + ": " + d.message);
  return got;
}

TEST(ConfigSchemaTest, DefaultsAreSafe) {
  Config config;
  Diagnostics diag;
  ValidateConfig(&config, diag);
  EXPECT_TRUE(diag.empty());
  EXPECT_EQ(config.server.host, "127.0.0.1");
  EXPECT_EQ(config.server.port, 8080);
  EXPECT_EQ(config.storage.sync_mode, SyncMode::kBatch);
  EXPECT_EQ(config.storage.backend, StorageBackend::kRocksDb);  // durable unless asked otherwise
  ASSERT_EQ(config.lanes.size(), 1u);
  EXPECT_EQ(config.lanes[0].name, "default");
}

TEST(ConfigSchemaTest, DecodesEverySection) {
  Config c;
  auto problems = Problems(R"({
    "server": {"host": "0.0.0.0", "port": 9090},
    "storage": {"path": "/var/lib/goclaw", "sync_mode": "always", "backend": "memory",
                "retention": "30d", "evict_after": "2m"},
    "shutdown": {"drain_timeout": "45s"},
    "log": {"level": "debug", "format": "json", "modules": {"dag": "trace"}},
    "dag": {"max_tasks": 500},
    "executors": {"exec": {"enabled": true, "allow": ["python3", "/usr/bin/jq"]},
                  "http": {"ca_file": "/etc/goclaw/ca.pem", "max_idle_per_host": 8}},
    "lanes": [{"name": "llm", "max_concurrency": 4, "capacity": 100,
               "rate": {"per_second": 2}, "on_full": "redirect", "redirect_to": "slow"},
              {"name": "slow", "on_full": "drop"}]
  })", &c);
  EXPECT_TRUE(problems.empty()) << problems[0];
  EXPECT_EQ(c.server.port, 9090);
  EXPECT_EQ(c.storage.sync_mode, SyncMode::kAlways);
  EXPECT_EQ(c.storage.backend, StorageBackend::kMemory);
  EXPECT_EQ(c.storage.retention, std::chrono::hours(24 * 30));
  EXPECT_EQ(c.storage.evict_after, std::chrono::minutes(2));
  EXPECT_EQ(c.shutdown.drain_timeout, std::chrono::seconds(45));
  EXPECT_EQ(c.log.format, LogFormat::kJson);
  EXPECT_EQ(c.log.modules.at("dag"), "trace");
  EXPECT_EQ(c.dag.max_tasks, 500);
  EXPECT_TRUE(c.executors.exec.enabled);
  EXPECT_EQ(c.executors.exec.allow, (std::vector<std::string>{"python3", "/usr/bin/jq"}));
  EXPECT_EQ(c.executors.http.ca_file, "/etc/goclaw/ca.pem");
  EXPECT_EQ(c.executors.http.max_idle_per_host, 8);
  ASSERT_EQ(c.lanes.size(), 3u);  // default added first
  EXPECT_EQ(c.lanes[0].name, "default");
  EXPECT_EQ(c.lanes[1].rate->per_second, 2);
  EXPECT_EQ(c.lanes[1].rate->burst, 2);
  EXPECT_EQ(c.lanes[1].on_full, OnFull::kRedirect);
}

TEST(ConfigSchemaTest, ReportsEveryProblem) {
  auto problems = Problems(R"({
    "server": {"port": 70000, "hots": "x"},
    "storage": {"sycn_mode": "batch", "path": ""},
    "log": {"level": "loud", "modules": {"engin": "debug", "dag": "x"}},
    "lanez": [],
    "lanes": [{"max_concurrency": 0}, {"name": "a b", "rate": {"per_second": -1}}]
  })");
  std::vector<std::string> want = {
      "server.port: expected an integer from 0 to 65535, got number 70000",
      "server.hots: unknown key; did you mean server.host?",
      "storage.path: must not be empty",
      "storage.sycn_mode: unknown key; did you mean storage.sync_mode?",
      "log.level: unknown value \"loud\"; accepted: trace, debug, info, warn, error, critical, off",
      "log.modules.dag: unknown value \"x\"; accepted: trace, debug, info, warn, error, critical, "
      "off",
      "log.modules.engin: unknown key; did you mean log.modules.engine?",
      "lanes[0].name: is required",
      "lanes[0].max_concurrency: must be at least 1 (a lane with no concurrency would never run "
      "anything), got number 0",
      "lanes[1].name: invalid lane name \"a b\"; use 1 to 128 letters, digits, '_', '-', '.' or "
      "':' (a trailing '*' makes a template such as \"session:*\")",
      "lanes[1].rate.per_second: expected a number from 1e-06 to 1e+09, got number -1",
      "lanez: unknown key; did you mean lanes?",
  };
  EXPECT_EQ(problems, want);
}

TEST(ConfigSchemaTest, RedirectChecks) {
  EXPECT_EQ(Problems(R"({"lanes": [{"name": "a", "on_full": "redirect"}]})"),
            std::vector<std::string>{"lanes[0].redirect_to: is required when on_full is redirect"});
  EXPECT_EQ(Problems(R"({"lanes": [{"name": "web", "on_full": "redirect", "redirect_to": "wbe2"},
                                   {"name": "web2"}]})"),
            std::vector<std::string>{
                "lanes[0].redirect_to: unknown lane \"wbe2\"; did you mean \"web2\"?"});
  auto loop = Problems(R"({"lanes": [
      {"name": "a", "on_full": "redirect", "redirect_to": "b"},
      {"name": "b", "on_full": "redirect", "redirect_to": "c"},
      {"name": "c", "on_full": "redirect", "redirect_to": "a"}]})");
  ASSERT_EQ(loop.size(), 3u);
  EXPECT_EQ(loop[0], "lanes[0].redirect_to: redirect loop: a -> b -> c -> a");
  EXPECT_EQ(Problems(R"({"lanes": [{"name": "a"}, {"name": "a"}]})"),
            std::vector<std::string>{"lanes[1].name: duplicate lane name \"a\" (first used by "
                                     "lanes[0])"});
  EXPECT_EQ(Problems(R"({"lanes": [{"name": "a", "redirect_to": "default"}]})"),
            std::vector<std::string>{
                "lanes[0].redirect_to: is only used when on_full is redirect (on_full is block)"});
}

TEST(ConfigSchemaTest, EncodeRoundTrips) {
  Config c;
  c.server.port = 1234;
  c.log.modules["engine"] = "debug";
  c.executors.exec.enabled = true;
  c.executors.exec.allow = {"cat"};
  c.executors.http.ca_file = "ca.pem";
  c.executors.http.egress.allow = {"*.example.com:443", "10.0.0.0/8"};
  c.executors.http.egress.deny = {"[::1]:9000"};
  c.executors.http.egress.allow_self = true;
  c.limits.max_lineage_depth = 3;
  LaneConfig lane;
  lane.name = "x";
  lane.rate = RateConfig{5, 10};
  c.lanes.push_back(lane);
  boost::json::value encoded = EncodeConfig(c);
  Config back;
  Diagnostics diag;
  DecodeConfig(encoded, &back, diag);
  ASSERT_TRUE(diag.empty()) << diag.ToError("config").ToString();
  EXPECT_EQ(boost::json::value(EncodeConfig(back)), encoded);
}

}  // namespace
}  // namespace goclaw::config

namespace goclaw::config {
namespace {

TEST(ConfigSchemaTest, TemplatesDefaultToOnePerKeyAndCannotBeRedirectTargets) {
  Config c;
  EXPECT_TRUE(Problems(R"({"lanes": [{"name": "session:*"}, {"name": "chat:*", "max_concurrency": 3}]})", &c).empty());
  ASSERT_EQ(c.lanes.size(), 3u);
  EXPECT_EQ(c.lanes[1].max_concurrency, 1);
  EXPECT_EQ(c.lanes[2].max_concurrency, 3);
  EXPECT_EQ(Problems(R"({"lanes": [{"name": "session:*"},
                                   {"name": "a", "on_full": "redirect", "redirect_to": "session:*"}]})"),
            std::vector<std::string>{"lanes[1].redirect_to: \"session:*\" is a template of keyed "
                                     "lanes; redirect to a single lane"});
}

}  // namespace
}  // namespace goclaw::config

namespace goclaw::config {
namespace {

TEST(ConfigSchemaTest, ServerHardeningKeys) {
  Config c;
  EXPECT_TRUE(c.server.allowed_hosts.empty());
  EXPECT_EQ(c.server.max_connections, 0);  // derived from RLIMIT_NOFILE
  EXPECT_EQ(c.server.body_timeout, std::chrono::seconds(30));
  auto ok = Problems(R"({"server": {"allowed_hosts": ["Goclaw.Example.com", "proxy:8443", "[fd00::1]:80"],
                                    "max_connections": 100, "body_timeout": "5s"}})", &c);
  EXPECT_TRUE(ok.empty()) << ok[0];
  EXPECT_EQ(c.server.allowed_hosts,
            (std::vector<std::string>{"goclaw.example.com", "proxy:8443", "[fd00::1]:80"}));
  EXPECT_EQ(c.server.max_connections, 100);
  EXPECT_EQ(c.server.body_timeout, std::chrono::seconds(5));
  std::vector<std::string> want = {
      "server.max_connections: expected an integer from 0 to 1000000, got number -1",
      "server.body_timeout: must be at least 1ms (a stalled body would never be cut)",
      "server.allowed_hosts[0]: expected a host name as sent in the Host header "
      "(\"goclaw.example.com\" or \"goclaw.example.com:8443\", no scheme or path), got string "
      "\"http://x.example\"",
      "server.allowed_hosts[1]: expected a host name as sent in the Host header "
      "(\"goclaw.example.com\" or \"goclaw.example.com:8443\", no scheme or path), got string \"\"",
  };
  EXPECT_EQ(Problems(R"({"server": {"max_connections": -1, "body_timeout": "0s",
                                    "allowed_hosts": ["http://x.example", ""]}})"),
            want);
  EXPECT_EQ(Problems(R"({"server": {"allowed_hosts": "x.example"}})"),
            std::vector<std::string>{"server.allowed_hosts: expected a list of host names such as "
                                     "\"goclaw.example.com\", got string \"x.example\""});
}

TEST(ConfigSchemaTest, LimitsSection) {
  Config c;
  EXPECT_TRUE(Problems(R"({"limits": {"max_output_bytes": 65536, "max_config_bytes": 2048,
                                      "max_workflow_output_bytes": 1048576, "max_status_bytes": 4096,
                                      "max_task_log_bytes": 100}})",
                       &c)
                  .empty());
  EXPECT_EQ(c.limits.max_output_bytes, 65536);
  EXPECT_EQ(c.limits.max_config_bytes, 2048);
  EXPECT_EQ(c.limits.max_workflow_output_bytes, 1048576);
  EXPECT_EQ(c.limits.max_task_log_bytes, 100);
  EXPECT_EQ(c.limits.max_status_bytes, 4096);
  auto bad = Problems(R"({"limits": {"max_output_bytes": 10, "max_config_bytes": "big", "max_outputs": 1}})");
  ASSERT_EQ(bad.size(), 3u);
  EXPECT_NE(bad[0].find("limits.max_output_bytes"), std::string::npos) << bad[0];
  Config defaults;
  EXPECT_EQ(defaults.limits.max_config_bytes, 1 << 20);
}

TEST(ConfigSchemaTest, EgressAndLineageLimit) {
  Config c;
  EXPECT_FALSE(c.executors.http.egress.allow_self);  // a task may not call its own server
  EXPECT_EQ(c.limits.max_lineage_depth, 8);
  EXPECT_TRUE(Problems(R"({"executors": {"http": {"egress": {
                              "allow": ["api.example.com", "*.internal:8443", "10.0.0.0/8"],
                              "deny": ["[::1]:9000", "169.254.0.0/16"], "allow_self": true}}},
                           "limits": {"max_lineage_depth": 2}})", &c).empty());
  EXPECT_EQ(c.executors.http.egress.allow,
            (std::vector<std::string>{"api.example.com", "*.internal:8443", "10.0.0.0/8"}));
  EXPECT_EQ(c.executors.http.egress.deny, (std::vector<std::string>{"[::1]:9000", "169.254.0.0/16"}));
  EXPECT_TRUE(c.executors.http.egress.allow_self);
  EXPECT_EQ(c.limits.max_lineage_depth, 2);

  auto bad = Problems(R"({"executors": {"http": {"egress": {"deny": ["ok.example", "a b", 7],
                                                            "allow": "x", "alow_self": true}}},
                          "limits": {"max_lineage_depth": -1}})");
  ASSERT_EQ(bad.size(), 5u) << ::testing::PrintToString(bad);
  EXPECT_THAT(bad, ::testing::Contains(::testing::StartsWith(
                       "executors.http.egress.deny[1]: invalid host pattern \"a b\"")));
  EXPECT_THAT(bad, ::testing::Contains(::testing::StartsWith(
                       "executors.http.egress.deny[2]: expected a host pattern string")));
  EXPECT_THAT(bad, ::testing::Contains(::testing::StartsWith(
                       "executors.http.egress.allow: expected a list of host patterns")));
  EXPECT_THAT(bad, ::testing::Contains(::testing::StartsWith("executors.http.egress.alow_self")));
  EXPECT_THAT(bad, ::testing::Contains(::testing::StartsWith("limits.max_lineage_depth")));
}

TEST(ConfigSchemaTest, GrpcAndWorkersSections) {
  Config defaults;
  EXPECT_TRUE(defaults.grpc.enabled);
  EXPECT_EQ(defaults.grpc.host, "127.0.0.1");  // loopback unless configured otherwise
  EXPECT_EQ(defaults.grpc.port, 9090);
  EXPECT_EQ(defaults.grpc.max_receive_message_bytes, 4 << 20);
  EXPECT_TRUE(defaults.grpc.reflection);
  EXPECT_LT(defaults.workers.heartbeat_interval, defaults.workers.heartbeat_timeout);

  Config c;
  EXPECT_TRUE(Problems(R"({"grpc": {"enabled": false, "host": "0.0.0.0", "port": 0, "max_receive_message_bytes": 65536,
                                    "max_send_message_bytes": 1048576, "max_wait": "1m", "drain_timeout": "3s",
                                    "max_streams": 5, "reflection": false},
                           "workers": {"heartbeat_interval": "1s", "heartbeat_timeout": "4s", "max_workers": 7,
                                       "max_capacity": 9, "max_lost_attempts": 3, "max_log_line_bytes": 1024}})",
                       &c)
                  .empty());
  EXPECT_FALSE(c.grpc.enabled);
  EXPECT_EQ(c.grpc.host, "0.0.0.0");
  EXPECT_EQ(c.grpc.port, 0);
  EXPECT_EQ(c.grpc.max_receive_message_bytes, 65536);
  EXPECT_EQ(c.grpc.max_send_message_bytes, 1048576);
  EXPECT_EQ(c.grpc.max_wait, Millis(60000));
  EXPECT_EQ(c.grpc.drain_timeout, Millis(3000));
  EXPECT_EQ(c.grpc.max_streams, 5);
  EXPECT_FALSE(c.grpc.reflection);
  EXPECT_EQ(c.workers.heartbeat_interval, Millis(1000));
  EXPECT_EQ(c.workers.heartbeat_timeout, Millis(4000));
  EXPECT_EQ(c.workers.max_workers, 7);
  EXPECT_EQ(c.workers.max_capacity, 9);
  EXPECT_EQ(c.workers.max_lost_attempts, 3);
  EXPECT_EQ(c.workers.max_log_line_bytes, 1024);
  // What config print shows reads back the same.
  Config again;
  EXPECT_TRUE(Problems(boost::json::serialize(EncodeConfig(c)), &again).empty());
  EXPECT_EQ(again.grpc.max_wait, c.grpc.max_wait);
  EXPECT_EQ(again.workers.heartbeat_timeout, c.workers.heartbeat_timeout);

  auto bad = Problems(R"({"grpc": {"port": 70000, "host": "", "max_receive_message_bytes": 10, "max_streams": 0,
                                   "max_wait": "soon", "reflektion": true},
                          "workers": {"heartbeat_interval": "5s", "heartbeat_timeout": "2s", "max_capacity": 0,
                                      "max_log_line_bytes": 1}})");
  auto has = [&](const std::string& path) {
    return std::any_of(bad.begin(), bad.end(), [&](const std::string& p) { return p.rfind(path + ":", 0) == 0; });
  };
  for (const char* path : {"grpc.port", "grpc.host", "grpc.max_receive_message_bytes", "grpc.max_streams",
                           "grpc.max_wait", "grpc.reflektion", "workers.heartbeat_timeout", "workers.max_capacity",
                           "workers.max_log_line_bytes"}) {
    EXPECT_TRUE(has(path)) << path << " not in " << ::testing::PrintToString(bad);
  }
  EXPECT_THAT(bad, ::testing::Contains(::testing::HasSubstr("did you mean grpc.reflection")));
  EXPECT_THAT(Problems(R"({"workers": {"heartbeat_interval": "0s"}})"),
              ::testing::Contains(::testing::StartsWith("workers.heartbeat_interval:")));
  EXPECT_THAT(Problems(R"({"grpc": "on"})"), ::testing::Contains(::testing::StartsWith("grpc:")));
}

TEST(ConfigSchemaTest, UiSection) {
  Config defaults;
  EXPECT_TRUE(defaults.ui.enabled);  // served at /ui when its files are found
  EXPECT_EQ(defaults.ui.dir, "");    // "": found (GOCLAW_UI_DIR, installed, build tree)
  Config c;
  EXPECT_TRUE(Problems(R"({"ui": {"enabled": false, "dir": "/opt/goclaw/ui"}})", &c).empty());
  EXPECT_FALSE(c.ui.enabled);
  EXPECT_EQ(c.ui.dir, "/opt/goclaw/ui");
  Config again;
  EXPECT_TRUE(Problems(boost::json::serialize(EncodeConfig(c)), &again).empty());
  EXPECT_FALSE(again.ui.enabled);
  EXPECT_EQ(again.ui.dir, "/opt/goclaw/ui");
  EXPECT_THAT(Problems(R"({"ui": {"enabled": "yes", "dri": "x", "dir": 5}})"),
              ::testing::UnorderedElementsAre(::testing::StartsWith("ui.enabled: "), ::testing::StartsWith("ui.dri: "),
                                              ::testing::StartsWith("ui.dir: ")));
  EXPECT_THAT(Problems(R"({"ui": true})"), ::testing::Contains(::testing::StartsWith("ui:")));
}

}  // namespace
}  // namespace goclaw::config
