// /ws/events end to end in one process: a real Server on a free loopback port and a real
// WebSocket client. Ordering per workflow, filters, replay with `since` (also while the
// workflow runs: no gap, no duplicate), bad client messages, a slow consumer that is cut off
// with 1008, origin checks, 426 without an upgrade, and 1001 on shutdown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/client/test_http_client.h"
#include "goclaw/client/websocket_client.h"
#include "goclaw/server/server.h"

namespace goclaw::server {
namespace {

using client::WebSocketClient;
using ClientResponse = client::Response;
using client::testing::TestHttpClient;
using ::testing::HasSubstr;

constexpr Millis kTimeout{10000};

config::Config TestConfig() {
  config::Config c;
  c.server.port = 0;
  c.grpc.port = 0;  // (gRPC is on by default, on 9090)
  c.storage.backend = config::StorageBackend::kMemory;
  c.server.cors_origins = {"http://localhost:5173"};
  c.server.ws_max_queued_bytes = 16 * 1024;  // about 60 events
  return c;
}

boost::json::object Parse(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  EXPECT_FALSE(ec) << text;
  return v.is_object() ? v.as_object() : boost::json::object();
}

std::string Str(const boost::json::value* v) { return v && v->is_string() ? std::string(v->get_string()) : ""; }

class EventsTest : public ::testing::Test {
 protected:
  EventsTest() {
    auto s = Server::Start(TestConfig());
    EXPECT_TRUE(s) << s.error().ToString();
    server_ = std::move(*s);
    url_ = "http://127.0.0.1:" + std::to_string(server_->port());
    http_ = std::make_unique<TestHttpClient>(server_->port());
  }

  std::unique_ptr<WebSocketClient> Connect(client::WebSocketClientOptions options = {}) {
    auto ws = WebSocketClient::Connect(url_, "/ws/events", options);
    EXPECT_TRUE(ws) << ws.error().ToString();
    return ws ? std::move(*ws) : nullptr;
  }

  boost::json::object Next(WebSocketClient& ws) {
    auto text = ws.Read(kTimeout);
    EXPECT_TRUE(text) << text.error().ToString();
    return text ? Parse(*text) : boost::json::object();
  }

  void Subscribe(WebSocketClient& ws, const std::string& message) {
    ASSERT_TRUE(ws.Send(message));
    boost::json::object ack = Next(ws);
    ASSERT_EQ(Str(ack.if_contains("type")), "subscribed") << boost::json::serialize(ack);
  }

  // Reads events until the workflow's own terminal event; returns every event read.
  std::vector<boost::json::object> UntilFinished(WebSocketClient& ws, const std::string& id) {
    std::vector<boost::json::object> out;
    while (true) {
      boost::json::object m = Next(ws);
      if (m.empty()) return out;
      EXPECT_EQ(Str(m.if_contains("type")), "event") << boost::json::serialize(m);
      out.push_back(m);
      const std::string kind = Str(m.if_contains("kind"));
      if (Str(m.if_contains("workflow_id")) == id &&
          (kind == "workflow.completed" || kind == "workflow.failed" || kind == "workflow.cancelled")) {
        return out;
      }
    }
  }

  std::string SubmitAsync(const std::string& spec) {
    ClientResponse r = http_->Request("POST", "/api/v1/workflows?async=true", spec, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 202) << r.body;
    return std::string(r.Json().at("id").as_string());
  }

  std::unique_ptr<Server> server_;
  std::string url_;
  std::unique_ptr<TestHttpClient> http_;
};

constexpr const char* kDiamond = R"({"name": "diamond", "tasks": [
  {"id": "a"}, {"id": "b", "depends_on": ["a"]}, {"id": "c", "depends_on": ["a"]},
  {"id": "d", "depends_on": ["b", "c"], "config": {"op": "echo", "x": 1}}]})";

