// Sessions over REST against a real server (port 0, RocksDB in a temp dir): each queue mode
// (followup, steer, collect, interrupt), the cap with drop newest, the session views, bad input
// per route, and waiting inputs that survive a restart and then run in order.
//
// The sessions' workflow is one function task that answers when it gets a "finish" signal,
// with the input it started with and the steer parameters it received meanwhile.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "goclaw/client/test_http_client.h"
#include "goclaw/server/server.h"
#include "goclaw/server/test_server_fixture.h"

namespace goclaw::server {
namespace {

using client::testing::TestHttpClient;
using ::testing::HasSubstr;

config::SessionKindConfig Kind(const std::string& match, config::QueueMode mode, std::int64_t cap = 20,
                               config::DropPolicy drop = config::DropPolicy::kOldest) {
  config::SessionKindConfig k;
  k.match = match;
  k.workflow = boost::json::object{
      {"name", "chat"},
      {"tasks", boost::json::array{{{"id", "reply"}, {"type", "function"}, {"config", {{"name", "reply"}}}}}}};
  k.queue_mode = mode;
  k.cap = cap;
  k.drop = drop;
  return k;
}

class SessionsApiTest : public testing::ServerFixture {
 protected:
  SessionsApiTest() { StartServer(); }

  void StartServer() {
    config::Config c = Config();
    c.shutdown.drain_timeout = std::chrono::milliseconds(100);
    c.sessions = {Kind("f:*", config::QueueMode::kFollowup), Kind("s:*", config::QueueMode::kSteer),
                  Kind("c:*", config::QueueMode::kCollect), Kind("i:*", config::QueueMode::kInterrupt),
                  Kind("d:*", config::QueueMode::kFollowup, 1, config::DropPolicy::kNewest),
                  Kind("m:*", config::QueueMode::kFollowup, 1, config::DropPolicy::kSummarize)};
    c.sessions.back().summarize = boost::json::object{{"type", "function"}, {"config", {{"name", "merge"}}}};
    // Resume runs the recovered runs at once: the function must exist before the server starts.
    Restart(c, [](engine::Engine& e) {
      // Merges the waiting inputs' messages into one input.
      (void)e.RegisterFunction("merge", [](engine::TaskContext& ctx) -> Result<boost::json::value> {
        std::string joined;
        for (const auto& in : ctx.input.at("inputs").as_array()) {
          joined += (joined.empty() ? "" : " + ") + std::string(in.at("message").as_string());
        }
        return boost::json::object{{"message", joined}};
      });
      (void)e.RegisterFunction("reply", [](engine::TaskContext& ctx) -> Result<boost::json::value> {
        boost::json::array steered;
        while (auto m = ctx.wait(std::chrono::seconds(30))) {
          if (m->kind == "finish") return boost::json::object{{"input", ctx.input}, {"steered", steered}};
          if (m->kind == "steer") steered.push_back(m->payload.at("parameters"));
          if (m->kind == "interrupt") return MakeError(ErrorCode::kAborted, "interrupted");
        }
        return MakeError(ErrorCode::kCancelled, "cancelled");
      });
    });
  }

