#include "goclaw/service/workflow_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include "goclaw/core/json_format.h"
#include "goclaw/service/errors.h"
#include "goclaw/service/test_fixture.h"

namespace goclaw::service {
namespace {

using ::testing::HasSubstr;
using std::chrono::milliseconds;

constexpr const char* kHello = R"({"name": "hello", "tasks": [
  {"id": "greet", "config": {"op": "echo", "text": "hi"}},
  {"id": "shout", "depends_on": ["greet"], "config": {"op": "echo", "said": "{{tasks.greet.output.text}}"}}]})";
constexpr const char* kSleeper = R"({"name": "sleeper", "tasks": [{"id": "z", "config": {"op": "sleep", "duration": "1h"}}]})";

class WorkflowServiceTest : public testing::ServiceTest {
 protected:
  WorkflowServiceTest() : workflows_(*engine_, Policy()) {}

  static WorkflowPolicy Policy() {
    WorkflowPolicy p;
    p.limits.max_spec_bytes = 4096;
    p.limits.max_tasks = 100;
    p.max_lineage_depth = 3;
    p.default_wait = milliseconds(30000);
    p.max_wait = milliseconds(300000);
    p.wait_limit = milliseconds(60000);
    return p;
  }

  static SubmitRequest Spec(std::string text, DocumentFormat format = DocumentFormat::kJson) {
    SubmitRequest r;
    r.spec = std::move(text);
    r.format = format;
    return r;
  }

  std::string Run(const std::string& spec) {
    auto id = SubmitSpec(workflows_, Spec(spec));
    EXPECT_TRUE(id) << id.error().ToString();
    return id ? *id : "";
  }

  WorkflowService workflows_;
};

TEST_F(WorkflowServiceTest, SpecsThatDoNotParseAreMalformedAndOversizedOnesTooLarge) {
  auto empty = workflows_.Prepare(Spec(""));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.error().reason(), kReasonMalformed);
  EXPECT_EQ(empty.error().message(), "the body is empty; send a workflow spec");

  auto syntax = workflows_.Prepare(Spec(R"({"tasks": [)"));
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(syntax.error().reason(), kReasonMalformed);

  auto yaml = workflows_.Prepare(Spec("tasks: [", DocumentFormat::kYaml));
  ASSERT_FALSE(yaml);
  EXPECT_EQ(yaml.error().reason(), kReasonMalformed);

  auto big = workflows_.Prepare(Spec(R"({"tasks": [{"id": "a", "config": {"pad": ")" + std::string(5000, 'x') + "\"}}]}"));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(big.error().reason(), kReasonTooLarge);

  // Parses, but is wrong: no reason, every problem with its path.
  auto invalid = workflows_.Prepare(Spec(R"({"tasks": [{"id": "a", "depends_on": ["a"]}, {"id": "b", "lane": "gpu"}]})"));
  ASSERT_FALSE(invalid);
  EXPECT_EQ(invalid.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(invalid.error().reason(), "");
  EXPECT_FALSE(invalid.error().details().empty());
}

TEST_F(WorkflowServiceTest, SpecsMustRunOnThisEngine) {
  auto r = workflows_.Validate(R"({"tasks": [{"id": "a", "lane": "gpu"}, {"id": "b", "type": "function", "config": {"name": "f"}}]})",
                               DocumentFormat::kJson);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  std::vector<std::string> problems;
  for (const auto& d : r.error().details()) problems.push_back(d.path + ": " + d.message);
  EXPECT_THAT(problems, ::testing::UnorderedElementsAre(
                            HasSubstr("tasks[0].lane: unknown lane \"gpu\""),
                            HasSubstr("tasks[1].config.name: no function named \"f\" is registered")));
  ASSERT_TRUE(engine_->RegisterFunction("f", [](engine::TaskContext&) -> Result<boost::json::value> { return nullptr; }));
  auto ok = workflows_.Validate(R"({"name": "v", "tasks": [{"id": "b", "type": "function", "config": {"name": "f"}},
                                                         {"id": "a", "depends_on": ["b"]}]})",
                                DocumentFormat::kJson);
  ASSERT_TRUE(ok) << ok.error().ToString();
  EXPECT_EQ(CompactJson(*ok), R"({"valid":true,"name":"v","tasks":2,"order":["b","a"]})");
}