TEST_F(EventsTest, EveryEventInOrderPerWorkflow) {
  auto ws = Connect();
  Subscribe(*ws, R"({"type": "subscribe"})");
  std::string first = SubmitAsync(kDiamond);
  std::string second = SubmitAsync(kDiamond);
  std::map<std::string, std::uint64_t> last_seq;
  std::map<std::string, bool> finished;
  while (!(finished[first] && finished[second])) {
    boost::json::object m = Next(*ws);
    ASSERT_FALSE(m.empty());
    ASSERT_EQ(Str(m.if_contains("type")), "event");
    const std::string id = Str(m.if_contains("workflow_id"));
    const std::uint64_t seq = m.at("seq").to_number<std::uint64_t>();
    EXPECT_EQ(seq, last_seq[id] + 1) << "workflow " << id << " skipped or repeated an event";
    last_seq[id] = seq;
    if (Str(m.if_contains("kind")) == "workflow.completed") finished[id] = true;
  }
  // The stream carried exactly what the REST history has.
  for (const std::string& id : {first, second}) {
    auto history = http_->Get("/api/v1/workflows/" + id + "/events").Json();
    EXPECT_EQ(history.at("events").as_array().size(), last_seq[id]);
  }
}

TEST_F(EventsTest, FiltersByWorkflowAndKind) {
  auto all = Connect();
  Subscribe(*all, R"({"type": "subscribe"})");
  // A long first task keeps the workflow running while the filtered client subscribes.
  std::string id = SubmitAsync(R"({"tasks": [{"id": "wait", "config": {"op": "sleep", "duration": "300ms"}},
                                            {"id": "after", "depends_on": ["wait"]}]})");
  std::string other = SubmitAsync(kDiamond);
  auto filtered = Connect();
  Subscribe(*filtered, R"({"type": "subscribe", "workflow_ids": [")" + id +
                           R"("], "kinds": ["task.completed", "workflow.*"]})");
  std::vector<boost::json::object> got = UntilFinished(*filtered, id);
  std::vector<std::string> seen;
  for (const auto& m : got) {
    EXPECT_EQ(Str(m.if_contains("workflow_id")), id);
    const std::string kind = Str(m.if_contains("kind"));
    // workflow.* also matches scheduled and running, which came before the subscription or
    // after it depending on timing; nothing else may come.
    if (kind == "workflow.scheduled" || kind == "workflow.running") continue;
    seen.push_back(kind + ":" + Str(m.if_contains("task_id")));
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("task.completed:wait", "task.completed:after", "workflow.completed:"));
  UntilFinished(*all, other);
}

TEST_F(EventsTest, SinceReplaysTheHistoryThenGoesLiveWithoutGaps) {
  // Finished workflow: the whole history, or the part after `since`.
  ClientResponse finished = http_->Request("POST", "/api/v1/workflows?wait=10s", kDiamond, {{"Content-Type", "application/json"}});
  ASSERT_EQ(finished.status, 201) << finished.body;
  std::string done(finished.Json().at("id").as_string());
  auto history = http_->Get("/api/v1/workflows/" + done + "/events").Json().at("events").as_array();
  auto ws = Connect();
  Subscribe(*ws, R"({"type": "subscribe", "workflow_ids": [")" + done + R"("], "since": 0})");
  auto replay = UntilFinished(*ws, done);
  ASSERT_EQ(replay.size(), history.size());
  for (std::size_t i = 0; i < replay.size(); ++i) {
    EXPECT_EQ(replay[i].at("seq"), history[i].at("seq"));
    EXPECT_EQ(replay[i].at("to"), history[i].at("to"));
  }
  Subscribe(*ws, R"({"type": "subscribe", "workflow_ids": [")" + done + R"("], "since": 5})");
  auto tail = UntilFinished(*ws, done);
  ASSERT_FALSE(tail.empty());
  EXPECT_EQ(tail.front().at("seq"), 6);
  EXPECT_EQ(tail.size(), history.size() - 5);

  // Running workflow: the replay hands over to live events with nothing lost or repeated.
  std::string chain = R"({"tasks": [)";
  for (int i = 0; i < 30; ++i) {
    if (i > 0) chain += ",";
    chain += R"({"id": "t)" + std::to_string(i) + R"(", "config": {"op": "sleep", "duration": "5ms"})";
    if (i > 0) chain += R"(, "depends_on": ["t)" + std::to_string(i - 1) + R"("])";
    chain += "}";
  }
  chain += "]}";
  std::string running = SubmitAsync(chain);
  ASSERT_TRUE(ws->Send(R"({"type": "subscribe", "workflow_ids": [")" + running + R"("], "since": 0})"));
  ASSERT_EQ(Str(Next(*ws).if_contains("type")), "subscribed");
  auto live = UntilFinished(*ws, running);
  for (std::size_t i = 0; i < live.size(); ++i) {
    ASSERT_EQ(live[i].at("seq"), i + 1) << "gap or duplicate at message " << i;
  }
  EXPECT_EQ(live.size(), 30u * 4 + 3);  // ready, queued, running, completed per task; 3 of the workflow
}

