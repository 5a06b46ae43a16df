// The REST API end to end in one process: a real Server (engine + Beast HTTP) on a free
// loopback port, a real HTTP client. Every route's success path, the middleware (request ids,
// CORS, 404/405, 413, malformed HTTP), and a corpus of bad requests that must each get their
// status and code while leaving the stored data unchanged.
#include "goclaw/server/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include <boost/json/serialize.hpp>

#include "goclaw/client/test_http_client.h"

namespace goclaw::server {
namespace {

using ClientResponse = client::Response;
using client::testing::TestHttpClient;
using ::testing::HasSubstr;

constexpr const char* kJson = "application/json";

std::string Str(const boost::json::value& v) { return v.is_string() ? std::string(v.get_string()) : "<not a string>"; }

// The API on the durable default: RocksDB in a temp dir.
config::Config TestConfig(const std::string& data_dir) {
  config::Config c;
  c.server.port = 0;
  c.grpc.port = 0;  // (gRPC is on by default, on 9090)
  c.storage.path = data_dir;
  c.server.max_body_bytes = 64 * 1024;
  c.server.cors_origins = {"http://localhost:5173"};
  c.dag.max_spec_bytes = 32 * 1024;
  c.dag.max_tasks = 1000;
  config::LaneConfig def;
  def.name = "default";
  config::LaneConfig narrow;
  narrow.name = "narrow";
  narrow.max_concurrency = 1;
  c.lanes = {def, narrow};
  return c;
}

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() {
    char tmpl[] = "/tmp/goclaw-api-XXXXXX";
    data_dir_ = ::mkdtemp(tmpl);
    auto s = Server::Start(TestConfig(data_dir_));
    EXPECT_TRUE(s) << s.error().ToString();
    server_ = std::move(*s);
    client_ = std::make_unique<TestHttpClient>(server_->port());
  }

  ClientResponse Submit(const std::string& spec, const std::string& query = "", const char* type = kJson) {
    return client_->Request("POST", "/api/v1/workflows" + query, spec, {{"Content-Type", type}});
  }

  std::string SubmitAsync(const std::string& spec) {
    ClientResponse r = Submit(spec, "?async=true");
    EXPECT_EQ(r.status, 202) << r.body;
    return std::string(r.Json().at("id").as_string());
  }

  ~ApiTest() override {
    client_.reset();
    server_.reset();
    std::filesystem::remove_all(data_dir_);
  }

  std::string data_dir_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<TestHttpClient> client_;
};

constexpr const char* kHello = R"({"name": "hello", "tasks": [
  {"id": "greet", "config": {"op": "echo", "text": "hi"}},
  {"id": "shout", "depends_on": ["greet"], "config": {"op": "echo", "said": "{{tasks.greet.output.text}}"}}]})";

TEST_F(ApiTest, HealthReadyStatus) {
  EXPECT_EQ(client_->Get("/health").Json().at("status"), "ok");
  EXPECT_EQ(client_->Get("/ready").status, 200);
  ClientResponse st = client_->Get("/status");
  ASSERT_EQ(st.status, 200);
  auto j = st.Json();
  EXPECT_EQ(j.at("workflows").at("total"), 0);
  EXPECT_EQ(j.at("lanes").as_array().size(), 2u);
  EXPECT_TRUE(j.at("version").is_string());
}

TEST_F(ApiTest, SubmitAndWaitReturnsTheFinishedWorkflow) {
  ClientResponse r = Submit(kHello);
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = r.Json();
  EXPECT_EQ(j.at("status"), "completed");
  EXPECT_EQ(j.at("name"), "hello");
  EXPECT_TRUE(std::string(j.at("id").as_string()).starts_with("wf-"));
  EXPECT_EQ(j.at("tasks").at(1).at("result").at("said"), "hi");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_TRUE(r.Header("x-request-id").starts_with("req-"));
}

