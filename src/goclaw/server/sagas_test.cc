// Sagas over REST and /ws/events against a real server (port 0, RocksDB in a temp dir): saga
// events in order, a pending-compensation saga and a running one surviving a restart, the
// metrics, and bad input per route.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "goclaw/client/websocket_client.h"
#include "goclaw/server/test_server_fixture.h"

namespace goclaw::server {
namespace {

using ::testing::HasSubstr;

constexpr Millis kTimeout{10000};

class SagasTest : public testing::ServerFixture {
 protected:
  void SetUp() override { Restart(Config()); }
  config::Config Config() const {
    config::Config c = ServerFixture::Config();
    c.shutdown.drain_timeout = Millis(50);  // a sleeping step is abandoned at once, and runs again
    return c;
  }

  std::string Submit(const std::string& spec, const std::string& type = "application/json") {
    auto r = client_->Request("POST", "/api/v1/sagas", spec, {{"Content-Type", type}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.Json().at("saga_id").as_string()) : "";
  }
  boost::json::object Settled(const std::string& id) {
    auto r = client_->Get("/api/v1/sagas/" + id + "?wait=10s");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json().as_object();
  }
  int Post(const std::string& path, const std::string& body = "") {
    return client_->Request("POST", path, body, {{"Content-Type", "application/json"}}).status;
  }
};

constexpr const char* kFailing = R"({"name": "trip", "steps": [
    {"id": "flight", "enable_compensation": true},
    {"id": "hotel", "depends_on": ["flight"], "enable_compensation": true},
    {"id": "car", "depends_on": ["hotel"], "should_fail": true}]})";

TEST_F(SagasTest, SagaEventsArriveOnTheEventStreamInOrder) {
  auto ws = client::WebSocketClient::Connect("http://127.0.0.1:" + std::to_string(server_->port()), "/ws/events");
  ASSERT_TRUE(ws) << ws.error().ToString();
  ASSERT_TRUE((*ws)->Send(R"({"type": "subscribe", "kinds": ["saga.*"]})"));
  auto ack = (*ws)->Read(kTimeout);
  ASSERT_TRUE(ack);
  ASSERT_THAT(*ack, HasSubstr("subscribed"));
  const std::string id = Submit(kFailing);
  std::vector<std::string> kinds;
  while (kinds.empty() || kinds.back() != "saga.compensated") {
    auto text = (*ws)->Read(kTimeout);
    ASSERT_TRUE(text) << text.error().ToString() << " after " << kinds.size() << " events";
    auto m = boost::json::parse(*text).as_object();
    EXPECT_EQ(m.at("workflow_id"), boost::json::value(id)) << *text;
    kinds.emplace_back(m.at("kind").as_string());
  }
  auto at = [&](const std::string& k) { return std::find(kinds.begin(), kinds.end(), k) - kinds.begin(); };
  EXPECT_LT(at("saga.running"), at("saga.step.failed"));
  EXPECT_LT(at("saga.step.failed"), at("saga.compensating"));
  EXPECT_LT(at("saga.compensating"), at("saga.compensation.completed"));
  EXPECT_LT(at("saga.compensation.completed"), at("saga.compensated"));
  auto bad = (*ws)->Send(R"({"type": "subscribe", "kinds": ["saga.nonsense"]})");
  ASSERT_TRUE(bad);
  auto error = (*ws)->Read(kTimeout);
  ASSERT_TRUE(error);
  EXPECT_THAT(*error, HasSubstr("saga.nonsense"));
}

