// Signals over REST against a real server (port 0, RocksDB in a temp dir) and real agents: an
// http agent that receives steer signals at its signal_url mid-call and changes its answer;
// interrupts of an http call and of a subprocess (forced and graceful); a subprocess reading
// its GOCLAW_SIGNAL_FD; wait_signal approval; the reference Goclaw's request shape; bad input
// per route; and a pending signal surviving a restart.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <thread>

#include "goclaw/client/test_http_client.h"
#include "goclaw/net/test_loopback_server.h"
#include "goclaw/server/server.h"
#include "goclaw/server/test_server_fixture.h"

namespace goclaw::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using boost::asio::ip::tcp;
using client::testing::TestHttpClient;
using ::testing::HasSubstr;

// An agent: POST /work answers once a steer arrived at /signals (with the steered tone), or
// after 10 s with the default; /hang never answers until the test ends.
class Agent {
 public:
  Agent() : server_([this](tcp::socket s) { Serve(std::move(s)); }) {}
  ~Agent() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
  }
  std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(server_.port()) + path; }
  std::vector<boost::json::object> signals() {
    std::lock_guard lock(mu_);
    return signals_;
  }
  bool WorkStarted() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return working_; });
  }

 private:
  void Serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> req;
      beast::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.keep_alive(false);  // one exchange per connection: nothing idles when the test ends
      res.set(http::field::content_type, "application/json");
      const std::string target(req.target());
      if (target == "/signals") {
        boost::json::object s = boost::json::parse(req.body()).as_object();
        s["idempotency_key"] = std::string(req["Idempotency-Key"]);
        {
          std::lock_guard lock(mu_);
          signals_.push_back(std::move(s));
        }
        cv_.notify_all();
        res.body() = R"({"ok": true})";
      } else if (target == "/work") {
        std::unique_lock lock(mu_);
        working_ = true;
        cv_.notify_all();
        cv_.wait_for(lock, std::chrono::seconds(10), [&] { return stopping_ || !signals_.empty(); });
        std::string tone = "default";
        if (!signals_.empty()) tone = signals_.back().at("payload").at("parameters").at("tone").as_string().c_str();
        res.body() = boost::json::serialize(boost::json::object{{"tone", tone}});
      } else if (target == "/hang") {
        std::unique_lock lock(mu_);
        working_ = true;
        cv_.notify_all();
        cv_.wait(lock, [&] { return stopping_; });
        return;
      }
      res.prepare_payload();
      http::write(socket, res, ec);
      return;
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool working_ = false;
  std::vector<boost::json::object> signals_;
  net::testing::LoopbackServer server_;  // last: its threads stop first
};

class SignalsApiTest : public testing::ServerFixture {
 protected:
  SignalsApiTest() { StartServer(); }

  void StartServer() {
    config::Config c = Config();
    c.executors.exec.enabled = true;
    c.executors.exec.allow = {"sh", "sleep"};
    c.shutdown.drain_timeout = std::chrono::milliseconds(100);  // a restart does not wait for the gate
    Restart(c);
  }

  std::string Submit(const std::string& spec) {
    client::Response r = client_->Request("POST", "/api/v1/workflows?async=true", spec, {{"Content-Type", "application/yaml"}});
    EXPECT_EQ(r.status, 202) << r.body;
    return std::string(r.Json().at("id").as_string());
  }
  void WaitForTask(const std::string& id, const std::string& task, const std::string& state) {
    for (int k = 0; k < 1000; ++k) {
      auto st = server_->engine().Get(id);
      for (const auto& t : st->tasks) {
        if (t.id == task && engine::TaskStateName(t.state) == state) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << task << " never reached " << state;
  }
  client::Response Signal(const std::string& id, const std::string& body) {
    return client_->PostJson("/api/v1/workflows/" + id + "/signals", body);
  }
  engine::WorkflowStatus Finish(const std::string& id) {
    auto st = server_->engine().Wait(id, std::chrono::milliseconds(20000));
    EXPECT_TRUE(st) << st.error().ToString();
    return st ? *st : engine::WorkflowStatus{};
  }

};

TEST_F(SignalsApiTest, AnHttpAgentIsSteeredMidCallAtItsSignalUrl) {
  Agent agent;
  const std::string id = Submit("tasks: [{id: call, type: http, config: {url: \"" + agent.Url("/work") +
                                "\", body: {q: hi}, signal_url: \"" + agent.Url("/signals") + "\"}}]");
  ASSERT_TRUE(agent.WorkStarted());
  WaitForTask(id, "call", "running");
  // The reference Goclaw's shape.
  client::Response r = Signal(id, R"({"type": "steer", "task_id": "call", "payload": {"parameters": {"tone": "brief"}}})");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.Json().at("seq"), 1);
  EXPECT_EQ(r.Json().at("state"), "pending");
  EXPECT_EQ(r.Json().at("kind"), "steer");
  EXPECT_EQ(r.Json().at("task"), "call");
  EXPECT_EQ(r.Json().at("workflow_id"), boost::json::value(id));
  engine::WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, engine::WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(st.tasks[0].output.at("body").at("tone"), "brief");
  auto received = agent.signals();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].at("seq"), 1);
  EXPECT_EQ(received[0].at("kind"), "steer");
  EXPECT_EQ(received[0].at("idempotency_key"), boost::json::value(id + "/call/signal/1"));
  // The agent's 200 to the signal may come after its answer to the call: the acknowledgement
  // follows the task's completion then.
  boost::json::value listed;
  for (int k = 0; k < 500; ++k) {
    client::Response history = client_->Get("/api/v1/workflows/" + id + "/signals");
    ASSERT_EQ(history.status, 200) << history.body;
    listed = history.Json();
    if (listed.at("signals").at(0).at("state") == "acknowledged") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto& s = listed.at("signals").at(0);
  EXPECT_EQ(s.at("state"), "acknowledged");
  EXPECT_EQ(s.at("deliveries").at(0).at("task"), "call");
  EXPECT_EQ(listed.at("total"), 1);
  // The exchange is in the task's log.
  client::Response logs = client_->Get("/api/v1/workflows/" + id + "/tasks/call/logs");
  EXPECT_THAT(logs.body, HasSubstr("signal 1 (steer) -> 200 OK"));
}

