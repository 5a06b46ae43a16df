// Task logs over REST (GET /api/v1/workflows/{id}/tasks/{task}/logs): what a function task
// reports on its attempt channel, per attempt, bounded, bad queries refused, and still there
// after a restart (read from the store's task_logs table).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "goclaw/client/test_http_client.h"
#include "goclaw/server/server.h"
#include "goclaw/server/test_server_fixture.h"

namespace goclaw::server {
namespace {

using ClientResponse = client::Response;
using client::testing::TestHttpClient;

class LogsTest : public testing::ServerFixture {
 protected:
  LogsTest() { StartServer(); }

  void StartServer() {
    Restart(Config());
    // Fails its first attempt after two lines; the second attempt logs one line and succeeds.
    ASSERT_TRUE(server_->engine().RegisterFunction("chatty", [](engine::TaskContext& ctx) -> Result<boost::json::value> {
      ctx.log("starting attempt " + std::to_string(ctx.attempt));
      if (ctx.attempt == 1) {
        ctx.log("bad \xff bytes and \"quotes\"");
        return MakeError(ErrorCode::kUnavailable, "try again");
      }
      ctx.progress(0.5, "half way");
      return boost::json::value("done");
    }));
  }
};

TEST_F(LogsTest, AFunctionsLinesPerAttemptSurviveARestart) {
  ClientResponse r = client_->Request(
      "POST", "/api/v1/workflows",
      R"({"tasks": [{"id": "talk", "type": "function", "config": {"name": "chatty"},
                     "retries": {"max": 1, "initial": "1ms", "max_delay": "1ms"}}]})",
      {{"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id(r.Json().at("id").as_string());
  const std::string path = "/api/v1/workflows/" + id + "/tasks/talk/logs";

  auto check = [&](const boost::json::value& logs) {
    EXPECT_EQ(logs.at("workflow_id"), boost::json::value(id));
    EXPECT_EQ(logs.at("task_id"), "talk");
    const auto& lines = logs.at("lines").as_array();
    ASSERT_EQ(lines.size(), 4u) << logs;
    EXPECT_EQ(lines[0].at("attempt"), 1);
    EXPECT_EQ(lines[0].at("stream"), "log");
    EXPECT_EQ(lines[0].at("text"), "starting attempt 1");
    EXPECT_EQ(lines[1].at("text"), "bad \xef\xbf\xbd bytes and \"quotes\"");  // repaired, not refused
    EXPECT_EQ(lines[2].at("attempt"), 2);
    EXPECT_EQ(lines[3].at("stream"), "progress");
    EXPECT_EQ(lines[3].at("text"), "50% half way");
    EXPECT_TRUE(lines[0].at("time").is_string());
    EXPECT_TRUE(logs.at("truncated_attempts").as_array().empty());
  };
  ClientResponse logs = client_->Get(path);
  ASSERT_EQ(logs.status, 200) << logs.body;
  check(logs.Json());
  ClientResponse second = client_->Get(path + "?attempt=2");
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(second.Json().at("lines").as_array().size(), 2u);

  // Bad input: a clear error, nothing changes.
  EXPECT_EQ(client_->Get(path + "?attempt=0").status, 400);
  EXPECT_EQ(client_->Get(path + "?attempt=two").status, 400);
  EXPECT_EQ(client_->Get(path + "?atempt=1").status, 400);
  EXPECT_EQ(client_->Get("/api/v1/workflows/" + id + "/tasks/nope/logs").status, 404);
  EXPECT_EQ(client_->Get("/api/v1/workflows/wf-00000000-0000-7000-8000-000000000000/tasks/talk/logs").status, 404);
  EXPECT_EQ(client_->Get("/api/v1/workflows/..%2F..%2Fetc/tasks/talk/logs").status, 400);

  // After a restart the run is not in memory: the lines come from the store.
  StartServer();
  ClientResponse again = client_->Get(path);
  ASSERT_EQ(again.status, 200) << again.body;
  check(again.Json());
}

}  // namespace
}  // namespace goclaw::server
