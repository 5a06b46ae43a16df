// The routes the web UI reads beyond the others (docs/design/api.md), end to end on a real
// Server on port 0: a workflow's DAG (depends_on, lane) and input, live and once read back from
// the store; its spec, submitted again as it is; the stats series; the lanes' wait histogram and
// drops; the error of failed workflows in the list. With their bad input.
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/core/json_format.h"
#include "goclaw/server/test_server_fixture.h"

namespace goclaw::server {
namespace {

using ::testing::HasSubstr;

constexpr const char* kJson = "application/json";
constexpr const char* kDiamond =
    R"({"name": "diamond", "input": {"topic": "owls", "n": 3}, "tasks": [
  {"id": "plan", "config": {"op": "echo", "topic": "{{input.topic}}"}},
  {"id": "left", "depends_on": ["plan"], "lane": "narrow"},
  {"id": "right", "depends_on": ["plan"]},
  {"id": "join", "depends_on": ["left", "right"], "config": {"op": "echo", "n": "{{input.n}}"}}]})";

class UiApiTest : public testing::ServerFixture {
 protected:
  config::Config TwoLanes() {
    config::Config c = Config();
    config::LaneConfig narrow;
    narrow.name = "narrow";
    narrow.max_concurrency = 1;
    c.lanes.push_back(narrow);
    c.ui.enabled = false;
    c.shutdown.drain_timeout = Millis(50);  // a sleeping task does not hold the restart
    return c;
  }