TEST_F(SignalsApiTest, InterruptEndsAnHttpCall) {
  Agent agent;
  const std::string id = Submit("tasks: [{id: call, type: http, retries: 2, config: {url: \"" + agent.Url("/hang") + "\"}}]");
  ASSERT_TRUE(agent.WorkStarted());
  WaitForTask(id, "call", "running");
  ASSERT_EQ(Signal(id, R"({"kind": "interrupt", "payload": {"reason": "too slow"}})").status, 202);
  engine::WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, engine::WorkflowState::kFailed);
  EXPECT_EQ(st.tasks[0].attempts, 1);
  EXPECT_THAT(st.tasks[0].error, HasSubstr("interrupted by signal 1: too slow"));
}

TEST_F(SignalsApiTest, InterruptEndsASubprocessForcedOrAfterItsGracePeriod) {
  const std::string forced = Submit("tasks: [{id: s, type: exec, config: {command: [sleep, '60']}}]");
  const std::string graceful = Submit("tasks: [{id: s, type: exec, config: {command: [sleep, '60']}}]");
  WaitForTask(forced, "s", "running");
  WaitForTask(graceful, "s", "running");
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(Signal(forced, R"({"kind": "interrupt", "task": "s"})").status, 202);
  ASSERT_EQ(Signal(graceful, R"({"kind": "interrupt", "task": "s", "payload": {"graceful": true, "timeout": "300ms"}})").status, 202);
  EXPECT_THAT(Finish(forced).tasks[0].error, HasSubstr("interrupted by signal 1"));
  engine::WorkflowStatus st = Finish(graceful);
  EXPECT_EQ(st.state, engine::WorkflowState::kFailed);
  EXPECT_THAT(st.tasks[0].error, HasSubstr("interrupted by signal 1"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));  // not the 60 s sleep
}

TEST_F(SignalsApiTest, ASubprocessReadsSignalsAsJsonLinesOnItsSignalFd) {
  const std::string id = Submit(
      "tasks: [{id: s, type: exec, config: {command: [sh, -c, 'read -r line <&$GOCLAW_SIGNAL_FD; printf %s \"$line\"']}}]");
  WaitForTask(id, "s", "running");
  ASSERT_EQ(Signal(id, R"({"kind": "note", "task": "s", "payload": {"text": "hello"}})").status, 202);
  engine::WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, engine::WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(st.tasks[0].output, (boost::json::object{{"seq", 1}, {"kind", "note"}, {"payload", {{"text", "hello"}}}}));
  client::Response history = client_->Get("/api/v1/workflows/" + id + "/signals?task=s");
  EXPECT_EQ(history.Json().at("signals").at(0).at("state"), "acknowledged");
}

TEST_F(SignalsApiTest, ApprovalIsAWorkflowStep) {
  const std::string id = Submit(R"(
tasks:
  - {id: approve, config: {op: wait_signal, name: approval, timeout: 1h}}
  - {id: ship, depends_on: [approve], config: {op: echo, by: "{{tasks.approve.output.by}}"}}
)");
  WaitForTask(id, "approve", "running");
  ASSERT_EQ(Signal(id, R"({"kind": "approval", "payload": {"by": "alice"}})").status, 202);
  engine::WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, engine::WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(st.tasks[1].output.at("by"), "alice");
}