TEST_F(ApiTest, SubmitYamlAsyncThenQuery) {
  ClientResponse r = Submit("name: y\ntasks:\n  - id: a\n  - id: b\n    depends_on: [a]\n", "?async=true",
                            "application/yaml");
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id(r.Json().at("id").as_string());
  EXPECT_EQ(r.Header("location"), "/api/v1/workflows/" + id);
  ASSERT_TRUE(server_->engine().Wait(id));
  ClientResponse got = client_->Get("/api/v1/workflows/" + id);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.Json().at("status"), "completed");
  EXPECT_EQ(got.Json().at("tasks").as_array().size(), 2u);

  ClientResponse events = client_->Get("/api/v1/workflows/" + id + "/events");
  ASSERT_EQ(events.status, 200);
  const boost::json::value events_json = events.Json();
  const auto& list = events_json.at("events").as_array();
  ASSERT_GE(list.size(), 11u);  // 3 workflow + 4 per task
  EXPECT_EQ(list[0].at("seq"), 1);
  ClientResponse since = client_->Get("/api/v1/workflows/" + id + "/events?since=5");
  EXPECT_EQ(since.Json().at("events").as_array().size(), list.size() - 5);
  EXPECT_EQ(since.Json().at("events").at(0).at("seq"), 6);

  ClientResponse result = client_->Get("/api/v1/workflows/" + id + "/tasks/b/result");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.Json().at("task_id"), "b");
}

TEST_F(ApiTest, AsyncFlagInTheBodyAndWaitTimeout) {
  ClientResponse body_async = Submit(R"({"async": true, "tasks": [{"id": "a"}]})");
  EXPECT_EQ(body_async.status, 202) << body_async.body;
  // Waits 50 ms, then answers 202 with the workflow still running.
  ClientResponse slow = Submit(R"({"wait": "50ms", "tasks": [{"id": "z", "config": {"op": "sleep", "duration": "1h"}}]})");
  ASSERT_EQ(slow.status, 202) << slow.body;
  EXPECT_EQ(slow.Json().at("status"), "running");
}

TEST_F(ApiTest, CancelIsIdempotentlyRefusedOnceFinished) {
  std::string id = SubmitAsync(R"({"tasks": [{"id": "z", "config": {"op": "sleep", "duration": "1h"}}]})");
  ClientResponse c = client_->Request("POST", "/api/v1/workflows/" + id + "/cancel");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.Json().at("status"), "cancelled");
  ClientResponse again = client_->Request("POST", "/api/v1/workflows/" + id + "/cancel");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.Json().at("error").at("code"), "CONFLICT");
  ClientResponse result = client_->Get("/api/v1/workflows/" + id + "/tasks/z/result");
  EXPECT_EQ(result.status, 409);
  EXPECT_THAT(result.body, HasSubstr("cancelled"));
}

TEST_F(ApiTest, ListFiltersPagesAndCursor) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(SubmitAsync(R"({"name": "batch", "tasks": [{"id": "a"}]})"));
  SubmitAsync(R"({"name": "other", "tasks": [{"id": "a"}]})");
  for (const auto& id : ids) ASSERT_TRUE(server_->engine().Wait(id));
  auto page = client_->Get("/api/v1/workflows?name=batch&limit=2").Json();
  EXPECT_EQ(page.at("total"), 5);
  ASSERT_EQ(page.at("workflows").as_array().size(), 2u);
  EXPECT_EQ(Str(page.at("workflows").at(0).at("id")), ids[0]);
  std::string cursor(page.at("next_cursor").as_string());
  EXPECT_EQ(cursor, ids[1]);
  auto next = client_->Get("/api/v1/workflows?name=batch&limit=2&cursor=" + cursor).Json();
  EXPECT_EQ(Str(next.at("workflows").at(0).at("id")), ids[2]);
  auto offset = client_->Get("/api/v1/workflows?name=batch&offset=4").Json();
  ASSERT_EQ(offset.at("workflows").as_array().size(), 1u);
  EXPECT_TRUE(offset.at("next_cursor").is_null());
  auto done = client_->Get("/api/v1/workflows?status=completed&created_after=2000-01-01T00:00:00Z").Json();
  EXPECT_GE(done.at("total").as_int64(), 5);
  auto none = client_->Get("/api/v1/workflows?created_before=2000-01-01T00:00:00Z").Json();
  EXPECT_EQ(none.at("total"), 0);
  // Newest first: the cursor pages on backwards.
  auto newest = client_->Get("/api/v1/workflows?name=batch&limit=2&order=desc").Json();
  EXPECT_EQ(newest.at("total"), 5);
  ASSERT_EQ(newest.at("workflows").as_array().size(), 2u);
  EXPECT_EQ(Str(newest.at("workflows").at(0).at("id")), ids[4]);
  EXPECT_EQ(Str(newest.at("next_cursor")), ids[3]);
  auto older = client_->Get("/api/v1/workflows?name=batch&order=desc&cursor=" + ids[3]).Json();
  ASSERT_EQ(older.at("workflows").as_array().size(), 3u);
  EXPECT_EQ(Str(older.at("workflows").at(0).at("id")), ids[2]);
  EXPECT_EQ(Str(older.at("workflows").at(2).at("id")), ids[0]);
  EXPECT_EQ(Str(client_->Get("/api/v1/workflows?order=asc&limit=1").Json().at("workflows").at(0).at("id")),
            ids[0]);
  ClientResponse sideways = client_->Get("/api/v1/workflows?order=sideways");
  ASSERT_EQ(sideways.status, 400);
  EXPECT_EQ(sideways.Json().at("error").at("details").at(0).at("path"), "order");
  EXPECT_THAT(sideways.body, HasSubstr("accepted: asc"));
}