  std::string SubmitAndWait(const std::string& spec, const char* type = kJson) {
    client::Response r =
        client_->Request("POST", "/api/v1/workflows?wait=10s", spec, {{"Content-Type", type}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.Json().at("id").as_string()) : "";
  }

  boost::json::object Detail(const std::string& id) {
    client::Response r = client_->Get("/api/v1/workflows/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json().is_object() ? r.Json().as_object() : boost::json::object();
  }

  void ExpectError(const std::string& target, int status, const std::string& code,
                   const std::string& path = "") {
    client::Response r = client_->Get(target);
    EXPECT_EQ(r.status, status) << target << " " << r.body;
    auto j = r.Json();
    ASSERT_TRUE(j.is_object()) << target;
    EXPECT_EQ(j.at("error").at("code").as_string(), code) << target;
    EXPECT_EQ(j.at("error").at("request_id").as_string(), r.Header("x-request-id"));
    if (!path.empty()) {
      ASSERT_FALSE(j.at("error").at("details").as_array().empty()) << target;
      EXPECT_EQ(j.at("error").at("details").at(0).at("path").as_string(), path) << target;
    }
  }
};

TEST_F(UiApiTest, TheDetailDrawsTheDagLiveAndFromTheStoreAlike) {
  Restart(TwoLanes());
  const std::string id = SubmitAndWait(kDiamond);
  boost::json::object live = Detail(id);
  const auto& tasks = live.at("tasks").as_array();
  ASSERT_EQ(tasks.size(), 4u);
  EXPECT_EQ(CompactJson(tasks[0].at("depends_on")), "[]");
  EXPECT_EQ(CompactJson(tasks[3].at("depends_on")), R"(["left","right"])");
  EXPECT_EQ(tasks[1].at("lane"), "narrow");
  EXPECT_EQ(tasks[2].at("lane"), "default");
  EXPECT_EQ(CompactJson(live.at("input")), R"({"topic":"owls","n":3})");
  // After a restart the finished workflow is no longer in memory: the store answers, the same.
  Restart(TwoLanes());
  boost::json::object stored = Detail(id);
  // (Durations differ in the last microsecond: the store keeps microseconds, memory nanoseconds.)
  for (auto* doc : {&live, &stored}) {
    for (auto& t : (*doc)["tasks"].as_array()) t.as_object().erase("duration_seconds");
  }
  EXPECT_EQ(CompactJson(stored), CompactJson(live));
  // A running one has its edges and input too.
  client::Response running = client_->Request(
      "POST", "/api/v1/workflows?async=true",
      R"({"input": {"k": "v"}, "tasks": [{"id": "z", "config": {"op": "sleep", "duration": "1h"}}, {"id": "after", "depends_on": ["z"]}]})",
      {{"Content-Type", kJson}});
  ASSERT_EQ(running.status, 202) << running.body;
  boost::json::object mid = Detail(std::string(running.Json().at("id").as_string()));
  EXPECT_EQ(CompactJson(mid.at("tasks").at(1).at("depends_on")), R"(["z"])");
  EXPECT_EQ(CompactJson(mid.at("input")), R"({"k":"v"})");

  ExpectError("/api/v1/workflows/wf-unknown", 404, "NOT_FOUND");
  ExpectError("/api/v1/workflows/..%2Fx", 400, "VALIDATION_FAILED", "id");
}

TEST_F(UiApiTest, TheSpecRunsAgainAsItIs) {
  Restart(TwoLanes());
  // Submitted as YAML, with submit options: the spec read back is JSON, without them.
  const std::string id = SubmitAndWait(
      "name: again\ninput: {city: Paris}\ntasks:\n  - id: a\n    config: {op: echo, city: "
      "'{{input.city}}'}\n"
      "    retries: {max: 2, initial: 10ms}\n  - {id: b, depends_on: [a], lane: narrow}\n",
      "application/yaml");
  client::Response spec = client_->Get("/api/v1/workflows/" + id + "/spec");
  ASSERT_EQ(spec.status, 200) << spec.body;
  auto doc = spec.Json();
  EXPECT_EQ(doc.at("workflow_id").as_string(), id);
  EXPECT_EQ(CompactJson(doc.at("input")), R"({"city":"Paris"})");
  EXPECT_EQ(doc.at("spec").at("name"), "again");
  EXPECT_EQ(CompactJson(doc.at("spec").at("input")), R"({"city":"Paris"})");
  EXPECT_EQ(doc.at("spec").at("tasks").at(0).at("retries").at("max"), 2);
  // Run it again: the same tasks, edges, lanes and input.
  const std::string again = SubmitAndWait(boost::json::serialize(doc.at("spec")));
  boost::json::object first = Detail(id);
  boost::json::object second = Detail(again);
  ASSERT_EQ(second.at("tasks").as_array().size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(second.at("tasks").at(i).at("id"), first.at("tasks").at(i).at("id"));
    EXPECT_EQ(second.at("tasks").at(i).at("lane"), first.at("tasks").at(i).at("lane"));
    EXPECT_EQ(second.at("tasks").at(i).at("depends_on"), first.at("tasks").at(i).at("depends_on"));
  }
  EXPECT_EQ(second.at("input"), first.at("input"));
  EXPECT_EQ(second.at("tasks").at(0).at("result"), first.at("tasks").at(0).at("result"));
  EXPECT_EQ(second.at("status"), "completed");
  // From the store after a restart, the same.
  Restart(TwoLanes());
  EXPECT_EQ(client_->Get("/api/v1/workflows/" + id + "/spec").body, spec.body);

  ExpectError("/api/v1/workflows/wf-unknown/spec", 404, "NOT_FOUND");
  ExpectError("/api/v1/workflows/a%20b/spec", 400, "VALIDATION_FAILED", "id");
  ExpectError("/api/v1/workflows/%zz/spec", 400, "BAD_REQUEST");
  ExpectError("/api/v1/workflows/" + id + "/spec?format=yaml", 400, "VALIDATION_FAILED", "format");
  EXPECT_EQ(
      client_->Request("POST", "/api/v1/workflows/" + id + "/spec", "{}", {{"Content-Type", kJson}})
          .status,
      405);
}

TEST_F(UiApiTest, TheSeriesCoversTheWindowAndCountsWhatFinished) {
  Restart(TwoLanes());
  SubmitAndWait(kDiamond);
  SubmitAndWait(R"({"tasks": [{"id": "x", "config": {"op": "fail"}}]})");
  client::Response r = client_->Get("/api/v1/stats/series");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = r.Json();
  EXPECT_EQ(doc.at("step_seconds"), 5);
  EXPECT_EQ(doc.at("window_seconds"), 600);
  const auto& buckets = doc.at("buckets").as_array();
  ASSERT_EQ(buckets.size(), 120u);
  std::int64_t submitted = 0, completed = 0, failed = 0, tasks = 0, tasks_failed = 0, latencies = 0;
  for (const auto& b : buckets) {
    submitted += b.at("workflows_submitted").to_number<std::int64_t>();
    completed += b.at("workflows_completed").to_number<std::int64_t>();
    failed += b.at("workflows_failed").to_number<std::int64_t>();
    tasks += b.at("tasks_completed").to_number<std::int64_t>();
    tasks_failed += b.at("tasks_failed").to_number<std::int64_t>();
    EXPECT_TRUE(b.at("workflow_latency_p50_seconds").is_null() ==
                b.at("workflow_latency_p99_seconds").is_null());
    if (!b.at("workflow_latency_p50_seconds").is_null()) ++latencies;
  }
  EXPECT_EQ(submitted, 2);
  EXPECT_EQ(completed, 1);
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(tasks, 4);
  EXPECT_EQ(tasks_failed, 1);
  EXPECT_GE(latencies, 1);
  // Oldest first, 5 s apart, RFC 3339.
  EXPECT_THAT(std::string(buckets[0].at("start").as_string()),
              ::testing::MatchesRegex("[0-9-]+T[0-9:]+\\.000Z"));
  EXPECT_LT(std::string(buckets[0].at("start").as_string()),
            std::string(buckets[1].at("start").as_string()));

  client::Response minutes = client_->Get("/api/v1/stats/series?step=60");
  ASSERT_EQ(minutes.status, 200);
  EXPECT_EQ(minutes.Json().at("buckets").as_array().size(), 10u);
  EXPECT_EQ(minutes.Json().at("step_seconds"), 60);

  for (const char* bad : {"?step=7", "?step=abc", "?step=", "?step=5s", "?step=-5"}) {
    client::Response e = client_->Get(std::string("/api/v1/stats/series") + bad);
    EXPECT_EQ(e.status, 400) << bad;
    EXPECT_THAT(e.body, HasSubstr("expected one of 5, 10, 30, 60 (seconds)")) << bad;
  }
  ExpectError("/api/v1/stats/series?stepp=5", 400, "VALIDATION_FAILED", "stepp");
  ExpectError("/api/v1/stats/series?step=5&step=10", 400, "BAD_REQUEST");
  EXPECT_EQ(
      client_->Request("POST", "/api/v1/stats/series", "{}", {{"Content-Type", kJson}}).status,
      405);
}

TEST_F(UiApiTest, LanesShowTheirWaitHistogramAndDrops) {
  Restart(TwoLanes());
  SubmitAndWait(kDiamond);
  client::Response all = client_->Get("/api/v1/lanes");
  ASSERT_EQ(all.status, 200);
  const boost::json::value lanes = all.Json();
  for (const auto& lane : lanes.at("lanes").as_array()) {
    const auto& wait = lane.at("wait_seconds");
    const auto& buckets = wait.at("buckets").as_array();
    ASSERT_EQ(buckets.size(), 21u) << lane.at("name");
    EXPECT_TRUE(buckets.back().at("le").is_null());
    EXPECT_EQ(buckets.back().at("count"), wait.at("count"));  // cumulative: the last is the total
    EXPECT_TRUE(lane.as_object().contains("dropped"));
    EXPECT_TRUE(lane.as_object().contains("rejected"));
  }
  client::Response narrow = client_->Get("/api/v1/lanes/narrow");
  ASSERT_EQ(narrow.status, 200);
  EXPECT_EQ(narrow.Json().at("wait_seconds").at("count"), 1);
  EXPECT_EQ(narrow.Json().at("wait_seconds").at("buckets").at(20).at("count"), 1);
  client::Response status = client_->Get("/status");
  ASSERT_EQ(status.status, 200);
  const boost::json::value report = status.Json();
  for (const auto& lane : report.at("lanes").as_array()) {
    EXPECT_EQ(lane.at("dropped"), 0) << lane.at("name");
    EXPECT_EQ(lane.at("rejected"), 0);
  }
}

TEST_F(UiApiTest, FailedWorkflowsShowTheirErrorInTheList) {
  Restart(TwoLanes());
  const std::string failed = SubmitAndWait(
      R"({"name": "boom", "tasks": [{"id": "x", "config": {"op": "fail", "message": "disk on fire"}}]})");
  const std::string ok = SubmitAndWait(kDiamond);
  const std::string error = std::string(Detail(failed).at("error").as_string());
  ASSERT_FALSE(error.empty());
  auto check = [&] {
    client::Response list = client_->Get("/api/v1/workflows");
    ASSERT_EQ(list.status, 200) << list.body;
    const boost::json::value page = list.Json();
    const auto& items = page.at("workflows").as_array();
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].at("id").as_string(), failed);
    EXPECT_EQ(items[0].at("error").as_string(), error);
    EXPECT_FALSE(items[1].as_object().contains("error"));
    client::Response only = client_->Get("/api/v1/workflows?status=failed");
    ASSERT_EQ(only.status, 200);
    EXPECT_EQ(only.Json().at("workflows").at(0).at("error").as_string(), error);
  };
  check();
  Restart(TwoLanes());  // from the store's index now
  check();
}

}  // namespace
}  // namespace goclaw::server
