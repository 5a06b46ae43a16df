#include "goclaw/log/log.h"

#include <gtest/gtest.h>

#include <spdlog/sinks/ostream_sink.h>

#include <boost/json/parse.hpp>
#include <sstream>

namespace goclaw::log {
namespace {

struct Captured {
  std::ostringstream out;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink =
      std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
};

TEST(LogTest, JsonLinesCarryFields) {
  Captured cap;
  config::LogConfig cfg;
  cfg.format = config::LogFormat::kJson;
  Logging logging(cfg, cap.sink);
  Logger log = logging.For("dag").With("workflow_id", "wf-1").With("task_id", "t\"1");
  log.Info("compiled {} tasks", 3);
  auto v = boost::json::parse(cap.out.str());
  EXPECT_EQ(v.at("level"), "info");
  EXPECT_EQ(v.at("module"), "dag");
  EXPECT_EQ(v.at("msg"), "compiled 3 tasks");
  EXPECT_EQ(v.at("workflow_id"), "wf-1");
  EXPECT_EQ(v.at("task_id"), "t\"1");
  EXPECT_EQ(v.at("ts").as_string().back(), 'Z');
}

TEST(LogTest, TextLinesCarryFields) {
  Captured cap;
  config::LogConfig cfg;
  cfg.format = config::LogFormat::kText;
  Logging logging(cfg, cap.sink);
  logging.For("engine").With("request_id", "r-9").Warn("slow {}", "thing");
  std::string line = cap.out.str();
  EXPECT_NE(line.find("warn"), std::string::npos) << line;
  EXPECT_NE(line.find("engine"), std::string::npos);
  EXPECT_NE(line.find("slow thing request_id=r-9"), std::string::npos) << line;
}

TEST(LogTest, PerModuleLevels) {
  Captured cap;
  config::LogConfig cfg;
  cfg.format = config::LogFormat::kJson;
  cfg.level = "warn";
  cfg.modules["dag"] = "debug";
  Logging logging(cfg, cap.sink);
  logging.For("engine").Info("hidden");
  logging.For("dag").Debug("shown");
  EXPECT_EQ(cap.out.str().find("hidden"), std::string::npos);
  EXPECT_NE(cap.out.str().find("shown"), std::string::npos);
  EXPECT_FALSE(logging.For("engine").Enabled(Level::kInfo));
  EXPECT_TRUE(logging.For("engine").Enabled(Level::kError));
}

TEST(LogTest, DefaultLoggerDiscards) {
  Logger log;
  EXPECT_FALSE(log.Enabled(Level::kCritical));
  log.Error("nothing {}", 1);  // must not crash
}

}  // namespace
}  // namespace goclaw::log
