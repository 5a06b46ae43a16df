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

TEST(ServerE2eTest, ClientCommandsTalkToTheServer) {
  ServerProcess server;
  ASSERT_GT(server.port(), 0) << server.Stderr();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  CommandResult submitted = RunGoclaw({"submit", SourcePath("examples/hello.yaml"), "--server", url, "--wait",
                                       "--input", "name=e2e"});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  EXPECT_THAT(submitted.out, HasSubstr("completed"));
  std::string id = submitted.out.substr(0, submitted.out.find(' '));
  ASSERT_TRUE(id.starts_with("wf-")) << submitted.out;

  CommandResult status = RunGoclaw({"status", id}, "", {"GOCLAW_SERVER=" + url});
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr(id + "  hello  completed"));
  CommandResult list = RunGoclaw({"list", "--server", url, "--status", "completed"});
  EXPECT_THAT(list.out, HasSubstr("1 workflows"));
  CommandResult events = RunGoclaw({"events", id, "--server", url, "--follow"});
  EXPECT_EQ(events.exit_code, 0) << events.err;
  EXPECT_THAT(events.out, HasSubstr("workflow  running -> completed"));
  CommandResult async = RunGoclaw({"submit", SourcePath("examples/hello.yaml"), "--server", url});
  EXPECT_EQ(async.exit_code, 0) << async.err;
  EXPECT_TRUE(async.out.starts_with("wf-")) << async.out;

  CommandResult cancel = RunGoclaw({"cancel", id, "--server", url});
  EXPECT_EQ(cancel.exit_code, 1);
  EXPECT_THAT(cancel.err, HasSubstr("already completed"));
  CommandResult unknown = RunGoclaw({"status", "wf-nope", "--server", url});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no workflow"));
  CommandResult bad_spec = RunGoclaw({"submit", "-", "--server", url}, "tasks: [{id: a, depends_on: [zz]}]");
  EXPECT_EQ(bad_spec.exit_code, 1);
  EXPECT_THAT(bad_spec.err, HasSubstr("tasks[0].depends_on[0]"));
  EXPECT_EQ(server.Stop(SIGTERM), 0);
  CommandResult down = RunGoclaw({"list", "--server", url});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_THAT(down.err, HasSubstr("cannot reach the goclaw server"));
}

}  // namespace
}  // namespace goclaw::testing