TEST_F(SagasTest, PendingAndRunningSagasSurviveARestart) {
  std::string manual = kFailing;
  manual.insert(1, R"("policy": "manual", )");
  const std::string pending = Submit(manual);
  EXPECT_EQ(Settled(pending).at("state"), "pending-compensation");
  // A saga whose second step sleeps for an hour: still running when the server stops.
  const std::string running = Submit(R"({"name": "long", "steps": [
      {"id": "a", "enable_compensation": true},
      {"id": "b", "depends_on": ["a"], "delay_ms": 3600000, "enable_compensation": true}]})");
  for (int i = 0; i < 500; ++i) {
    auto st = client_->Get("/api/v1/sagas/" + running).Json();
    if (st.at("steps").at(1).at("state") == "running") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Restart(Config());
  auto after = client_->Get("/api/v1/sagas/" + pending).Json();
  EXPECT_EQ(after.at("state"), "pending-compensation");
  EXPECT_EQ(after.at("completed_steps"), boost::json::array({"flight", "hotel"}));
  EXPECT_EQ(client_->Get("/api/v1/sagas/" + running).Json().at("state"), "running");
  EXPECT_EQ(Post("/api/v1/sagas/" + pending + "/compensate", R"({"reason": "after the restart"})"), 202);
  auto done = Settled(pending);
  EXPECT_EQ(done.at("state"), "compensated");
  EXPECT_EQ(done.at("compensated_steps"), boost::json::array({"hotel", "flight"}));
  EXPECT_EQ(done.at("reason"), "after the restart");
  EXPECT_EQ(Post("/api/v1/sagas/" + running + "/compensate"), 202);
  auto cancelled = Settled(running);
  EXPECT_EQ(cancelled.at("state"), "compensated");
  EXPECT_EQ(cancelled.at("compensated_steps"), boost::json::array({"a"}));
  auto list = client_->Get("/api/v1/sagas?state=compensated").Json();
  EXPECT_EQ(list.at("total"), 2);
  const std::string metrics = client_->Get("/metrics").body;
  EXPECT_THAT(metrics, HasSubstr("goclaw_sagas_total{outcome=\"compensated\"} 2"));
  EXPECT_THAT(metrics, HasSubstr("goclaw_saga_compensations_total{result=\"compensated\"} 3"));
}

TEST_F(SagasTest, BadInputGetsClearErrors) {
  auto r = client_->Request("POST", "/api/v1/sagas", "name: y\ntasks:\n  - id: a\n    depends_on: [b]\n  - id: b\n    depends_on: [a]\n",
                            {{"Content-Type", "application/yaml"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr("cycle"));
  r = client_->Request("POST", "/api/v1/sagas", "{\"name\": ", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = client_->Request("POST", "/api/v1/sagas", R"({"name": "x", "tasks": [{"id": "a", "compensate": {"type": "teleport"}}]})",
                       {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr("tasks[0].compensate.type"));
  r = client_->Request("POST", "/api/v1/sagas", "name: beam\ntasks:\n  - id: a\n    compensate: {type: teleport}\n",
                       {{"Content-Type", "application/yaml"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_THAT(r.body, HasSubstr(R"("path":"tasks[0].compensate.type")"));
  EXPECT_THAT(r.body, HasSubstr(R"("line":4)"));  // the compensate block's line in the YAML
  r = client_->Request("POST", "/api/v1/sagas?wait=1s", kFailing, {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(client_->Get("/api/v1/sagas?state=sleeping").status, 400);
  EXPECT_EQ(client_->Get("/api/v1/sagas?limit=0").status, 400);
  EXPECT_EQ(client_->Get("/api/v1/sagas/saga-missing").status, 404);
  EXPECT_EQ(Post("/api/v1/sagas/saga-missing/compensate"), 404);
  EXPECT_EQ(Post("/api/v1/sagas/saga-missing/recover"), 404);
  const std::string id = Submit(R"({"name": "ok", "steps": [{"id": "a", "enable_compensation": true}]})");
  EXPECT_EQ(Settled(id).at("state"), "completed");
  EXPECT_EQ(Post("/api/v1/sagas/" + id + "/compensate"), 409);
  EXPECT_EQ(Post("/api/v1/sagas/" + id + "/recover"), 409);
  EXPECT_EQ(Post("/api/v1/sagas/" + id + "/compensate", "{not json"), 400);
  EXPECT_EQ(Post("/api/v1/sagas/" + id + "/compensate", R"({"reason": 5})"), 400);
  EXPECT_EQ(Post("/api/v1/sagas/" + id + "/compensate", R"({"why": "x"})"), 400);
  EXPECT_EQ(client_->Get("/api/v1/sagas").Json().at("total"), 1);  // refused specs left nothing
}

}  // namespace
}  // namespace goclaw::server