TEST_F(SignalsApiTest, BadInputGetsAClearErrorAndStoresNothing) {
  const std::string id = Submit(R"(
tasks:
  - {id: approve, config: {op: wait_signal, name: approval}}
  - {id: later, depends_on: [approve]}
)");
  WaitForTask(id, "approve", "running");
  const std::string path = "/api/v1/workflows/" + id + "/signals";
  auto error_of = [&](const std::string& body, int status) {
    client::Response r = Signal(id, body);
    EXPECT_EQ(r.status, status) << body << " -> " << r.body;
    return r.status >= 400 ? r.Json().at("error").as_object() : boost::json::object();
  };
  EXPECT_EQ(error_of("{not json", 400).at("code"), "BAD_REQUEST");
  EXPECT_EQ(error_of("", 400).at("code"), "BAD_REQUEST");
  EXPECT_EQ(error_of("[1]", 400).at("code"), "VALIDATION_FAILED");
  EXPECT_EQ(error_of(R"({"kind": "note", "colour": "red"})", 400).at("details").at(0).at("path"), "colour");
  EXPECT_EQ(error_of(R"({"kind": 5})", 400).at("details").at(0).at("path"), "kind");
  EXPECT_EQ(error_of(R"({"kind": "bad kind!"})", 400).at("details").at(0).at("path"), "kind");
  EXPECT_EQ(error_of(R"({"kind": "a", "type": "b"})", 400).at("details").at(0).at("path"), "type");
  EXPECT_EQ(error_of(R"({"payload": {}})", 400).at("details").at(0).at("path"), "kind");
  EXPECT_EQ(error_of(R"({"kind": "steer", "payload": {"parameters": {}}})", 400).at("details").at(0).at("path"),
            "payload.parameters");
  EXPECT_EQ(error_of(R"({"kind": "interrupt", "payload": {"timeout": true}})", 400).at("details").at(0).at("path"),
            "payload.timeout");
  EXPECT_EQ(error_of(R"({"kind": "note", "payload": "text"})", 400).at("details").at(0).at("path"), "payload");
  EXPECT_EQ(error_of(R"({"kind": "note", "task": "nope"})", 400).at("details").at(0).at("path"), "task");
  EXPECT_EQ(error_of(R"({"kind": "note", "payload": {"x": ")" + std::string(70000, 'x') + R"("}})", 400)
                .at("details").at(0).at("path"),
            "payload");
  EXPECT_EQ(client_->Request("POST", path, R"({"kind": "note"})", {{"Content-Type", "text/plain"}}).status, 415);
  EXPECT_EQ(client_->PostJson("/api/v1/workflows/wf-00000000-0000-7000-8000-000000000000/signals", R"({"kind": "x"})").status, 404);
  EXPECT_EQ(client_->PostJson("/api/v1/workflows/..%2Fetc/signals", R"({"kind": "x"})").status, 400);
  EXPECT_EQ(client_->Get(path + "?task=nope").status, 404);
  EXPECT_EQ(client_->Get(path + "?colour=red").status, 400);
  EXPECT_EQ(client_->Get("/api/v1/workflows/wf-00000000-0000-7000-8000-000000000000/signals").status, 404);
  // Nothing was stored; the workflow goes on.
  EXPECT_EQ(client_->Get(path).Json().at("total"), 0);
  ASSERT_EQ(Signal(id, R"({"kind": "approval"})").status, 202);
  EXPECT_EQ(Finish(id).state, engine::WorkflowState::kCompleted);
  // Finished: 409.
  EXPECT_EQ(error_of(R"({"kind": "note"})", 409).at("code"), "CONFLICT");
}

TEST_F(SignalsApiTest, APendingSignalSurvivesARestartAndIsDeliveredOnce) {
  const std::string id = Submit(R"(
tasks:
  - {id: gate, config: {op: wait_signal, name: go}}
  - {id: approve, depends_on: [gate], config: {op: wait_signal, name: approval}}
)");
  WaitForTask(id, "gate", "running");
  ASSERT_EQ(Signal(id, R"({"kind": "approval", "task": "approve", "payload": {"ok": 1}})").status, 202);
  StartServer();  // the signal was acknowledged, so it is in the store
  WaitForTask(id, "gate", "running");
  client::Response history = client_->Get("/api/v1/workflows/" + id + "/signals");
  ASSERT_EQ(history.status, 200) << history.body;
  EXPECT_EQ(history.Json().at("signals").at(0).at("state"), "pending");
  client::Response go = Signal(id, R"({"kind": "go"})");
  ASSERT_EQ(go.status, 202);
  EXPECT_EQ(go.Json().at("seq"), 2);
  engine::WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, engine::WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(st.tasks[1].output, (boost::json::object{{"ok", 1}}));
  // The event history has each step of each signal.
  const boost::json::value events = client_->Get("/api/v1/workflows/" + id + "/events").Json();
  int signal_events = 0;
  for (const auto& e : events.at("events").as_array()) {
    if (e.as_object().contains("payload")) ++signal_events;
  }
  EXPECT_EQ(signal_events, 6);  // two signals: pending, delivered, acknowledged each
}

}  // namespace
}  // namespace goclaw::server