TEST_F(ApiTest, ValidateAnswersLikeTheCli) {
  ClientResponse ok = client_->PostJson("/api/v1/workflows/validate", kHello);
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.Json().at("valid"), true);
  EXPECT_EQ(ok.Json().at("order").at(0), "greet");
  ClientResponse bad = client_->PostJson(
      "/api/v1/workflows/validate",
      R"({"tasks": [{"id": "a", "timeout": "soon"}, {"id": "c", "depends_on": ["zz"]}]})");
  ASSERT_EQ(bad.status, 400);
  auto err = bad.Json().at("error");
  EXPECT_EQ(err.at("code"), "VALIDATION_FAILED");
  ASSERT_EQ(err.at("details").as_array().size(), 2u) << bad.body;  // every problem, with its path
  EXPECT_EQ(err.at("details").at(0).at("path"), "tasks[0].timeout");
  EXPECT_EQ(err.at("details").at(1).at("path"), "tasks[1].depends_on[0]");
  EXPECT_EQ(Str(err.at("request_id")), bad.Header("x-request-id"));
}

TEST_F(ApiTest, LanesListGetPatch) {
  auto lanes = client_->Get("/api/v1/lanes").Json().at("lanes").as_array();
  ASSERT_EQ(lanes.size(), 2u);
  ClientResponse narrow = client_->Get("/api/v1/lanes/narrow");
  ASSERT_EQ(narrow.status, 200);
  EXPECT_EQ(narrow.Json().at("max_concurrency"), 1);
  ClientResponse patched = client_->Request("PATCH", "/api/v1/lanes/narrow",
                                            R"({"max_concurrency": 4, "rate": {"per_second": 10}})",
                                            {{"Content-Type", kJson}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.Json().at("max_concurrency"), 4);
  EXPECT_EQ(patched.Json().at("rate").at("per_second"), 10.0);
  EXPECT_EQ(server_->engine().lanes().Find("narrow")->Stats().max_concurrency, 4);
  ClientResponse unlimited = client_->Request("PATCH", "/api/v1/lanes/narrow", R"({"rate": null})",
                                              {{"Content-Type", kJson}});
  EXPECT_TRUE(unlimited.Json().at("rate").is_null());
  ClientResponse unknown = client_->Request("PATCH", "/api/v1/lanes/narrow", R"({"concurrency_max": 2})",
                                            {{"Content-Type", kJson}});
  ASSERT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_THAT(unknown.body, HasSubstr("accepted keys: capacity, max_concurrency, rate")) << unknown.body;
}

TEST_F(ApiTest, RequestIdsCorsAndMethodErrors) {
  ClientResponse given = client_->Request("GET", "/health", "", {{"X-Request-ID", "abc-123"}});
  EXPECT_EQ(given.Header("x-request-id"), "abc-123");
  ClientResponse invalid = client_->Request("GET", "/health", "", {{"X-Request-ID", "bad id with spaces"}});
  EXPECT_TRUE(invalid.Header("x-request-id").starts_with("req-"));

  ClientResponse cors = client_->Request("GET", "/health", "", {{"Origin", "http://localhost:5173"}});
  EXPECT_EQ(cors.Header("access-control-allow-origin"), "http://localhost:5173");
  ClientResponse other = client_->Request("GET", "/health", "", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(other.Header("access-control-allow-origin"), "");
  ClientResponse preflight = client_->Request(
      "OPTIONS", "/api/v1/workflows", "",
      {{"Origin", "http://localhost:5173"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_THAT(preflight.Header("access-control-allow-methods"), HasSubstr("POST"));

  ClientResponse method = client_->Request("DELETE", "/api/v1/workflows");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.Header("allow"), "GET, POST");
}

// One bad request: what is sent, and the status and error code it must get ("" = any code).
struct BadRequest {
  std::string method;
  std::string target;
  std::string content_type;
  std::string body;
  int status;
  std::string code;
};

std::vector<BadRequest> BadRequests() {
  const std::string spec_prefix = R"({"tasks": [{"id": "a"}], )";
  std::string deep(1000, '[');
  std::string too_many = R"({"tasks": [)";
  for (int i = 0; i < 1001; ++i) too_many += (i ? ",{\"id\":\"t" : "{\"id\":\"t") + std::to_string(i) + "\"}";
  too_many += "]}";
  std::string over_spec_limit = R"({"tasks": [{"id": "a", "config": {"pad": ")" + std::string(40 * 1024, 'x') + "\"}}]}";
  std::string over_body_limit(70 * 1024, ' ');
  const std::string wf = "/api/v1/workflows";
  return {
      // Submit: bodies and content types
      {"POST", wf, kJson, R"({"tasks": [)", 400, "BAD_REQUEST"},
      {"POST", wf, kJson, R"({"tasks": []} trailing)", 400, "BAD_REQUEST"},
      {"POST", wf, kJson, "", 400, "BAD_REQUEST"},
      {"POST", wf, "text/plain", R"({"tasks": [{"id": "a"}]})", 415, "UNSUPPORTED_MEDIA_TYPE"},
      {"POST", wf, "", R"({"tasks": [{"id": "a"}]})", 415, "UNSUPPORTED_MEDIA_TYPE"},
      {"POST", wf, "application/x-www-form-urlencoded", "tasks=a", 415, "UNSUPPORTED_MEDIA_TYPE"},
      {"POST", wf, "application/json; charset=utf-16", R"({"tasks": [{"id": "a"}]})", 415, "UNSUPPORTED_MEDIA_TYPE"},
      {"POST", wf, "application/yaml; charset=ISO-8859-1", "tasks: [{id: a}]", 415, "UNSUPPORTED_MEDIA_TYPE"},
      {"POST", wf, kJson, "[]", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"("hello")", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, "{}", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a"}], "bogus": 1})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a", "dependson": []}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a", "depends_on": ["a"]}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a", "depends_on": ["b"]}, {"id": "b", "depends_on": ["a"]}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a", "depends_on": ["missing"]}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a"}, {"id": "a"}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": "a"})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": 5}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a", "type": "teleport"}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a", "timeout": "soon"}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a", "retries": -3}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a", "priority": 99999999999999999999999}]})", 400, ""},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a", "timeout": 1e400}]})", 400, ""},
      {"POST", wf, kJson, spec_prefix + R"("async": "yes"})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, spec_prefix + R"("wait": "forever"})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, spec_prefix + R"("wait": "1000h"})", 400, "VALIDATION_FAILED"},
      {"POST", wf + "?async=maybe", kJson, R"({"tasks": [{"id": "a"}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf + "?asynch=true", kJson, R"({"tasks": [{"id": "a"}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, "application/yaml", "tasks: [", 400, "BAD_REQUEST"},
      {"POST", wf, "application/yaml", "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\ne: &e [*d, *d]\n"
                                       "f: &f [*e, *e]\ng: &g [*f, *f]\nh: &h [*g, *g]\ni: &i [*h, *h]\nj: [*i, *i]\n", 400, ""},
      {"POST", wf, "application/yaml", "tasks:\n  - id: a\n    depends_on: [a]\n", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "tâche"}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a\u0000b"}]})", 400, ""},
      {"POST", wf, kJson, "{\"tasks\": [{\"id\": \"\xff\xfe\"}]}", 400, "BAD_REQUEST"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a", "type": "exec", "config": {"command": ["ls"]}}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, R"({"tasks": [{"id": "a", "type": "remote"}]})", 400, "VALIDATION_FAILED"},
      {"POST", wf, kJson, deep, 400, "BAD_REQUEST"},
      {"POST", wf, kJson, over_body_limit, 413, "PAYLOAD_TOO_LARGE"},
      {"POST", wf, kJson, over_spec_limit, 413, "PAYLOAD_TOO_LARGE"},
      {"POST", wf, kJson, too_many, 400, "VALIDATION_FAILED"},
      // Workflow ids
      {"GET", wf + "/wf-unknown", "", "", 404, "NOT_FOUND"},
      {"GET", wf + "/..%2F..%2Fetc%2Fpasswd", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "/%zz", "", "", 400, "BAD_REQUEST"},
      {"GET", wf + "/a%00b", "", "", 400, "BAD_REQUEST"},
      {"GET", wf + "/" + std::string(129, 'w'), "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "/wf-unknown/events", "", "", 404, "NOT_FOUND"},
      {"GET", wf + "/wf-unknown/events?since=abc", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "/wf-unknown/tasks/a/result", "", "", 404, "NOT_FOUND"},
      {"POST", wf + "/wf-unknown/cancel", "", "", 404, "NOT_FOUND"},
      {"GET", wf + "/wf-unknown/cancel", "", "", 405, "METHOD_NOT_ALLOWED"},
      {"DELETE", wf, "", "", 405, "METHOD_NOT_ALLOWED"},
      {"PUT", wf + "/validate", "", "", 405, "METHOD_NOT_ALLOWED"},
      {"GET", "/api/v1/nothing", "", "", 404, "NOT_FOUND"},
      {"GET", "/nothing", "", "", 404, "NOT_FOUND"},  // (/ redirects to the web UI: ui_test.cc)
      // List
      {"GET", wf + "?limit=0", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "?limit=abc", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "?limit=1001", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "?offset=-5", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "?status=exploded", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "?created_after=yesterday", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "?created_after=2026-02-30T00:00:00Z", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "?created_before=2026-11-25T24:00:00Z", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "?limit=5&limit=6", "", "", 400, "BAD_REQUEST"},
      {"GET", wf + "?cursor=..%2Fx", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "?limti=5", "", "", 400, "VALIDATION_FAILED"},
      {"GET", wf + "?q=%zz", "", "", 400, "BAD_REQUEST"},
      // Validate
      {"POST", wf + "/validate", kJson, "{", 400, "BAD_REQUEST"},
      {"POST", wf + "/validate", "text/plain", "{}", 415, "UNSUPPORTED_MEDIA_TYPE"},
      {"POST", wf + "/validate", kJson, R"({"tasks": [{"id": "a", "depends_on": ["a"]}]})", 400, "VALIDATION_FAILED"},
      // Lanes
      {"GET", "/api/v1/lanes/nope", "", "", 404, "NOT_FOUND"},
      {"GET", "/api/v1/lanes/a%2Fb", "", "", 400, "VALIDATION_FAILED"},
      {"GET", "/api/v1/lanes?x=1", "", "", 400, "VALIDATION_FAILED"},
      {"PATCH", "/api/v1/lanes/default", kJson, "{", 400, "BAD_REQUEST"},
      {"PATCH", "/api/v1/lanes/default", "text/plain", R"({"max_concurrency": 2})", 415, "UNSUPPORTED_MEDIA_TYPE"},
      {"PATCH", "/api/v1/lanes/default", kJson, R"({"max_concurrency": -1})", 400, "VALIDATION_FAILED"},
      {"PATCH", "/api/v1/lanes/default", kJson, R"({"max_concurrency": "ten"})", 400, "VALIDATION_FAILED"},
      {"PATCH", "/api/v1/lanes/default", kJson, R"({"max_concurrency": 2, "bogus": 1})", 400, "VALIDATION_FAILED"},
      {"PATCH", "/api/v1/lanes/default", kJson, "{}", 400, "VALIDATION_FAILED"},
      {"PATCH", "/api/v1/lanes/default", kJson, "[1]", 400, "VALIDATION_FAILED"},
      {"PATCH", "/api/v1/lanes/default", kJson, R"({"rate": {"burst": 5}})", 400, "VALIDATION_FAILED"},
      {"PATCH", "/api/v1/lanes/nope", kJson, R"({"max_concurrency": 2})", 404, "NOT_FOUND"},
      {"POST", "/api/v1/lanes", kJson, "{}", 405, "METHOD_NOT_ALLOWED"},
      {"POST", "/health", "", "", 405, "METHOD_NOT_ALLOWED"},
  };
}

TEST_F(ApiTest, BadRequestCorpusLeavesStoredDataUnchanged) {
  // Some data first, to compare after.
  std::string done = SubmitAsync(kHello);
  ASSERT_TRUE(server_->engine().Wait(done));
  std::string running = SubmitAsync(R"({"tasks": [{"id": "z", "config": {"op": "sleep", "duration": "1h"}}]})");
  // Get runs on the workflow's shard after its start: from here on it is "running".
  ASSERT_EQ(server_->engine().Get(running)->state, engine::WorkflowState::kRunning);
  const std::string before_list = client_->Get("/api/v1/workflows").body;
  const std::string before_done = client_->Get("/api/v1/workflows/" + done).body;
  const std::string before_lanes = client_->Get("/api/v1/lanes/default").Json().at("max_concurrency").as_int64() == 16
                                       ? "ok" : "changed";

  auto corpus = BadRequests();
  ASSERT_GE(corpus.size(), 60u);
  for (const BadRequest& b : corpus) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!b.content_type.empty()) headers.emplace_back("Content-Type", b.content_type);
    ClientResponse r = client_->Request(b.method, b.target, b.body, headers);
    const std::string what = b.method + " " + b.target.substr(0, 80) + " " + b.body.substr(0, 80);
    EXPECT_EQ(r.status, b.status) << what << " -> " << r.body.substr(0, 300);
    auto j = r.Json();
    ASSERT_TRUE(j.is_object()) << what << " -> not JSON: " << r.body.substr(0, 200);
    const auto& err = j.at("error");
    if (!b.code.empty()) {
      EXPECT_EQ(Str(err.at("code")), b.code) << what << " -> " << r.body.substr(0, 300);
    }
    EXPECT_FALSE(err.at("message").as_string().empty()) << what;
    EXPECT_EQ(Str(err.at("request_id")), r.Header("x-request-id")) << what;
  }

  EXPECT_EQ(client_->Get("/api/v1/workflows").body, before_list);
  EXPECT_EQ(client_->Get("/api/v1/workflows/" + done).body, before_done);
  EXPECT_EQ(client_->Get("/api/v1/workflows/" + running).Json().at("status"), "running");
  EXPECT_EQ(before_lanes, "ok");
  EXPECT_EQ(client_->Get("/api/v1/lanes/default").Json().at("max_concurrency"), 16);
}

