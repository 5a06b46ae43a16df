#include "goclaw/config/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace goclaw::config {
namespace {

class ConfigLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("goclaw_config_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    auto path = dir_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

TEST_F(ConfigLoaderTest, DefaultsOnly) {
  auto c = LoadConfig({});
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->server.port, 8080);
}

// Regression (issue 12): `--config /dev/zero` read without end.
TEST_F(ConfigLoaderTest, EndlessConfigFileIsRefusedAtTheLimit) {
  ConfigSources sources;
  sources.file_path = "/dev/zero";
  auto c = LoadConfig(sources);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_NE(c.error().message().find("/dev/zero is more than"), std::string::npos) << c.error().message();
}

TEST_F(ConfigLoaderTest, LayersOverrideInOrder) {
  std::string file = Write("goclaw.yaml",
                           "server:\n  host: 0.0.0.0\n  port: 7000\nstorage:\n  path: /tmp/x\n"
                           "log:\n  level: warn\n");
  ConfigSources sources;
  sources.file_path = file;
  sources.env = {{"GOCLAW_SERVER_PORT", "9090"},
                 {"GOCLAW_STORAGE_SYNC_MODE", "always"},
                 {"GOCLAW_LOG_MODULES_DAG", "debug"},
                 {"GOCLAW_EXECUTORS_EXEC_ENABLED", "true"},
                 {"GOCLAW_EXECUTORS_EXEC_ALLOW", "[python3, cat]"},
                 {"GOCLAW_SERVER", "http://elsewhere"},  // not a config key: ignored
                 {"PATH", "/usr/bin"}};
  sources.flags = {"server.port=9191", "lanes=[{name: llm, max_concurrency: 2}]"};
  auto c = LoadConfig(sources);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->server.host, "0.0.0.0");  // file
  EXPECT_EQ(c->server.port, 9191);       // flag beats env beats file
  EXPECT_EQ(c->storage.path, "/tmp/x");
  EXPECT_EQ(c->storage.sync_mode, SyncMode::kAlways);  // env
  EXPECT_EQ(c->log.level, "warn");
  EXPECT_EQ(c->log.modules.at("dag"), "debug");
  EXPECT_TRUE(c->executors.exec.enabled);
  EXPECT_EQ(c->executors.exec.allow, (std::vector<std::string>{"python3", "cat"}));
  ASSERT_EQ(c->lanes.size(), 2u);
  EXPECT_EQ(c->lanes[1].name, "llm");
  EXPECT_EQ(c->lanes[1].max_concurrency, 2);
}

TEST_F(ConfigLoaderTest, LineageLimitFromEnvEgressFromFlags) {
  ConfigSources sources;
  sources.env = {{"GOCLAW_LIMITS_MAX_LINEAGE_DEPTH", "3"}};
  sources.flags = {"executors.http.egress.deny=[10.0.0.0/8, \"*.internal:8443\"]",
                   "executors.http.egress.allow_self=true"};
  auto c = LoadConfig(sources);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->limits.max_lineage_depth, 3);
  EXPECT_EQ(c->executors.http.egress.deny, (std::vector<std::string>{"10.0.0.0/8", "*.internal:8443"}));
  EXPECT_TRUE(c->executors.http.egress.allow_self);
}

TEST_F(ConfigLoaderTest, JsonFile) {
  auto c = LoadConfig({Write("c.json", R"({"server": {"port": 1}})"), {}, {}});
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->server.port, 1);
}

TEST_F(ConfigLoaderTest, EveryProblemNamesItsSource) {
  std::string file = Write("goclaw.yaml", "server:\n  port: 80\nstorage:\n  sycn_mode: batch\n");
  ConfigSources sources;
  sources.file_path = file;
  sources.env = {{"GOCLAW_SERVER_PORT", "eighty"}, {"GOCLAW_STORAGE_SYCN_MODE", "none"}};
  sources.flags = {"log.level=loud", "nonsense"};
  auto c = LoadConfig(sources);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message(), "configuration is invalid: 5 problems");
  std::vector<std::string> got;
  for (const auto& d : c.error().details()) {
    got.push_back(d.source + ":" + std::to_string(d.line) + ": " + d.path + ": " + d.message);
  }
  std::vector<std::string> want = {
      "--set nonsense:0: : expected key.path=value, e.g. --set server.port=9090",
      file + ":4: storage.sycn_mode: unknown key; did you mean storage.sync_mode?",
      "GOCLAW_SERVER_PORT:0: server.port: expected an integer from 0 to 65535, got string "
      "\"eighty\"",
      "GOCLAW_STORAGE_SYCN_MODE:0: storage.sycn_mode: unknown key; did you mean "
      "storage.sync_mode?",
      "--set log.level=loud:0: log.level: unknown value \"loud\"; accepted: trace, debug, info, "
      "warn, error, critical, off",
  };
  EXPECT_EQ(got, want);
}

TEST_F(ConfigLoaderTest, FileErrors) {
  auto missing = LoadConfig({(dir_ / "nope.yaml").string(), {}, {}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message().find("cannot read config file"), std::string::npos);

  auto syntax = LoadConfig({Write("bad.yaml", "server: [1, 2\n"), {}, {}});
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().message().find("bad.yaml: YAML syntax error at line"),
            std::string::npos)
      << syntax.error().message();

  auto empty = LoadConfig({Write("empty.yaml", "# nothing here\n"), {}, {}});
  ASSERT_TRUE(empty) << empty.error().ToString();

  auto list = LoadConfig({Write("list.yaml", "- a\n- b\n"), {}, {}});
  ASSERT_FALSE(list);
  EXPECT_NE(list.error().details()[0].message.find("expected the config file to be an object"),
            std::string::npos);
}

}  // namespace
}  // namespace goclaw::config