TEST_F(WorkflowServiceTest, TheLineageIsRecordedAndLimited) {
  SubmitRequest deep = Spec(kHello);
  deep.lineage = "3";
  auto id = SubmitSpec(workflows_, deep);
  ASSERT_TRUE(id) << id.error().ToString();
  auto st = workflows_.Get(*id);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->at("metadata").at("lineage_depth"), 3);

  SubmitRequest too_deep = Spec(kHello);
  too_deep.lineage = "4";
  auto refused = workflows_.Prepare(too_deep);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().reason(), kReasonLineageLimit);
  EXPECT_THAT(refused.error().message(), HasSubstr("limits.max_lineage_depth = 3"));

  SubmitRequest garbage = Spec(kHello);
  garbage.lineage = "-1";
  auto malformed = workflows_.Prepare(garbage);
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().reason(), kReasonMalformed);

  // Without a lineage, whatever the spec says there is removed: depth 0.
  auto plain = SubmitSpec(workflows_, Spec(R"({"metadata": {"lineage_depth": 99, "k": 1}, "tasks": [{"id": "a"}]})"));
  ASSERT_TRUE(plain) << plain.error().ToString();
  EXPECT_EQ(CompactJson(workflows_.Get(*plain)->at("metadata")), R"({"k":1})");
}

TEST_F(WorkflowServiceTest, WaitPolicyDefaultsOverridesLimitsAndClamps) {
  auto plain = workflows_.Prepare(Spec(kHello));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->async);
  EXPECT_EQ(plain->wait, milliseconds(30000));
  EXPECT_EQ(plain->wait_clamped, "");

  // The spec's own keys, then the request's overrides (which win).
  auto body = workflows_.Prepare(Spec(R"({"async": true, "wait": "10s", "tasks": [{"id": "a"}]})"));
  ASSERT_TRUE(body);
  EXPECT_TRUE(body->async);
  EXPECT_EQ(body->wait, milliseconds(10000));
  SubmitRequest overridden = Spec(R"({"async": true, "wait": 10, "tasks": [{"id": "a"}]})");
  overridden.async = false;
  overridden.wait = milliseconds(2000);
  auto o = workflows_.Prepare(overridden);
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->async);
  EXPECT_EQ(o->wait, milliseconds(2000));

  // Over wait_limit (the transport's request timeout): lowered, and said.
  auto clamped = workflows_.Prepare(Spec(R"({"wait": "2m", "tasks": [{"id": "a"}]})"));
  ASSERT_TRUE(clamped);
  EXPECT_EQ(clamped->wait, milliseconds(60000));
  EXPECT_EQ(clamped->wait_clamped, "1m (server.request_timeout; requested 2m)");

  // Every option problem at once: the spec's, the transport's, then max_wait.
  SubmitRequest bad = Spec(R"({"async": "yes", "wait": "1000h", "tasks": [{"id": "a"}]})");
  bad.option_problems.Add("asynch", "unknown query parameter; did you mean async?");
  auto refused = workflows_.Prepare(bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().message(), "submit options is invalid: 3 problems");
  ASSERT_EQ(refused.error().details().size(), 3u);
  EXPECT_EQ(refused.error().details()[0].path, "async");
  EXPECT_EQ(refused.error().details()[1].path, "asynch");
  EXPECT_EQ(refused.error().details()[2].path, "wait");
  EXPECT_EQ(refused.error().details()[2].message, "must be at most 5m");
}

TEST_F(WorkflowServiceTest, SubmitThenAwaitGivesTheStatusOrTheSummary) {
  auto hello = workflows_.Prepare(Spec(kHello));
  ASSERT_TRUE(hello);
  std::promise<Result<std::string>> durable;
  workflows_.Submit(*hello, [&](Result<std::string> id) { durable.set_value(std::move(id)); });
  auto id = durable.get_future().get();
  ASSERT_TRUE(id) << id.error().ToString();
  auto done = workflows_.AwaitFinish(*id, milliseconds(10000));
  ASSERT_TRUE(done) << done.error().ToString();
  EXPECT_TRUE(done->finished);
  EXPECT_EQ(done->body.at("status"), "completed");
  EXPECT_EQ(done->body.at("tasks").at(1).at("result").at("said"), "hi");
  // Durations print as plain decimals (the fake clock stood still: 0).
  EXPECT_THAT(CompactJson(done->body), HasSubstr("\"duration_seconds\":0.0"));

  const std::string sleeper = Run(kSleeper);
  auto running = workflows_.AwaitFinish(sleeper, milliseconds(1));
  ASSERT_TRUE(running) << running.error().ToString();
  EXPECT_FALSE(running->finished);
  EXPECT_EQ(running->body.at("id").as_string(), sleeper);
  EXPECT_EQ(running->body.at("name"), "sleeper");
  EXPECT_EQ(running->body.size(), 4u);  // id, name, status, created_at
}

