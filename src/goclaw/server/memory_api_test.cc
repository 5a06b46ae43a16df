// The memory hub over REST against a real server (port 0, RocksDB in a temp dir): memorize and
// retrieve in every mode, filters, forgetting, stats and sessions, items surviving a restart,
// the builtin memorize/recall ops in a workflow, the metrics, and bad input on every route.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "goclaw/server/test_server_fixture.h"

namespace goclaw::server {
namespace {

using ::testing::HasSubstr;

class MemoryApiTest : public testing::ServerFixture {
 protected:
  void SetUp() override { Restart(Config()); }

  client::Response Post(const std::string& path, const std::string& body) {
    return client_->PostJson(path, body);
  }
  client::Response Delete(const std::string& path, const std::string& body = "") {
    return client_->Request("DELETE", path, body, {{"Content-Type", "application/json"}});
  }
  std::string Memorize(const std::string& session, const boost::json::object& item) {
    auto r = Post("/api/v1/memory/" + session, boost::json::serialize(item));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.Json().at("id").as_string()) : "";
  }
  boost::json::array Query(const std::string& session, const std::string& query) {
    auto r = client_->Get("/api/v1/memory/" + session + "?" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.Json().as_array() : boost::json::array();
  }
  // The error body's code, first detail path and message, for a failed request.
  static std::string ErrorText(const client::Response& r) {
    auto j = r.Json();
    if (!j.is_object() || !j.as_object().contains("error")) return r.body;
    return boost::json::serialize(j.at("error"));
  }
};

TEST_F(MemoryApiTest, MemorizeAndRetrieveInEveryMode) {
  const std::string id = Memorize("ops", {{"content", "db-stg-03 is the staging database; deploys happen on Friday"},
                                          {"metadata", {{"team", "sre"}}}});
  auto batch = Post("/api/v1/memory/ops", R"({"items": [{"content": "lunch is at noon"},
                                                         {"content": "k8s upgrades are monthly", "trust": "high"}]})");
  ASSERT_EQ(batch.status, 201) << batch.body;
  ASSERT_EQ(batch.Json().at("ids").as_array().size(), 2u);
  for (const char* mode : {"hybrid", "bm25", "vector"}) {
    auto hits = Query("ops", std::string("query=staging%20database%20db-stg-03&limit=2&mode=") + mode);
    ASSERT_FALSE(hits.empty()) << mode;
    const auto& entry = hits[0].at("entry");
    EXPECT_EQ(entry.at("id"), boost::json::value(id)) << mode;
    EXPECT_EQ(entry.at("session_id"), "ops");
    EXPECT_EQ(entry.at("metadata").at("team"), "sre");
    EXPECT_EQ(entry.at("provenance").at("source"), "api");
    EXPECT_TRUE(entry.at("retrievability").is_double());
    EXPECT_TRUE(hits[0].at("score").is_double());
  }
  EXPECT_EQ(client_->Get("/api/v1/memory/ops?query=zebra%20xylophone&mode=bm25").body, "[]");
  EXPECT_EQ(client_->Get("/api/v1/memory/nobody?query=anything").body, "[]");
  auto filtered = Query("ops", "query=upgrades%20lunch%20staging&metadata.team=sre&mode=bm25");
  ASSERT_EQ(filtered.size(), 1u);
  EXPECT_EQ(filtered[0].at("entry").at("id"), boost::json::value(id));
  auto trusted = Query("ops", "query=upgrades%20lunch%20staging&min_trust=high&mode=bm25");
  ASSERT_EQ(trusted.size(), 1u);
  EXPECT_EQ(trusted[0].at("entry").at("content"), "k8s upgrades are monthly");
}

TEST_F(MemoryApiTest, SearchTakesVectorsAndFilters) {
  boost::json::array v(384, 0.0);
  v[5] = 1.0;
  auto r = Post("/api/v1/memory/vec", boost::json::serialize(boost::json::object{{"content", "hand-made vector"}, {"vector", v}}));
  ASSERT_EQ(r.status, 201) << r.body;
  Memorize("vec", {{"content", "embedded by the server"}});
  auto hits = Post("/api/v1/memory/vec/search",
                   boost::json::serialize(boost::json::object{{"vector", v}, {"mode", "vector"}, {"top_k", 1}}));
  ASSERT_EQ(hits.status, 200) << hits.body;
  ASSERT_EQ(hits.Json().as_array().size(), 1u);
  EXPECT_EQ(hits.Json().at(0).at("entry").at("content"), "hand-made vector");
  EXPECT_EQ(hits.Json().at(0).at("entry").at("vector_source"), "client");
  auto after = Post("/api/v1/memory/vec/search", R"({"query": "vector", "created_after": "2999-01-01T00:00:00Z"})");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.body, "[]");
}