TEST_F(ApiTest, ListFiltersTakeFarYears) {
  // Nanosecond times end in 2262: later filters clamp rather than overflow.
  SubmitAsync(kHello);
  ClientResponse before = client_->Get("/api/v1/workflows?created_before=9999-12-31T23:59:59Z");
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.Json().at("total"), 1);
  ClientResponse after = client_->Get("/api/v1/workflows?created_after=2300-01-01T00:00:00Z");
  ASSERT_EQ(after.status, 200) << after.body;
  EXPECT_EQ(after.Json().at("total"), 0);
}

TEST_F(ApiTest, SnapshotPathMistakesAre4xxWithWhatToDo) {
  const std::string base = data_dir_ + "-snapshots";
  std::filesystem::create_directory(base);
  auto snapshot = [&](const std::string& dir) {
    return client_->PostJson("/api/v1/admin/snapshot", boost::json::serialize(boost::json::object{{"dir", dir}}));
  };
  ClientResponse relative = snapshot("backups/snap");
  EXPECT_EQ(relative.status, 400);
  ClientResponse no_parent = snapshot(base + "/missing/snap");
  EXPECT_EQ(no_parent.status, 400) << no_parent.body;  // before: 503 from RocksDB
  EXPECT_THAT(no_parent.body, HasSubstr("does not exist; create it first"));
  ClientResponse inside = snapshot(data_dir_ + "/snap");
  EXPECT_EQ(inside.status, 400) << inside.body;  // before: a snapshot inside the live store
  EXPECT_THAT(inside.body, HasSubstr("inside the live data directory"));
  ClientResponse sneaky = snapshot(base + "/../" + std::filesystem::path(data_dir_).filename().string() + "/x");
  EXPECT_EQ(sneaky.status, 400) << sneaky.body;
  ClientResponse exists = snapshot(base);
  EXPECT_EQ(exists.status, 409) << exists.body;
  ClientResponse ok = snapshot(base + "/snap/");
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_TRUE(std::filesystem::exists(base + "/snap/CURRENT"));
  std::filesystem::remove_all(base);
}

