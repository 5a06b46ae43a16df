// End-to-end tests of the `goclaw` command line as a user runs it.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <filesystem>

#include "goclaw/core/document.h"
#include "run_command.h"

namespace goclaw::testing {
namespace {

TEST(CliE2E, VersionPrintsVersion) {
  CommandResult r = RunGoclaw({"version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("goclaw 0.", 0), 0u) << r.out;
}

TEST(CliE2E, EveryExampleValidates) {
  // With the lanes the examples use (validate refuses lanes that are not configured).
  const std::string config = SourcePath("examples/config/lanes.yaml");
  for (const auto& entry : std::filesystem::directory_iterator(SourcePath("examples"))) {
    auto ext = entry.path().extension();
    if (ext != ".yaml" && ext != ".json") continue;
    CommandResult r = RunGoclaw({"--config", config, "validate", entry.path().string()});
    EXPECT_EQ(r.exit_code, 0) << entry.path() << "\n" << r.err;
    EXPECT_NE(r.out.find(": ok ("), std::string::npos) << r.out;
  }
}

TEST(CliE2E, ValidateManyFilesReportsEachAndFails) {
  TempDir dir;
  std::string good = SourcePath("examples/hello.yaml");
  std::string bad = dir.Write("bad.yaml", "name: x\ntasks:\n  - id: a\n    depends_on: [b]\n");
  CommandResult r = RunGoclaw({"validate", good, bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(good + ": ok (4 tasks, 4 dependencies, 3 layers)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find(bad + ":4: tasks[0].depends_on[0]: unknown task \"b\""),
            std::string::npos)
      << r.err;
}

TEST(CliE2E, ValidateReadsStdin) {
  CommandResult r = RunGoclaw({"validate", "-"}, "tasks: [{id: a}, {id: b, depends_on: [a]}]\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "<stdin>: ok (2 tasks, 1 dependencies, 2 layers)\n");
}

TEST(CliE2E, MissingFileAndDirectory) {
  CommandResult missing = RunGoclaw({"validate", "/nonexistent/spec.yaml"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/spec.yaml: cannot read file: No such file"),
            std::string::npos)
      << missing.err;
  CommandResult dir = RunGoclaw({"validate", SourcePath("examples")});
  EXPECT_EQ(dir.exit_code, 1);
  EXPECT_NE(dir.err.find("is a directory"), std::string::npos);
}

TEST(CliE2E, PlanText) {
  CommandResult r = RunGoclaw({"plan", SourcePath("examples/research-report.yaml")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "workflow: research-report\n"
            "tasks: 6  dependencies: 6  layers: 4  widest layer: 2\n"
            "critical path: length 11, 4 tasks: search -> summarize -> fact-check -> publish\n"
            "layers:\n"
            "  0: search, fetch-docs\n"
            "  1: summarize\n"
            "  2: fact-check, style-review\n"
            "  3: publish\n");
}

TEST(CliE2E, PlanJsonAndDot) {
  CommandResult json = RunGoclaw({"plan", "--format", "json", SourcePath("examples/fanout.yaml")});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  auto v = boost::json::parse(json.out);
  EXPECT_EQ(v.at("task_count"), 1002);
  EXPECT_EQ(v.at("max_layer_width"), 1000);
  EXPECT_EQ(v.at("layers").as_array().size(), 3u);

  CommandResult dot = RunGoclaw({"plan", "--format", "dot", SourcePath("examples/hello.yaml")});
  ASSERT_EQ(dot.exit_code, 0);
  EXPECT_EQ(dot.out.rfind("digraph \"hello\" {", 0), 0u);
  EXPECT_NE(dot.out.find("\"greet\" -> \"pause\""), std::string::npos);

  CommandResult bad_format = RunGoclaw({"plan", "--format", "svg", SourcePath("examples/hello.yaml")});
  EXPECT_EQ(bad_format.exit_code, 2);
  EXPECT_NE(bad_format.err.find("svg"), std::string::npos) << bad_format.err;
}

TEST(CliE2E, PlanOfInvalidSpecFails) {
  TempDir dir;
  std::string bad = dir.Write("cycle.yaml", "tasks:\n  - {id: a, depends_on: [b]}\n  - {id: b, depends_on: [a]}\n");
  CommandResult r = RunGoclaw({"plan", bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("dependency cycle: a -> b -> a"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(CliE2E, ConfigPrintShowsLayeredValues) {
  TempDir dir;
  std::string file = dir.Write("goclaw.yaml", "server:\n  port: 7000\n  host: 0.0.0.0\n");
  CommandResult r = RunGoclaw({"--config", file, "config", "print", "--format", "json",
                               "--set", "storage.sync_mode=always"},
                              "", {"GOCLAW_SERVER_PORT=9090"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto v = boost::json::parse(r.out);
  EXPECT_EQ(v.at("server").at("port"), 9090);
  EXPECT_EQ(v.at("server").at("host"), "0.0.0.0");
  EXPECT_EQ(v.at("storage").at("sync_mode"), "always");
  EXPECT_EQ(v.at("lanes").as_array()[0].at("name"), "default");

  CommandResult yaml = RunGoclaw({"config", "print"});
  ASSERT_EQ(yaml.exit_code, 0);
  auto doc = ParseDocument(yaml.out, DocumentFormat::kYaml);
  ASSERT_TRUE(doc) << yaml.out;
  EXPECT_EQ(doc->root.at("server").at("host"), "127.0.0.1");
}

TEST(CliE2E, ConfigFromEnvironmentVariableFile) {
  TempDir dir;
  std::string file = dir.Write("c.json", R"({"server": {"port": 1234}})");
  CommandResult r = RunGoclaw({"config", "print", "--format", "json"}, "",
                              {"GOCLAW_CONFIG=" + file});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(boost::json::parse(r.out).at("server").at("port"), 1234);
}

TEST(CliE2E, ConfigCheckReportsEveryProblem) {
  TempDir dir;
  std::string file = dir.Write("goclaw.yaml",
                               "storage:\n  sycn_mode: batch\nserver:\n  port: 99999\n"
                               "lanes:\n  - {name: web, on_full: redirect, redirect_to: web}\n");
  CommandResult r = RunGoclaw({"config", "check", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(file + ":2: storage.sycn_mode: unknown key; did you mean "
                              "storage.sync_mode?"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(file + ":4: server.port: expected an integer from 0 to 65535"),
            std::string::npos)
      << r.err;

  std::string loop = dir.Write("loop.yaml",
                               "lanes:\n  - {name: web, on_full: redirect, redirect_to: web}\n");
  CommandResult l = RunGoclaw({"config", "check", loop});
  EXPECT_EQ(l.exit_code, 1);
  EXPECT_NE(l.err.find("lanes[0].redirect_to: redirect loop: web -> web"), std::string::npos)
      << l.err;

  std::string good = dir.Write("good.yaml", "server: {port: 9000}\n");
  CommandResult g = RunGoclaw({"config", "check", good});
  EXPECT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(g.out, good + ": ok\n");
}

TEST(CliE2E, EnvironmentTyposAreCaught) {
  CommandResult r = RunGoclaw({"config", "print"}, "", {"GOCLAW_STORAGE_SYCN_MODE=always"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("GOCLAW_STORAGE_SYCN_MODE: storage.sycn_mode: unknown key; did you mean "
                       "storage.sync_mode?"),
            std::string::npos)
      << r.err;
}

TEST(CliE2E, UsageErrorsExitTwo) {
  EXPECT_EQ(RunGoclaw({}).exit_code, 2);
  EXPECT_EQ(RunGoclaw({"validate"}).exit_code, 2);
  EXPECT_EQ(RunGoclaw({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunGoclaw({"validate", "--max-tasks", "-5", "x.yaml"}).exit_code, 2);
  CommandResult help = RunGoclaw({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("validate"), std::string::npos);
}

}  // namespace
}  // namespace goclaw::testing

namespace goclaw::testing {
namespace {

TEST(CliE2E, DebugLogsAreJsonOffATerminal) {
  CommandResult r = RunGoclaw({"--log-level", "debug", "validate",
                               SourcePath("examples/hello.yaml")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // stderr is a pipe here, so log.format=auto picks JSON lines.
  auto line = boost::json::parse(r.err.substr(0, r.err.find('\n')));
  EXPECT_EQ(line.at("level"), "debug");
  EXPECT_EQ(line.at("module"), "dag");
  EXPECT_EQ(line.at("spec").as_string(), SourcePath("examples/hello.yaml"));
  EXPECT_NE(line.at("msg").as_string().find("valid"), boost::json::string::npos);

  CommandResult text = RunGoclaw({"--log-level", "debug", "--log-format", "text", "validate",
                                  SourcePath("examples/hello.yaml")});
  EXPECT_NE(text.err.find("debug"), std::string::npos) << text.err;
  EXPECT_NE(text.err.find(" spec=" + SourcePath("examples/hello.yaml")), std::string::npos)
      << text.err;

  CommandResult quiet = RunGoclaw({"validate", SourcePath("examples/hello.yaml")});
  EXPECT_EQ(quiet.err, "");
}

}  // namespace
}  // namespace goclaw::testing