  boost::json::object Input(const std::string& key, const std::string& body, int status = 202) {
    client::Response r = client_->PostJson("/api/v1/sessions/" + key + "/input", body);
    EXPECT_EQ(r.status, status) << key << " " << body << " -> " << r.body;
    return r.status > 0 ? r.Json().as_object() : boost::json::object();
  }
  boost::json::object Session(const std::string& key) {
    client::Response r = client_->Get("/api/v1/sessions/" + key);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json().as_object();
  }
  void Finish(const std::string& id) {
    client::Response r = client_->PostJson("/api/v1/workflows/" + id + "/signals", R"({"kind": "finish"})");
    ASSERT_EQ(r.status, 202) << r.body;
  }
  engine::WorkflowStatus Wait(const std::string& id) {
    auto st = server_->engine().Wait(id, std::chrono::milliseconds(20000));
    EXPECT_TRUE(st) << st.error().ToString();
    return st ? *st : engine::WorkflowStatus{};
  }
  // Waits until the session's active run is another than `previous` (or none, for "").
  std::string NextRun(const std::string& key, const std::string& previous) {
    for (int k = 0; k < 1000; ++k) {
      boost::json::object s = Session(key);
      const boost::json::value& active = s.at("active_run");
      if (active.is_string() && active.get_string() != previous) {
        std::string id(active.get_string());
        WaitRunning(id);
        return id;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << key << ": no run after " << previous;
    return "";
  }
  void WaitRunning(const std::string& id) {
    for (int k = 0; k < 1000; ++k) {
      auto st = server_->engine().Get(id);
      if (st && st->tasks[0].state == engine::TaskState::kRunning) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << id << " never ran";
  }

};

TEST_F(SessionsApiTest, FollowupQueuesInputsAndRunsThemOneAfterAnother) {
  boost::json::object a = Input("f:alice", R"({"input": {"message": "a"}})");
  EXPECT_EQ(a.at("action"), "started");
  const std::string first(a.at("workflow_id").as_string());
  WaitRunning(first);
  boost::json::object b = Input("f:alice", R"({"input": {"message": "b"}})");
  EXPECT_EQ(b.at("action"), "queued");
  EXPECT_EQ(b.at("position"), 1);
  EXPECT_EQ(Input("f:alice", R"({"input": {"message": "c"}})").at("position"), 2);
  boost::json::object view = Session("f:alice");
  EXPECT_EQ(view.at("active_run"), boost::json::value(first));
  EXPECT_EQ(view.at("queue_mode"), "followup");
  ASSERT_EQ(view.at("waiting").as_array().size(), 2u);
  EXPECT_EQ(view.at("waiting").at(0).at("input").at("message"), "b");
  // The run's metadata names its session.
  EXPECT_EQ(server_->engine().Get(first)->metadata.at("session"), "f:alice");

  Finish(first);
  EXPECT_EQ(Wait(first).tasks[0].output.at("input").at("message"), "a");
  const std::string second = NextRun("f:alice", first);
  Finish(second);
  EXPECT_EQ(Wait(second).tasks[0].output.at("input").at("message"), "b");
  const std::string third = NextRun("f:alice", second);
  Finish(third);
  EXPECT_EQ(Wait(third).tasks[0].output.at("input").at("message"), "c");
  client::Response list = client_->Get("/api/v1/sessions");
  ASSERT_EQ(list.status, 200);
}

TEST_F(SessionsApiTest, SteerSendsTheInputToTheActiveRun) {
  const std::string run(Input("s:bob", R"({"input": {"message": "hello"}})").at("workflow_id").as_string());
  WaitRunning(run);
  boost::json::object b = Input("s:bob", R"({"input": {"message": "shorter please"}})");
  EXPECT_EQ(b.at("action"), "steered");
  EXPECT_EQ(b.at("workflow_id"), boost::json::value(run));
  Finish(run);
  engine::WorkflowStatus st = Wait(run);
  ASSERT_EQ(st.state, engine::WorkflowState::kCompleted) << st.error;
  const auto& steered = st.tasks[0].output.at("steered").as_array();
  ASSERT_EQ(steered.size(), 1u);
  EXPECT_EQ(steered[0].at("input").at("message"), "shorter please");
}

TEST_F(SessionsApiTest, CollectCoalescesWaitingInputsIntoOneRun) {
  const std::string first(Input("c:carol", R"({"input": {"message": "1"}})").at("workflow_id").as_string());
  WaitRunning(first);
  EXPECT_EQ(Input("c:carol", R"({"input": {"message": "2"}})").at("action"), "queued");
  EXPECT_EQ(Input("c:carol", R"({"input": {"message": "3"}})").at("action"), "coalesced");
  Finish(first);
  const std::string merged = NextRun("c:carol", first);
  Finish(merged);
  engine::WorkflowStatus st = Wait(merged);
  const auto& inputs = st.tasks[0].output.at("input").at("inputs").as_array();
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_EQ(inputs[0].at("message"), "2");
  EXPECT_EQ(inputs[1].at("message"), "3");
}

TEST_F(SessionsApiTest, InterruptStopsTheActiveRunAndStartsTheNewInput) {
  const std::string first(Input("i:dan", R"({"input": {"message": "long task"}})").at("workflow_id").as_string());
  WaitRunning(first);
  boost::json::object b = Input("i:dan", R"({"input": {"message": "never mind"}})");
  EXPECT_EQ(b.at("action"), "interrupted");
  EXPECT_EQ(Wait(first).state, engine::WorkflowState::kFailed);
  const std::string second = NextRun("i:dan", first);
  Finish(second);
  EXPECT_EQ(Wait(second).tasks[0].output.at("input").at("message"), "never mind");
}

TEST_F(SessionsApiTest, PastTheCapDropNewestRefusesTheInput) {
  const std::string first(Input("d:eve", R"({"input": {"n": 1}})").at("workflow_id").as_string());
  WaitRunning(first);
  EXPECT_EQ(Input("d:eve", R"({"input": {"n": 2}})").at("action"), "queued");
  EXPECT_EQ(Input("d:eve", R"({"input": {"n": 3}})", 200).at("action"), "dropped");
  EXPECT_EQ(Session("d:eve").at("waiting").as_array().size(), 1u);
  Finish(first);
}

TEST_F(SessionsApiTest, PastTheCapSummarizeMergesTheWaitingInputsWithItsTask) {
  const std::string first(Input("m:gus", R"({"input": {"message": "a"}})").at("workflow_id").as_string());
  WaitRunning(first);
  EXPECT_EQ(Input("m:gus", R"({"input": {"message": "b"}})").at("action"), "queued");
  EXPECT_EQ(Input("m:gus", R"({"input": {"message": "c"}})").at("action"), "coalesced");
  boost::json::object view = Session("m:gus");
  ASSERT_EQ(view.at("waiting").as_array().size(), 1u);
  EXPECT_EQ(view.at("waiting").at(0).at("input").at("message"), "b + c");
  Finish(first);
  const std::string second = NextRun("m:gus", first);
  Finish(second);
  EXPECT_EQ(Wait(second).tasks[0].output.at("input").at("message"), "b + c");
}

TEST_F(SessionsApiTest, BadInputGetsAClearErrorAndChangesNothing) {
  auto error_of = [&](const std::string& key, const std::string& body, int status) {
    client::Response r = client_->PostJson("/api/v1/sessions/" + key + "/input", body);
    EXPECT_EQ(r.status, status) << key << " " << body << " -> " << r.body;
    return r.status >= 400 ? r.Json().at("error").as_object() : boost::json::object();
  };
  EXPECT_EQ(error_of("f:x", "{nope", 400).at("code"), "BAD_REQUEST");
  EXPECT_EQ(error_of("f:x", "", 400).at("code"), "BAD_REQUEST");
  EXPECT_EQ(error_of("f:x", "{}", 400).at("details").at(0).at("path"), "input");
  EXPECT_EQ(error_of("f:x", R"({"input": "text"})", 400).at("details").at(0).at("path"), "input");
  EXPECT_EQ(error_of("f:x", R"({"input": {}, "colour": 1})", 400).at("details").at(0).at("path"), "colour");
  EXPECT_THAT(error_of("zzz:x", R"({"input": {}})", 404).at("message").as_string().c_str(), HasSubstr("f:*"));
  EXPECT_EQ(client_->Request("POST", "/api/v1/sessions/f:x/input", R"({"input": {}})", {{"Content-Type", "text/plain"}}).status,
            415);
  EXPECT_EQ(client_->Get("/api/v1/sessions/zzz:x").status, 404);
  EXPECT_EQ(client_->Get("/api/v1/sessions?limit=0").status, 400);
  EXPECT_EQ(client_->Get("/api/v1/sessions?colour=red").status, 400);
  // Nothing started.
  EXPECT_TRUE(Session("f:x").at("active_run").is_null());
  EXPECT_EQ(client_->Get("/api/v1/sessions").Json().at("total"), 0);
}

TEST_F(SessionsApiTest, WaitingInputsSurviveARestartAndRunInOrder) {
  const std::string first(Input("f:fay", R"({"input": {"message": "a"}})").at("workflow_id").as_string());
  WaitRunning(first);
  Input("f:fay", R"({"input": {"message": "b"}})");
  Input("f:fay", R"({"input": {"message": "c"}})");
  StartServer();
  boost::json::object view = Session("f:fay");
  EXPECT_EQ(view.at("active_run"), boost::json::value(first));
  ASSERT_EQ(view.at("waiting").as_array().size(), 2u);
  WaitRunning(first);  // the recovered run runs again
  Finish(first);
  const std::string second = NextRun("f:fay", first);
  Finish(second);
  EXPECT_EQ(Wait(second).tasks[0].output.at("input").at("message"), "b");
  const std::string third = NextRun("f:fay", second);
  Finish(third);
  EXPECT_EQ(Wait(third).tasks[0].output.at("input").at("message"), "c");
}

}  // namespace
}  // namespace goclaw::server