TEST_F(ApiTest, MalformedHttpGetsAnAnswerAndTheServerLives) {
  ClientResponse garbage = client_->Raw("GARBAGE\r\n\r\n");
  EXPECT_EQ(garbage.status, 400);
  ClientResponse huge_header = client_->Raw("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
  EXPECT_EQ(huge_header.status, 431);
  ClientResponse lying_length = client_->Raw("POST /api/v1/workflows HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999999999\r\n\r\n");
  EXPECT_EQ(lying_length.status, 413);
  EXPECT_EQ(client_->Get("/health").status, 200);
}

TEST_F(ApiTest, OpenApiListsEveryRouteAndEveryDocumentedRouteAnswers) {
  ClientResponse r = client_->Get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = r.Json();
  EXPECT_EQ(doc.at("openapi"), "3.1.0");
  const auto& paths = doc.at("paths").as_object();
  // Every route the server has is documented...
  std::size_t operations = 0, documented = 0;
  for (const auto& route : server_->router().routes()) {
    if (!route.options.documented) {  // the web UI's pages (ui_test.cc)
      EXPECT_FALSE(paths.contains(route.pattern)) << route.pattern;
      continue;
    }
    ++documented;
    std::string method = route.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(paths.contains(route.pattern)) << route.pattern;
    EXPECT_TRUE(paths.at(route.pattern).as_object().contains(method)) << route.method << " " << route.pattern;
  }
  // ...and every documented operation answers: no "no route" 404, no 405.
  for (const auto& [path, item] : paths) {
    for (const auto& [method, op] : item.as_object()) {
      ++operations;
      std::string target(path);
      for (const char* p : {"{id}", "{task}", "{name}"}) {
        if (auto at = target.find(p); at != std::string::npos) target.replace(at, std::string(p).size(), "x");
      }
      std::string upper(method);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      ClientResponse answer = client_->Request(upper, target, "{}", {{"Content-Type", kJson}});
      EXPECT_NE(answer.status, 405) << upper << " " << target;
      EXPECT_THAT(answer.body, ::testing::Not(HasSubstr("no route for"))) << upper << " " << target;
    }
  }
  EXPECT_EQ(operations, documented);
}

// A full disk (injected under RocksDB): submits get 503 and leave nothing behind, /ready says
// why, reads keep working, and everything works again once writes succeed.
TEST(ApiDiskFullTest, SubmitsGet503UntilTheStoreWritesAgain) {
  char tmpl[] = "/tmp/goclaw-api-full-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  auto faults = std::make_shared<store::WriteFaults>();
  {
    auto server = Server::Start(TestConfig(dir), {}, faults);
    ASSERT_TRUE(server) << server.error().ToString();
    TestHttpClient client((*server)->port());
    auto ok = client.Request("POST", "/api/v1/workflows", kHello, {{"Content-Type", kJson}});
    ASSERT_EQ(ok.status, 201) << ok.body;
    const std::string id(ok.Json().at("id").as_string());
    ASSERT_TRUE((*server)->engine().Flush());

    faults->no_space = true;
    auto refused = client.Request("POST", "/api/v1/workflows?async=true", kHello, {{"Content-Type", kJson}});
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_EQ(refused.Json().at("error").at("code"), "UNAVAILABLE");
    EXPECT_THAT(std::string(refused.Json().at("error").at("message").as_string()), HasSubstr("no space"));
    EXPECT_EQ(client.Get("/api/v1/workflows").Json().at("total"), 1);  // the refused one is not there
    EXPECT_EQ(client.Get("/api/v1/workflows/" + id).status, 200);       // reads still work
    (void)(*server)->engine().Flush();  // a journal write fails: the engine knows
    auto ready = client.Get("/ready");
    EXPECT_EQ(ready.status, 503);
    EXPECT_THAT(ready.body, HasSubstr("store cannot write"));
    EXPECT_EQ(client.Get("/status").Json().at("store").at("healthy"), false);
    EXPECT_THAT(client.Get("/metrics").body, HasSubstr("goclaw_store_healthy{kind=\"rocksdb\"} 0"));

    faults->no_space = false;
    ClientResponse back;
    for (int i = 0; i < 200; ++i) {  // the first write after the space returns reopens RocksDB
      back = client.Request("POST", "/api/v1/workflows", kHello, {{"Content-Type", kJson}});
      if (back.status == 201) break;
    }
    EXPECT_EQ(back.status, 201) << back.body;
    ASSERT_TRUE((*server)->engine().Flush());
    EXPECT_EQ(client.Get("/ready").status, 200);
    EXPECT_EQ(client.Get("/api/v1/workflows").Json().at("total"), 2);
  }
  std::filesystem::remove_all(dir);
}

TEST_F(ApiTest, ShutdownMakesReadyFailAndStopsServing) {
  int port = server_->port();
  server_->Shutdown();
  auto refused = client::HttpCall("http://127.0.0.1:" + std::to_string(port), {.target = "/health"});
  ASSERT_FALSE(refused) << "answered " << refused->status;
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable) << refused.error().message();
}

}  // namespace
}  // namespace goclaw::server