TEST_F(MemoryApiTest, ListGetStatsSessionsAndForget) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Memorize("s1", {{"content", "note number " + std::to_string(i)}}));
  Memorize("s2", {{"content", "other session"}, {"metadata", {{"k", "v"}}}});
  auto list = client_->Get("/api/v1/memory/s1/list?limit=2&offset=1");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Json().at("total"), 5);
  ASSERT_EQ(list.Json().at("entries").as_array().size(), 2u);
  EXPECT_EQ(list.Json().at("entries").at(0).at("id"), boost::json::value(ids[1]));
  auto item = client_->Get("/api/v1/memory/s1/items/" + ids[0]);
  ASSERT_EQ(item.status, 200);
  EXPECT_EQ(item.Json().at("content"), "note number 0");
  EXPECT_EQ(item.Json().at("state"), "learning");
  auto stats = client_->Get("/api/v1/memory/s1/stats");
  ASSERT_EQ(stats.status, 200);
  EXPECT_EQ(stats.Json().at("total_entries"), 5);
  EXPECT_EQ(stats.Json().at("dimensions"), 384);
  EXPECT_EQ(stats.Json().at("vector_index"), "exact");
  auto sessions = client_->Get("/api/v1/memory");
  ASSERT_EQ(sessions.status, 200);
  EXPECT_EQ(sessions.Json().at("session_count"), 2);
  EXPECT_EQ(sessions.Json().at("total_entries"), 6);

  boost::json::object forget_body;
  auto& forget_ids = forget_body["ids"].emplace_array();
  forget_ids.emplace_back(ids[0]);
  forget_ids.emplace_back(ids[1]);
  auto forget = Delete("/api/v1/memory/s1", boost::json::serialize(forget_body));
  ASSERT_EQ(forget.status, 200) << forget.body;
  EXPECT_EQ(forget.Json().at("deleted"), 2);
  EXPECT_EQ(client_->Get("/api/v1/memory/s1/items/" + ids[0]).status, 404);
  EXPECT_EQ(Delete("/api/v1/memory/s2", R"({"filters": {"k": "v"}})").Json().at("deleted"), 1);
  auto weak = Delete("/api/v1/memory/s1/weak?threshold=0.01");
  ASSERT_EQ(weak.status, 200) << weak.body;
  EXPECT_EQ(weak.Json().at("deleted"), 0);  // everything is fresh
  auto all = Delete("/api/v1/memory/s1/all");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.Json().at("deleted"), 3);
  EXPECT_EQ(client_->Get("/api/v1/memory").Json().at("session_count"), 0);
}

TEST_F(MemoryApiTest, ItemsAndReviewsSurviveARestart) {
  const std::string id = Memorize("keep", {{"content", "the restore drill is on the first monday"}});
  ASSERT_EQ(Query("keep", "query=restore%20drill").size(), 1u);  // a review
  const auto reps = client_->Get("/api/v1/memory/keep/items/" + id).Json().at("reps");
  Restart(Config());
  auto hits = Query("keep", "query=restore%20drill&review=false");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].at("entry").at("id"), boost::json::value(id));
  EXPECT_EQ(hits[0].at("entry").at("reps"), reps);
  EXPECT_EQ(Query("keep", "query=restore&mode=vector&review=false").size(), 1u);
}

TEST_F(MemoryApiTest, WorkflowsMemorizeAndRecall) {
  auto r = Post("/api/v1/workflows", R"({"name": "remember", "input": {"user": "u-7", "fact": "Ada prefers tea"},
    "tasks": [
      {"id": "store", "type": "builtin",
       "config": {"op": "memorize", "session": "{{input.user}}", "content": "{{input.fact}}", "metadata": {"kind": "pref"}}},
      {"id": "ask", "type": "builtin", "depends_on": ["store"],
       "config": {"op": "recall", "session": "{{input.user}}", "query": "what does Ada drink", "top_k": 3}}]})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto wf = r.Json();
  ASSERT_EQ(wf.at("status"), "completed") << r.body;
  const auto& recall = wf.at("tasks").at(1).at("result");
  EXPECT_EQ(recall.at("count"), 1);
  EXPECT_EQ(recall.at("results").at(0).at("content"), "Ada prefers tea");
  EXPECT_EQ(recall.at("text"), "Ada prefers tea");
  auto list = client_->Get("/api/v1/memory/u-7/list").Json();
  const auto& prov = list.at("entries").at(0).at("provenance");
  EXPECT_EQ(prov.at("workflow_id"), wf.at("id"));
  EXPECT_EQ(prov.at("task_id"), "store");
  EXPECT_EQ(prov.at("source"), "task");

  auto bad_op = Post("/api/v1/workflows", R"({"tasks": [{"id": "x", "type": "builtin",
       "config": {"op": "recall", "session": "u-7", "qurey": "typo"}}]})");
  EXPECT_EQ(bad_op.status, 400) << bad_op.body;
  EXPECT_THAT(bad_op.body, HasSubstr("qurey"));
  auto bad_session = Post("/api/v1/workflows", R"({"input": {"user": "no/slash"}, "tasks": [{"id": "x", "type": "builtin",
       "config": {"op": "memorize", "session": "{{input.user}}", "content": "x"}}]})");
  ASSERT_EQ(bad_session.status, 201) << bad_session.body;
  EXPECT_EQ(bad_session.Json().at("status"), "failed");
  EXPECT_THAT(bad_session.body, HasSubstr("session"));
}