TEST_F(EventsTest, BadMessagesGetAnErrorAndTheConnectionStays) {
  std::string id = SubmitAsync(kDiamond);
  auto ws = Connect();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "not valid JSON"},
      {"[1, 2]", "expected a JSON object"},
      {R"({"type": "subscribe", "workflow_ids": "wf-1"})", "workflow_ids"},
      {R"({"type": "listen"})", "type: expected"},
      {R"({})", "type: expected"},
      {R"({"type": 7})", "type: expected"},
      {R"({"type": "subscribe", "filter": {}})", "unknown field \"filter\""},
      {R"({"type": "subscribe", "kinds": ["task.exploded"]})", "kinds[0]"},
      {R"({"type": "subscribe", "kinds": [1]})", "kinds[0]"},
      {R"({"type": "subscribe", "workflow_ids": ["wf-does-not-exist"]})", "no workflow"},
      {R"({"type": "subscribe", "workflow_ids": ["../../etc/passwd"]})", "workflow_ids[0]"},
      {R"({"type": "subscribe", "workflow_ids": [")" + std::string(300, 'x') + R"("]})", "workflow_ids[0]"},
      {R"({"type": "subscribe", "since": 3})", "since needs workflow_ids"},
      {R"({"type": "subscribe", "workflow_ids": [")" + id + R"("], "since": -1})", "since"},
      {R"({"type": "subscribe", "workflow_ids": [")" + id + R"("], "since": "1"})", "since"},
      {R"({"type": "subscribe", "workflow_ids": [")" + id + R"("], "since": 1e400})", "since"},
      {R"({"type": "unsubscribe", "kinds": []})", "no other fields"},
  };
  for (const auto& [message, expected] : cases) {
    ASSERT_TRUE(ws->Send(message));
    boost::json::object m = Next(*ws);
    EXPECT_EQ(Str(m.if_contains("type")), "error") << message;
    EXPECT_EQ(m["error"].as_object()["code"], "BAD_REQUEST") << message;
    EXPECT_THAT(Str(m["error"].as_object().if_contains("message")), HasSubstr(expected)) << message;
  }
  // Still usable, and the bad messages subscribed to nothing.
  Subscribe(*ws, R"({"type": "subscribe", "workflow_ids": [")" + id + R"("], "since": 0})");
  EXPECT_FALSE(UntilFinished(*ws, id).empty());
  ASSERT_TRUE(ws->Send(R"({"type": "unsubscribe"})"));
  EXPECT_EQ(Str(Next(*ws).if_contains("type")), "unsubscribed");
}