// Regression (issue 12, finding 17): specs that could never run on this server were accepted
// and failed later, task by task. Now the submit (and /validate) refuses them with 400 and
// every problem's path.
namespace goclaw::server {
namespace {

TEST_F(ApiTest, SubmitRefusesWhatCannotRunHere) {
  const std::string spec = R"({"tasks": [
    {"id": "x"},
    {"id": "a", "lane": "gpu"},
    {"id": "b", "type": "function", "config": {"name": "summarize"}},
    {"id": "c", "depends_on": ["a"], "config": {"op": "echo", "args": {"text": "{{tasks.x.output}}"}}},
    {"id": "d", "timeout": 0},
    {"id": "e", "config": {"op": "fail", "times": "lots"}},
    {"id": "f", "lane": "narrow", "depends_on": ["x"], "config": {"op": "echo", "v": "{{tasks.x.output}}"}}]})";
  for (const char* target : {"/api/v1/workflows?async=true", "/api/v1/workflows/validate"}) {
    ClientResponse r = client_->Request("POST", target, spec, {{"Content-Type", kJson}});
    ASSERT_EQ(r.status, 400) << target << ": " << r.body;
    const boost::json::value body = r.Json();
    const auto& err = body.at("error");
    EXPECT_EQ(Str(err.at("code")), "VALIDATION_FAILED");
    std::vector<std::string> problems;
    for (const auto& d : err.at("details").as_array()) {
      problems.push_back(Str(d.at("path")) + ": " + Str(d.at("message")));
    }
    EXPECT_THAT(problems, ::testing::UnorderedElementsAre(
                              HasSubstr("tasks[1].lane: unknown lane \"gpu\""),
                              "tasks[2].config.name: no function named \"summarize\" is registered on this server",
                              HasSubstr("tasks[3].config.args.text: {{tasks.x.output}} refers to \"x\", which is not "
                                        "upstream of \"c\"; add it to depends_on"),
                              HasSubstr("tasks[4].timeout: must be more than 0"),
                              HasSubstr("tasks[5].config.times: expected how many attempts fail")))
        << target;
  }
  EXPECT_EQ(client_->Get("/api/v1/workflows").Json().at("total"), 0) << "nothing was stored";
  // Once registered, the function is accepted.
  ASSERT_TRUE(server_->engine().RegisterFunction(
      "summarize", [](engine::TaskContext&) -> Result<boost::json::value> { return boost::json::value(nullptr); }));
  ClientResponse ok = Submit(R"({"tasks": [{"id": "b", "type": "function", "config": {"name": "summarize"}}]})",
                             "?async=true");
  EXPECT_EQ(ok.status, 202) << ok.body;
}

}  // namespace
}  // namespace goclaw::server