TEST_F(MemoryApiTest, MetricsShowTheHub) {
  Memorize("m", {{"content", "count me"}});
  Query("m", "query=count");
  auto metrics = client_->Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.body, HasSubstr("goclaw_memory_items 1"));
  EXPECT_THAT(metrics.body, HasSubstr("goclaw_memory_retrieve_seconds_count{mode=\"hybrid\"} 1"));
  EXPECT_THAT(metrics.body, HasSubstr("goclaw_memory_memorized_total 1"));
}

TEST_F(MemoryApiTest, BadInputGetsAClearErrorAndWritesNothing) {
  struct Case {
    std::string method, path, body;
    int status;
    std::string mentions;
  };
  const std::string big(70000, 'x');
  boost::json::array short_vector = {1.0, 2.0};
  const std::vector<Case> cases = {
      {"POST", "/api/v1/memory/s", "{not json", 400, "BAD_REQUEST"},
      {"POST", "/api/v1/memory/s", R"({"content": "x", "colour": "red"})", 400, "colour"},
      {"POST", "/api/v1/memory/s", R"({"content": "   "})", 400, "content"},
      {"POST", "/api/v1/memory/s", R"({"content": 5})", 400, "content"},
      {"POST", "/api/v1/memory/s", R"({})", 400, "content"},
      {"POST", "/api/v1/memory/s", "{\"content\": \"" + big + "\"}", 400, "65536"},
      {"POST", "/api/v1/memory/s", R"({"content": "x", "vector": [1, 2]})", 400, "384"},
      {"POST", "/api/v1/memory/s", R"({"content": "x", "vector": [1, "a"]})", 400, "vector[1]"},
      {"POST", "/api/v1/memory/s", R"({"content": "x", "vector": [1e999]})", 400, ""},
      {"POST", "/api/v1/memory/s", R"({"content": "x", "trust": "total"})", 400, "trust"},
      {"POST", "/api/v1/memory/s", R"({"content": "x", "metadata": {"k": 1}})", 400, "metadata.k"},
      {"POST", "/api/v1/memory/s", R"({"items": []})", 400, "items"},
      {"POST", "/api/v1/memory/s", R"({"items": [{"content": "ok"}, {"content": ""}]})", 400, "items[1]"},
      {"POST", "/api/v1/memory/bad!name", R"({"content": "x"})", 400, "session"},
      {"GET", "/api/v1/memory/s?query=x&mode=fuzzy", "", 400, "mode"},
      {"GET", "/api/v1/memory/s?mode=bm25", "", 400, "query"},
      {"GET", "/api/v1/memory/s?query=x&limit=0", "", 400, "top_k"},
      {"GET", "/api/v1/memory/s?query=x&limit=ten", "", 400, "limit"},
      {"GET", "/api/v1/memory/s?query=x&colour=red", "", 400, "colour"},
      {"GET", "/api/v1/memory/s?query=x&created_after=yesterday", "", 400, "created_after"},
      {"POST", "/api/v1/memory/s/search", R"({"mode": "vector"})", 400, "query"},
      {"POST", "/api/v1/memory/s/search", R"({"query": "x", "top_k": 100000})", 400, "top_k"},
      {"POST", "/api/v1/memory/s/search", R"([1, 2])", 400, ""},
      {"DELETE", "/api/v1/memory/s", R"({})", 400, "ids"},
      {"DELETE", "/api/v1/memory/s", R"({"ids": "mem-1"})", 400, "ids"},
      {"DELETE", "/api/v1/memory/s/weak?threshold=2", "", 400, "threshold"},
      {"DELETE", "/api/v1/memory/s/weak?threshold=abc", "", 400, "threshold"},
      {"DELETE", "/api/v1/memory/s/weak?threshold=0", "", 400, "threshold"},
      {"GET", "/api/v1/memory/s/items/mem-nope", "", 404, "mem-nope"},
      {"GET", "/api/v1/memory/s/list?limit=0", "", 400, "limit"},
      {"GET", "/api/v1/memory/s/stats?x=1", "", 400, "x"},
  };
  const std::string keep = Memorize("s", {{"content", "the one good item"}});
  for (const auto& c : cases) {
    auto r = client_->Request(c.method, c.path, c.body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << " " << c.body.substr(0, 80) << " -> " << r.body;
    EXPECT_THAT(r.body, HasSubstr(c.mentions)) << c.method << " " << c.path << " " << c.body.substr(0, 80);
  }
  auto text = client_->Request("POST", "/api/v1/memory/s", "content=x", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(text.status, 415);
  auto huge = client_->Request("POST", "/api/v1/memory/s", "{\"content\": \"" + std::string(5 << 20, 'y') + "\"}",
                               {{"Content-Type", "application/json"}});
  EXPECT_EQ(huge.status, 413);
  auto list = client_->Get("/api/v1/memory/s/list").Json();
  EXPECT_EQ(list.at("total"), 1);  // nothing else was written
  EXPECT_EQ(list.at("entries").at(0).at("id"), boost::json::value(keep));
}

}  // namespace
}  // namespace goclaw::server