TEST_F(WorkflowServiceTest, ListPagesWithACursor) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(workflows_.AwaitFinish(Run(kHello), milliseconds(10000)));
  ListRequest first;
  first.filter.limit = 2;
  auto page = workflows_.List(first);
  ASSERT_TRUE(page) << page.error().ToString();
  EXPECT_EQ(page->at("total"), 3);
  EXPECT_EQ(page->at("limit"), 2);
  EXPECT_EQ(page->at("workflows").as_array().size(), 2u);
  ASSERT_TRUE(page->at("next_cursor").is_string());
  ListRequest next;
  next.filter.limit = 2;
  next.filter.after_id = std::string(page->at("next_cursor").as_string());
  auto last = workflows_.List(next);
  ASSERT_TRUE(last);
  EXPECT_EQ(last->at("workflows").as_array().size(), 1u);
  EXPECT_TRUE(last->at("next_cursor").is_null());

  ListRequest bad;
  bad.filter.limit = 0;
  bad.filter.after_id = "../x";
  auto refused = workflows_.List(bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(refused.error().details().size(), 2u);
}

TEST_F(WorkflowServiceTest, GetEventsAndTaskResults) {
  const std::string id = Run(kHello);
  ASSERT_TRUE(workflows_.AwaitFinish(id, milliseconds(10000)));
  auto events = workflows_.Events(id, 0);
  ASSERT_TRUE(events);
  const auto& all = events->at("events").as_array();
  ASSERT_GT(all.size(), 4u);
  auto later = workflows_.Events(id, 4);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->at("events").as_array().size(), all.size() - 4);
  EXPECT_EQ(later->at("events").at(0).at("seq"), 5);

  auto result = workflows_.TaskResult(id, "shout");
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_EQ(CompactJson(*result), R"({"workflow_id":")" + id + R"(","task_id":"shout","status":"completed","result":{"said":"hi"}})");
  auto missing = workflows_.TaskResult(id, "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

  const std::string sleeper = Run(kSleeper);
  ASSERT_EQ(engine_->Get(sleeper)->state, engine::WorkflowState::kRunning);
  auto unfinished = workflows_.TaskResult(sleeper, "z");
  ASSERT_FALSE(unfinished);
  EXPECT_EQ(unfinished.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(unfinished.error().message(), "task \"z\" is running; it has no result");

  auto unknown = workflows_.Get("wf-unknown");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  for (const char* bad : {"../etc/passwd", "", "a b"}) {
    auto r = workflows_.Get(bad);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << bad;
    ASSERT_EQ(r.error().details().size(), 1u);
    EXPECT_EQ(r.error().details()[0].path, "id");
  }
}

TEST_F(WorkflowServiceTest, StatusesKeepToTheirSizeBudget) {
  WorkflowPolicy small = Policy();
  small.max_status_bytes = 20;
  WorkflowService tight(*engine_, small);
  auto id = SubmitSpec(tight, Spec(R"({"tasks": [{"id": "a", "config": {"op": "echo", "text": "0123456789012345678901234567890"}}]})"));
  ASSERT_TRUE(id);
  ASSERT_TRUE(tight.AwaitFinish(*id, milliseconds(10000)));
  auto st = tight.Get(*id);
  ASSERT_TRUE(st);
  const auto& task = st->at("tasks").at(0).as_object();
  EXPECT_FALSE(task.contains("result"));
  EXPECT_EQ(task.at("result_ref").as_string(), "/api/v1/workflows/" + *id + "/tasks/a/result");
}

TEST_F(WorkflowServiceTest, CancelAnswersWithTheSummaryOnceDurable) {
  const std::string id = Run(kSleeper);
  auto cancel = [&](const std::string& which) {
    std::promise<Result<boost::json::object>> done;
    workflows_.Cancel(which, [&](Result<boost::json::object> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  };
  auto first = cancel(id);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->at("status"), "cancelled");
  auto again = cancel(id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(cancel("wf-unknown").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(cancel("..").error().code(), ErrorCode::kInvalidArgument);
}

// What a UI needs to draw the DAG: each task's dependencies and lane, and the input it ran on.
TEST_F(WorkflowServiceTest, TheDetailHasEdgesLanesAndTheInput) {
  WorkflowService stored(*engine_, Policy(), store_.get());
  auto id = SubmitSpec(stored, Spec(R"({"name": "edges", "input": {"who": "ada"}, "tasks": [
    {"id": "a", "lane": "narrow"}, {"id": "b"}, {"id": "c", "depends_on": ["a", "b"]}]})"));
  ASSERT_TRUE(id) << id.error().ToString();
  ASSERT_TRUE(stored.AwaitFinish(*id, milliseconds(10000)));
  auto detail = stored.Get(*id, {.input = true});
  ASSERT_TRUE(detail) << detail.error().ToString();
  const auto& tasks = detail->at("tasks").as_array();
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(CompactJson(tasks[0].at("depends_on")), "[]");
  EXPECT_EQ(tasks[0].at("lane"), "narrow");
  EXPECT_EQ(tasks[1].at("lane"), "default");
  EXPECT_EQ(CompactJson(tasks[2].at("depends_on")), R"(["a","b"])");
  EXPECT_EQ(CompactJson(detail->at("input")), R"({"who":"ada"})");
  // Without asking (gRPC's status), no store read and no input.
  auto plain = stored.Get(*id);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->contains("input"));
  EXPECT_EQ(CompactJson(plain->at("tasks").at(2).at("depends_on")), R"(["a","b"])");
  // A service without a store says it has no input.
  auto no_store = workflows_.Get(*id, {.input = true});
  ASSERT_TRUE(no_store);
  EXPECT_TRUE(no_store->at("input").is_null());
}

TEST_F(WorkflowServiceTest, TheSpecReadsBackAndRunsAgainAsItIs) {
  WorkflowService stored(*engine_, Policy(), store_.get());
  auto id = SubmitSpec(stored, Spec(R"({"name": "again", "async": true, "input": {"n": 2}, "tasks": [
    {"id": "a", "config": {"op": "echo", "n": "{{input.n}}"}, "retries": 2},
    {"id": "b", "depends_on": ["a"], "lane": "narrow"}]})"));
  ASSERT_TRUE(id) << id.error().ToString();
  auto spec = stored.Spec(*id);
  ASSERT_TRUE(spec) << spec.error().ToString();
  EXPECT_EQ(spec->at("workflow_id").as_string(), *id);
  EXPECT_EQ(CompactJson(spec->at("input")), R"({"n":2})");
  const auto& doc = spec->at("spec").as_object();
  EXPECT_EQ(doc.at("name"), "again");
  EXPECT_EQ(CompactJson(doc.at("input")), R"({"n":2})");
  EXPECT_FALSE(doc.contains("async"));  // a submit option, not part of the spec
  // Submitted as it is: the same tasks, the same input.
  auto again = SubmitSpec(stored, Spec(CompactJson(doc)));
  ASSERT_TRUE(again) << again.error().ToString();
  ASSERT_TRUE(stored.AwaitFinish(*again, milliseconds(10000)));
  auto second = stored.Get(*again, {.input = true});
  ASSERT_TRUE(second);
  ASSERT_EQ(second->at("tasks").as_array().size(), 2u);
  EXPECT_EQ(second->at("tasks").at(0).at("id"), "a");
  EXPECT_EQ(second->at("tasks").at(1).at("id"), "b");
  EXPECT_EQ(CompactJson(second->at("tasks").at(1).at("depends_on")), R"(["a"])");
  EXPECT_EQ(CompactJson(second->at("input")), R"({"n":2})");
  auto twice = stored.Spec(*again);
  ASSERT_TRUE(twice);
  EXPECT_EQ(CompactJson(twice->at("spec")), CompactJson(doc));

  auto unknown = stored.Spec("wf-unknown");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
  auto bad = stored.Spec("../x");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  auto no_store = workflows_.Spec(*id);
  ASSERT_FALSE(no_store);
  EXPECT_EQ(no_store.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(WorkflowServiceTest, ListShowsTheErrorOfFailedWorkflows) {
  const std::string failed = Run(R"({"name": "boom", "tasks": [{"id": "x", "config": {"op": "fail"}}]})");
  ASSERT_TRUE(workflows_.AwaitFinish(failed, milliseconds(10000)));
  const std::string ok = Run(kHello);
  ASSERT_TRUE(workflows_.AwaitFinish(ok, milliseconds(10000)));
  auto page = workflows_.List({});
  ASSERT_TRUE(page) << page.error().ToString();
  const auto& items = page->at("workflows").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].at("status"), "failed");
  ASSERT_TRUE(items[0].as_object().contains("error"));
  EXPECT_EQ(items[0].at("error").as_string(), engine_->Get(failed)->error);
  EXPECT_FALSE(items[0].at("error").as_string().empty());
  EXPECT_FALSE(items[1].as_object().contains("error"));
}

TEST(WorkflowPolicyTest, FromConfigLowersTheDefaultWaitToTheRequestTimeout) {
  config::Config c;
  c.server.request_timeout = milliseconds(10000);
  c.dag.max_tasks = 7;
  c.limits.max_lineage_depth = 2;
  WorkflowPolicy p = WorkflowPolicyFromConfig(c);
  EXPECT_EQ(p.wait_limit, milliseconds(10000));
  EXPECT_EQ(p.default_wait, milliseconds(10000));
  EXPECT_EQ(p.limits.max_tasks, 7u);
  EXPECT_EQ(p.max_lineage_depth, 2);
}

}  // namespace
}  // namespace goclaw::service