TEST_F(EventsTest, ASlowConsumerIsDisconnectedWith1008AndTheEngineGoesOn) {
  client::WebSocketClientOptions small;
  small.receive_buffer_bytes = 4096;
  auto slow = Connect(small);
  Subscribe(*slow, R"({"type": "subscribe"})");
  std::string wide = R"({"tasks": [)";
  for (int i = 0; i < 500; ++i) wide += (i ? "," : "") + std::string(R"({"id": "t)") + std::to_string(i) + R"("})";
  wide += "]}";
  // The client reads nothing; the server's queue for it (64 messages) overflows once the
  // socket buffers are full. Workflows keep finishing meanwhile.
  bool cut_off = false;
  for (int round = 0; round < 50 && !cut_off; ++round) {
    ClientResponse r = http_->Request("POST", "/api/v1/workflows?wait=30s", wide, {{"Content-Type", "application/json"}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.Json().at("status"), "completed");
    cut_off = http_->Get("/metrics").body.find("goclaw_ws_slow_disconnects_total 1\n") != std::string::npos;
  }
  ASSERT_TRUE(cut_off) << "the slow client was never disconnected";
  // The client drains what reached it (possibly nothing: under load the queue can overflow
  // before the first write), then sees the close frame with the reason.
  while (true) {
    auto text = slow->Read(kTimeout);
    if (!text) {
      EXPECT_EQ(text.error().code(), ErrorCode::kAborted) << text.error().ToString();
      break;
    }
  }
  EXPECT_EQ(slow->close_code(), 1008);
  EXPECT_THAT(slow->close_reason(), HasSubstr("slow consumer"));
  // A fresh client is served normally.
  auto fresh = Connect();
  Subscribe(*fresh, R"({"type": "subscribe"})");
  std::string id = SubmitAsync(kDiamond);
  EXPECT_FALSE(UntilFinished(*fresh, id).empty());
}

TEST_F(EventsTest, UpgradeRulesOriginsAndShutdown) {
  // A plain GET is told to upgrade.
  ClientResponse plain = http_->Get("/ws/events");
  EXPECT_EQ(plain.status, 426);
  EXPECT_EQ(plain.Json().at("error").at("code"), "UPGRADE_REQUIRED");
  // Another site's page may not read the stream; the configured origin and the server's own may.
  client::WebSocketClientOptions evil;
  evil.origin = "http://evil.example";
  auto refused = WebSocketClient::Connect(url_, "/ws/events", evil);
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().message(), HasSubstr("403"));
  client::WebSocketClientOptions allowed;
  allowed.origin = "http://localhost:5173";
  EXPECT_TRUE(WebSocketClient::Connect(url_, "/ws/events", allowed));
  client::WebSocketClientOptions same;
  same.origin = "http://127.0.0.1:" + std::to_string(server_->port());
  EXPECT_TRUE(WebSocketClient::Connect(url_, "/ws/events", same));
  // A bad handshake is answered by Beast and counted with the status the client got.
  ClientResponse old_version = http_->Raw(
      "GET /ws/events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
  EXPECT_EQ(old_version.status, 426);
  ClientResponse no_key = http_->Raw(
      "GET /ws/events HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Version: 13\r\n\r\n");
  EXPECT_EQ(no_key.status, 400);
  // A refused handshake is counted once Beast has sent its answer, so the client may read the
  // answer first: ask /metrics until the count is there (Raw's socket is spent: a new client).
  const std::string want400 = R"(goclaw_http_requests_total{method="GET",route="/ws/events",code="400"} 1)";
  std::string metrics;
  for (int i = 0; i < 500; ++i) {
    metrics = TestHttpClient(server_->port()).Get("/metrics").body;
    if (metrics.find(want400) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // 426 twice: the version-8 handshake and the plain GET at the top.
  EXPECT_THAT(metrics, HasSubstr(R"(goclaw_http_requests_total{method="GET",route="/ws/events",code="426"} 2)"));
  EXPECT_THAT(metrics, HasSubstr(R"(goclaw_http_requests_total{method="GET",route="/ws/events",code="400"} 1)"));
  // Unknown WebSocket paths are 404s.
  auto nowhere = WebSocketClient::Connect(url_, "/ws/nothing");
  ASSERT_FALSE(nowhere);
  EXPECT_THAT(nowhere.error().message(), HasSubstr("404"));
  // Shutdown says goodbye with 1001 (and waits for the client's answer, not the drain timeout).
  auto ws = Connect();
  Subscribe(*ws, R"({"type": "subscribe"})");
  Result<std::string> end;
  std::thread reader([&] { end = ws->Read(kTimeout); });
  const auto start = std::chrono::steady_clock::now();
  server_->Shutdown();
  reader.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ASSERT_FALSE(end);
  EXPECT_EQ(ws->close_code(), 1001);
  EXPECT_THAT(ws->close_reason(), HasSubstr("shutting down"));
}

}  // namespace
}  // namespace goclaw::server
