// `goclaw server` as a user runs it: the real binary on a free port, real HTTP requests,
// SIGTERM that drains and exits 0, and clear failures for bad settings.
#include <signal.h>

#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "goclaw/client/test_http_client.h"
#include "goclaw/client/websocket_client.h"
#include "goclaw/core/test_shell.h"
#include "run_command.h"
#include "server_process.h"

namespace goclaw::testing {
namespace {

using client::testing::TestHttpClient;
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

// What the README tells a new user to do: submit with curl, watch over WebSocket, read metrics.
TEST(ServerE2eTest, CurlSubmitsFanoutWebSocketWatchesItFinishMetricsPassPromtool) {
  ServerProcess server;
  ASSERT_GT(server.port(), 0) << server.Stderr();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  auto ws = client::WebSocketClient::Connect(url, "/ws/events");
  ASSERT_TRUE(ws) << ws.error().ToString();
  ASSERT_TRUE((*ws)->Send(R"({"type": "subscribe", "kinds": ["task.completed", "workflow.*"]})"));
  ASSERT_THAT(*(*ws)->Read(Millis(10000)), HasSubstr("subscribed"));

  ShellResult submit = RunShell("curl -sS -X POST -H 'Content-Type: application/yaml' --data-binary @" +
                          SourcePath("examples/fanout.yaml") + " '" + url + "/api/v1/workflows?async=true'");
  ASSERT_EQ(submit.exit_code, 0) << submit.output;
  boost::system::error_code ec;
  auto accepted = boost::json::parse(submit.output, ec);
  ASSERT_FALSE(ec) << submit.output;
  const std::string id(accepted.at("id").as_string());

  int tasks_completed = 0;
  std::string last_kind;
  while (last_kind != "workflow.completed") {
    auto text = (*ws)->Read(Millis(30000));
    ASSERT_TRUE(text) << text.error().ToString();
    auto m = boost::json::parse(*text).as_object();
    ASSERT_EQ(std::string(m.at("workflow_id").as_string()), id);
    last_kind = std::string(m.at("kind").as_string());
    tasks_completed += last_kind == "task.completed";
    ASSERT_NE(last_kind, "workflow.failed") << *text;
  }
  EXPECT_EQ(tasks_completed, 1002);  // start, 1,000 workers, join

  // `goclaw events --follow` streams a running workflow until it ends.
  ShellResult slow = RunShell("curl -sS -X POST -H 'Content-Type: application/json' -d '{\"tasks\": [{\"id\": \"nap\", "
                        "\"config\": {\"op\": \"sleep\", \"duration\": \"500ms\"}}]}' '" + url +
                        "/api/v1/workflows?async=true'");
  ASSERT_EQ(slow.exit_code, 0) << slow.output;
  const std::string slow_id(boost::json::parse(slow.output).at("id").as_string());
  CommandResult follow = RunGoclaw({"events", slow_id, "--follow", "--server", url});
  EXPECT_EQ(follow.exit_code, 0) << follow.err;
  EXPECT_THAT(follow.out, HasSubstr("nap  running -> completed"));
  EXPECT_THAT(follow.out, HasSubstr("workflow  running -> completed"));
  CommandResult unknown = RunGoclaw({"events", "wf-nope", "--follow", "--server", url});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no workflow"));

  ShellResult metrics = RunShell("curl -sS " + url + "/metrics | promtool check metrics");
  EXPECT_EQ(metrics.exit_code, 0) << metrics.output;
  EXPECT_EQ(metrics.output, "");
  ShellResult scraped = RunShell("curl -sS " + url + "/metrics");
  EXPECT_THAT(scraped.output, HasSubstr("goclaw_tasks_entered_total{state=\"completed\"} 1003"));
  EXPECT_THAT(scraped.output, HasSubstr("goclaw_ws_clients 1"));
  (*ws)->Close();
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
}

TEST(ServerE2eTest, BadSettingsAndABusyPortFailClearly) {
  CommandResult bad = RunGoclaw({"--set", "server.port=99999", "server"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("server.port"));
  ServerProcess first;
  ASSERT_GT(first.port(), 0);
  CommandResult busy = RunGoclaw({"--set", "server.port=" + std::to_string(first.port()), "server", "--ephemeral"});
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

TEST(ServerE2eTest, SignalCommandsApproveAWaitingStep) {
  ServerProcess server;
  ASSERT_GT(server.port(), 0) << server.Stderr();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  CommandResult submitted = RunGoclaw({"submit", SourcePath("examples/approval.yaml"), "--server", url});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.err;
  const std::string id = submitted.out.substr(0, submitted.out.find_first_of(" \n"));
  CommandResult sent = RunGoclaw({"signal", id, "approval", "--data", R"({"by": "alice"})", "--server", url});
  ASSERT_EQ(sent.exit_code, 0) << sent.err;
  EXPECT_EQ(sent.out, "signal 1 (approval) pending\n");
  CommandResult events = RunGoclaw({"events", id, "--server", url, "--follow"});  // until it finishes
  EXPECT_EQ(events.exit_code, 0) << events.err;
  EXPECT_THAT(events.out, HasSubstr("approve  signal 1 (approval) delivered -> acknowledged"));
  EXPECT_THAT(events.out, HasSubstr("workflow  running -> completed"));
  CommandResult listed = RunGoclaw({"signals", id, "--server", url});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("1  approval  acknowledged"));
  EXPECT_THAT(RunGoclaw({"status", id, "--server", url, "--json"}).out, HasSubstr("\"approved_by\": \"alice\""));

  CommandResult bad_data = RunGoclaw({"signal", id, "approval", "--data", "[1]", "--server", url});
  EXPECT_EQ(bad_data.exit_code, 2);
  EXPECT_THAT(bad_data.err, HasSubstr("--data must be a JSON object"));
  CommandResult finished = RunGoclaw({"signal", id, "approval", "--server", url});
  EXPECT_EQ(finished.exit_code, 1);
  EXPECT_THAT(finished.err, HasSubstr("already completed"));
  CommandResult bad_kind = RunGoclaw({"signal", id, "no good", "--server", url});
  EXPECT_EQ(bad_kind.exit_code, 1);
  EXPECT_THAT(bad_kind.err, HasSubstr("kind"));
  CommandResult unknown = RunGoclaw({"signals", "wf-00000000-0000-7000-8000-000000000000", "--server", url});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no workflow"));
  EXPECT_EQ(server.Stop(SIGTERM), 0);
}

}  // namespace
}  // namespace goclaw::testing
