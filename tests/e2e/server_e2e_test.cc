// `goclaw server` as a user runs it: the real binary on a free port, real HTTP requests,
// SIGTERM that drains and exits 0, and clear failures for bad settings.
#include <signal.h>

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/api/http/test_http_client.h"
#include "run_command.h"
#include "server_process.h"

namespace goclaw::testing {
namespace {

using api::testing::TestHttpClient;
using ::testing::HasSubstr;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ServerE2eTest, RunsTheFanoutExampleAndStopsCleanlyOnSigterm) {
  ServerProcess server;
  ASSERT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  EXPECT_EQ(client.Get("/ready").status, 200);
  auto r = client.Request("POST", "/api/v1/workflows", ReadFile(SourcePath("examples/fanout.yaml")),
                          {{"Content-Type", "application/yaml"}});
  ASSERT_EQ(r.status, 201) << r.body.substr(0, 500);
  auto j = r.Json();
  EXPECT_EQ(j.at("status"), "completed");
  EXPECT_GT(j.at("tasks").as_array().size(), 1000u);
  auto list = client.Get("/api/v1/workflows").Json();
  EXPECT_EQ(list.at("total"), 1);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
  EXPECT_THAT(server.Stderr(), HasSubstr("shutting down"));
}

TEST(ServerE2eTest, BadSettingsAndABusyPortFailClearly) {
  CommandResult bad = RunGoclaw({"--set", "server.port=99999", "server"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("server.port"));
  ServerProcess first;
  ASSERT_GT(first.port(), 0);
  CommandResult busy = RunGoclaw({"--set", "server.port=" + std::to_string(first.port()), "server"});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_THAT(busy.err, HasSubstr("cannot listen"));
  EXPECT_EQ(first.Stop(SIGINT), 0);
}

}  // namespace
}  // namespace goclaw::testing
