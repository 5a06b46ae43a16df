// Issue 12 ("Hardening") end to end: a workflow's http tasks against their own server. The
// egress policy refuses the server's own listener by default; with allow_self the lineage
// limit stops a chain of workflows submitting workflows; the submit route records the depth.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/client/test_http_client.h"
#include "goclaw/server/server.h"

namespace goclaw::server {
namespace {

using ClientResponse = client::Response;
using client::testing::TestHttpClient;
using ::testing::HasSubstr;

std::string Str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : "<not a string>";
}

class SecurityTest : public ::testing::Test {
 protected:
  void Start(bool allow_self, std::int64_t max_lineage_depth) {
    config::Config c;
    c.server.port = 0;
    c.grpc.port = 0;  // (gRPC is on by default, on 9090)
    c.storage.backend = config::StorageBackend::kMemory;
    c.executors.http.egress.allow_self = allow_self;
    c.limits.max_lineage_depth = max_lineage_depth;
    auto s = Server::Start(c);
    ASSERT_TRUE(s) << s.error().ToString();
    server_ = std::move(*s);
    client_ = std::make_unique<TestHttpClient>(server_->port());
  }

  ClientResponse Submit(const std::string& spec, const std::string& lineage = "") {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
    if (!lineage.empty()) headers.emplace_back("Goclaw-Lineage", lineage);
    return client_->Request("POST", "/api/v1/workflows", spec, headers);
  }

  // A workflow whose one http task submits `inner` to this server (async).
  std::string Caller(const boost::json::value& inner) const {
    boost::json::object task{{"id", "call"},
                             {"type", "http"},
                             {"config",
                              {{"url", "http://127.0.0.1:" + std::to_string(server_->port()) +
                                           "/api/v1/workflows?async=true"},
                               {"body", inner}}}};
    return boost::json::serialize(boost::json::object{{"name", "caller"}, {"tasks", {task}}});
  }

  std::unique_ptr<Server> server_;
  std::unique_ptr<TestHttpClient> client_;
};

constexpr const char* kLeaf = R"({"name": "leaf", "tasks": [{"id": "a"}]})";

TEST_F(SecurityTest, SubmitRecordsTheLineageDepthAndRefusesPastTheLimit) {
  Start(/*allow_self=*/false, /*max_lineage_depth=*/3);
  ClientResponse ok = Submit(kLeaf, "3");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.Json().at("metadata").at("lineage_depth"), 3);

  ClientResponse deep = Submit(kLeaf, "4");
  ASSERT_EQ(deep.status, 400) << deep.body;
  EXPECT_EQ(deep.Json().at("error").at("code"), "LINEAGE_LIMIT");
  EXPECT_THAT(Str(deep.Json().at("error").at("message")),
              HasSubstr("4 submits deep (Goclaw-Lineage), more than limits.max_lineage_depth = 3"));

  ClientResponse bad = Submit(kLeaf, "-1");
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json().at("error").at("code"), "BAD_REQUEST");

  // Without the header the depth is 0, whatever the spec claims.
  ClientResponse forged = Submit(R"({"name": "f", "metadata": {"lineage_depth": 99, "team": "x"},
                                     "tasks": [{"id": "a"}]})");
  ASSERT_EQ(forged.status, 201) << forged.body;
  EXPECT_EQ(forged.Json().at("metadata"), boost::json::parse(R"({"team": "x"})"));
}

TEST_F(SecurityTest, TasksCannotCallTheirOwnServerByDefault) {
  Start(/*allow_self=*/false, /*max_lineage_depth=*/8);
  ClientResponse r = Submit(Caller(boost::json::parse(kLeaf)));
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = r.Json();
  EXPECT_EQ(j.at("status"), "failed");
  EXPECT_THAT(Str(j.at("tasks").at(0).at("error")), HasSubstr("is this server's own listener"));
  EXPECT_EQ(j.at("tasks").at(0).at("attempts"), 1);  // not retried
  EXPECT_EQ(server_->engine().List({}).total, 1u);   // nothing was submitted
}

TEST_F(SecurityTest, TheLineageLimitStopsWorkflowsThatSubmitWorkflows) {
  Start(/*allow_self=*/true, /*max_lineage_depth=*/1);
  // caller (depth 0) submits middle (depth 1), which tries to submit leaf at depth 2.
  const boost::json::value middle = boost::json::parse(Caller(boost::json::parse(kLeaf)));
  ClientResponse r = Submit(Caller(middle));
  ASSERT_EQ(r.status, 201) << r.body;
  auto top = r.Json();
  ASSERT_EQ(top.at("status"), "completed") << r.body;
  const std::string middle_id(top.at("tasks").at(0).at("result").at("body").at("id").as_string());
  auto done = server_->engine().Wait(middle_id);
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->state, engine::WorkflowState::kFailed);
  EXPECT_EQ(done->metadata.at("lineage_depth"), 1);
  ASSERT_EQ(done->tasks.size(), 1u);
  EXPECT_THAT(done->tasks[0].error, HasSubstr("answered 400"));
  EXPECT_THAT(done->tasks[0].error, HasSubstr("LINEAGE_LIMIT"));
  EXPECT_EQ(server_->engine().List({}).total, 2u);  // caller and middle; no leaf
}

}  // namespace
}  // namespace goclaw::server
