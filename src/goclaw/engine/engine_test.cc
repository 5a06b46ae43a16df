// Engine tests: real shard threads, a fake clock and manual timers (no sleeps). Tests wait for
// events with a condition variable.
#include "goclaw/engine/engine.h"

#include <atomic>
#include <gmock/gmock.h>
#include <gtest/gtest.h>


#include <condition_variable>
#include <future>
#include <limits>
#include <mutex>
#include <random>

#include "goclaw/dag/compiler.h"
#include "goclaw/dag/loader.h"
#include "goclaw/engine/status_json.h"

namespace goclaw::engine {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.shards = 2;
    options.function_workers = 2;
    options.clock = &clock_;
    options.timers = &timers_;
    options.seed = 42;
    options.max_output_bytes = 1024;
    config::LaneConfig narrow;
    narrow.name = "narrow";
    narrow.max_concurrency = 1;
    options.lanes = {narrow};
    auto engine = Engine::Create(std::move(options));
    ASSERT_TRUE(engine) << engine.error().ToString();
    engine_ = std::move(*engine);
    engine_->Subscribe([this](const Event& e) {
      std::lock_guard lock(mu_);
      events_.push_back(e);
      cv_.notify_all();
    });
  }

  dag::Plan Plan(std::string_view yaml) {
    auto plan = dag::LoadWorkflow(yaml);
    EXPECT_TRUE(plan) << plan.error().ToString();
    return std::move(*plan);
  }

  std::string Submit(std::string_view yaml, boost::json::object input = {}) {
    auto id = engine_->Submit(Plan(yaml), std::move(input));
    EXPECT_TRUE(id) << id.error().ToString();
    return *id;
  }

  // Waits until some event matches (events are delivered on shard threads).
  void WaitFor(const std::string& task, const std::string& to) {
    std::unique_lock lock(mu_);
    bool ok = cv_.wait_for(lock, std::chrono::seconds(10), [&] {
      for (const Event& e : events_) {
        if (e.task_id == task && e.to_name() == to) return true;
      }
      return false;
    });
    ASSERT_TRUE(ok) << "no event: task " << task << " -> " << to;
  }

  WorkflowStatus Finish(const std::string& id) {
    auto st = engine_->Wait(id, milliseconds(10000));
    EXPECT_TRUE(st) << st.error().ToString();
    return st ? *st : WorkflowStatus{};
  }

  static const TaskStatus& TaskOf(const WorkflowStatus& st, const std::string& id) {
    for (const TaskStatus& t : st.tasks) {
      if (t.id == id) return t;
    }
    ADD_FAILURE() << "no task " << id;
    return st.tasks.front();
  }

  FakeClock clock_;
  ManualTimerQueue timers_{clock_};
  std::unique_ptr<Engine> engine_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
};

TEST_F(EngineTest, RunsADiamondAndEmitsOrderedEvents) {
  std::string id = Submit(R"(
name: diamond
tasks:
  - {id: a}
  - {id: b, depends_on: [a], config: {op: echo, v: 1}}
  - {id: c, depends_on: [a]}
  - {id: d, depends_on: [b, c]}
)");
  WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, WorkflowState::kCompleted);
  EXPECT_EQ(st.name, "diamond");
  for (const auto& t : st.tasks) {
    EXPECT_EQ(t.state, TaskState::kCompleted) << t.id;
    EXPECT_EQ(t.attempts, 1);
  }
  EXPECT_EQ(TaskOf(st, "b").output, (boost::json::object{{"v", 1}}));
  auto events = engine_->Events(id);
  ASSERT_TRUE(events);
  ASSERT_FALSE(events->empty());
  EXPECT_EQ(events->front().to_name(), "scheduled");
  EXPECT_EQ(events->back().to_name(), "completed");
  EXPECT_EQ(events->back().task_id, "");
  std::map<std::string, std::uint64_t> completed_at, running_at;
  for (std::size_t k = 0; k < events->size(); ++k) {
    const Event& e = (*events)[k];
    EXPECT_EQ(e.seq, k + 1);
    if (e.to_name() == "completed") completed_at[e.task_id] = e.seq;
    if (e.to_name() == "running") running_at[e.task_id] = e.seq;
  }
  EXPECT_LT(completed_at["a"], running_at["b"]);
  EXPECT_LT(completed_at["b"], running_at["d"]);
  EXPECT_LT(completed_at["c"], running_at["d"]);
}

TEST_F(EngineTest, FunctionsReceiveResolvedArgsAndPassOutputs) {
  ASSERT_TRUE(engine_->RegisterFunction("add", [](TaskContext& ctx) -> Result<boost::json::value> {
    return boost::json::value(ctx.args.at("a").as_int64() + ctx.args.at("b").as_int64());
  }));
  ASSERT_TRUE(engine_->RegisterFunction(
      "describe",
      [](TaskContext& ctx) -> Result<boost::json::value> {
        return boost::json::object{{"key", ctx.idempotency_key},
                                   {"text", ctx.args.at("text")},
                                   {"attempt", ctx.attempt}};
      },
      /*inline_on_shard=*/true));
  EXPECT_EQ(engine_->RegisterFunction("add", [](TaskContext&) -> Result<boost::json::value> {
              return nullptr;
            }).error().code(),
            ErrorCode::kAlreadyExists);
  std::string id = Submit(R"(
name: data
tasks:
  - {id: sum, type: function, config: {name: add, args: {a: "{{input.x}}", b: 2}}}
  - id: say
    type: function
    depends_on: [sum]
    config: {name: describe, args: {text: "sum is {{tasks.sum.output}}"}}
)",
                          {{"x", 40}});
  WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(TaskOf(st, "sum").output, 42);
  EXPECT_EQ(TaskOf(st, "say").output.at("text"), "sum is 42");
  EXPECT_EQ(TaskOf(st, "say").output.at("key").as_string(), id + "/say/1");
}

TEST_F(EngineTest, CallerChosenIdsAndIdempotencyKeyTemplates) {
  ASSERT_TRUE(engine_->RegisterFunction("key", [](TaskContext& ctx) -> Result<boost::json::value> {
    if (ctx.attempt == 1) return MakeError(ErrorCode::kUnavailable, "first attempt fails");
    return boost::json::value(ctx.idempotency_key);
  }));
  auto plan = std::make_shared<const dag::Plan>(Plan(R"(
name: keyed
metadata: {idempotency_key: "order-7/{task}/undo"}
tasks:
  - {id: refund, type: function, config: {name: key}, retries: {max: 1, initial: 1ms, jitter: false}}
)"));
  const std::string id = engine_->NewWorkflowId();
  ASSERT_EQ(id.rfind("wf-", 0), 0u);
  std::promise<Result<std::string>> first;
  engine_->SubmitAsync(plan, {}, SubmitOptions{id}, [&first](Result<std::string> r) { first.set_value(std::move(r)); });
  auto submitted = first.get_future().get();
  ASSERT_TRUE(submitted) << submitted.error().ToString();
  EXPECT_EQ(*submitted, id);
  // The same id again: refused, the first run untouched.
  std::promise<Result<std::string>> again;
  engine_->SubmitAsync(plan, {}, SubmitOptions{id}, [&again](Result<std::string> r) { again.set_value(std::move(r)); });
  EXPECT_EQ(again.get_future().get().error().code(), ErrorCode::kAlreadyExists);
  for (const char* bad : {"wf-1", "saga-x", "wf-0000000000000000000000000000000000000"}) {
    std::promise<Result<std::string>> refused;
    engine_->SubmitAsync(plan, {}, SubmitOptions{bad}, [&refused](Result<std::string> r) { refused.set_value(std::move(r)); });
    EXPECT_EQ(refused.get_future().get().error().code(), ErrorCode::kInvalidArgument) << bad;
  }
  // The retry's key is the template's, as the first attempt's was: the same on every attempt.
  WaitFor("refund", "retrying");
  clock_.Advance(milliseconds(5));
  timers_.RunDue();
  WorkflowStatus st = Finish(id);
  ASSERT_EQ(st.state, WorkflowState::kCompleted) << st.error;
  EXPECT_EQ(TaskOf(st, "refund").output, "order-7/refund/undo");
  EXPECT_EQ(TaskOf(st, "refund").attempts, 2);
}

TEST_F(EngineTest, MissingTemplatePathFailsTheTaskAndSkipsDownstream) {
  std::string id = Submit(R"(
tasks:
  - {id: a, config: {op: echo, v: "{{input.missing}}"}}
  - {id: b, depends_on: [a]}
  - {id: other}
)");
  WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, WorkflowState::kFailed);
  EXPECT_EQ(TaskOf(st, "a").state, TaskState::kFailed);
  EXPECT_THAT(TaskOf(st, "a").error, HasSubstr("{{input.missing}}: no \"missing\""));
  EXPECT_EQ(TaskOf(st, "b").state, TaskState::kSkipped);
  EXPECT_EQ(TaskOf(st, "other").state, TaskState::kCompleted);  // independent branch runs
  EXPECT_THAT(st.error, HasSubstr("task \"a\" failed"));
}

TEST_F(EngineTest, RetriesWithBackoffThenSucceeds) {
  std::string id = Submit(R"(
tasks:
  - id: flaky
    config: {op: fail, times: 2, message: boom}
    retries: {max: 3, backoff: exponential, initial: 1s, max_delay: 10s, jitter: false}
)");
  WaitFor("flaky", "retrying");
  clock_.Advance(milliseconds(999));
  timers_.RunDue();
  {
    std::lock_guard lock(mu_);
    int queued = 0;
    for (const Event& e : events_) queued += e.task_id == "flaky" && e.to_name() == "queued";
    EXPECT_EQ(queued, 1);  // backoff not over yet
  }
  clock_.Advance(milliseconds(1));
  timers_.RunDue();
  // Second failure: the next delay is 2 s.
  std::unique_lock lock(mu_);
  ASSERT_TRUE(cv_.wait_for(lock, std::chrono::seconds(10), [&] {
    int retrying = 0;
    for (const Event& e : events_) retrying += e.task_id == "flaky" && e.to_name() == "retrying";
    return retrying == 2;
  }));
  lock.unlock();
  clock_.Advance(milliseconds(2000));
  timers_.RunDue();
  WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, WorkflowState::kCompleted);
  EXPECT_EQ(TaskOf(st, "flaky").attempts, 3);
  EXPECT_EQ(TaskOf(st, "flaky").output, (boost::json::object{{"attempts", 3}}));
}

TEST_F(EngineTest, RetriesRunOutAndOnFailureContinue) {
  std::string id = Submit(R"(
tasks:
  - {id: bad, config: {op: fail}, retries: 0, on_failure: continue}
  - {id: after, depends_on: [bad]}
  - {id: worse, config: {op: fail, message: nope}}
  - {id: skipped, depends_on: [worse]}
)");
  WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, WorkflowState::kFailed);
  EXPECT_EQ(TaskOf(st, "bad").state, TaskState::kFailed);
  EXPECT_EQ(TaskOf(st, "after").state, TaskState::kCompleted);  // continue
  EXPECT_EQ(TaskOf(st, "worse").state, TaskState::kFailed);
  EXPECT_THAT(TaskOf(st, "worse").error, HasSubstr("nope (attempt 1)"));
  EXPECT_EQ(TaskOf(st, "skipped").state, TaskState::kSkipped);
}

TEST_F(EngineTest, AttemptTimeoutCancelsTheAttempt) {
  std::string id = Submit(R"(
tasks:
  - {id: slow, config: {op: sleep, duration: 10s}, timeout: 1s}
)");
  WaitFor("slow", "running");
  clock_.Advance(milliseconds(1000));
  timers_.RunDue();
  WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, WorkflowState::kFailed);
  EXPECT_THAT(TaskOf(st, "slow").error, HasSubstr("attempt timed out after 1s"));
}

TEST_F(EngineTest, CancelStopsRunningQueuedAndPendingTasks) {
  std::string id = Submit(R"(
tasks:
  - {id: sleeping, lane: narrow, config: {op: sleep, duration: 1h}}
  - {id: queued, lane: narrow}
  - {id: pending, depends_on: [sleeping]}
)");
  WaitFor("sleeping", "running");
  WaitFor("queued", "queued");
  ASSERT_TRUE(engine_->Cancel(id));
  WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, WorkflowState::kCancelled);
  for (const auto& t : st.tasks) EXPECT_EQ(t.state, TaskState::kCancelled) << t.id;
  auto again = engine_->Cancel(id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  // The lane is free again.
  lane::LaneStats narrow = engine_->lanes().Find("narrow")->Stats();
  EXPECT_EQ(narrow.running, 0);
  EXPECT_EQ(narrow.waiting, 0);
  // A late timer for the sleep changes nothing.
  clock_.Advance(std::chrono::hours(2));
  timers_.RunDue();
  EXPECT_EQ(engine_->Get(id)->state, WorkflowState::kCancelled);
}

TEST_F(EngineTest, OutputLimitAndThrowingFunctions) {
  ASSERT_TRUE(engine_->RegisterFunction("big", [](TaskContext&) -> Result<boost::json::value> {
    return boost::json::value(std::string(5000, 'x'));
  }));
  ASSERT_TRUE(engine_->RegisterFunction("throws", [](TaskContext&) -> Result<boost::json::value> {
    throw std::runtime_error("kaboom");
  }));
  std::string id = Submit(R"(
tasks:
  - {id: big, type: function, config: {name: big}, retries: 3}
  - {id: throws, type: function, config: {name: throws}}
  - {id: unknown, type: function, config: {name: nobody}}
)");
  WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, WorkflowState::kFailed);
  EXPECT_THAT(TaskOf(st, "big").error,
              HasSubstr("output is larger than the limit of 1024 bytes (limits.max_output_bytes)"));
  EXPECT_EQ(TaskOf(st, "big").attempts, 1);  // not retried
  EXPECT_THAT(TaskOf(st, "throws").error, HasSubstr("function threw an exception: kaboom"));
  EXPECT_THAT(TaskOf(st, "unknown").error, HasSubstr("no function named \"nobody\""));
}

// Issue 12: outputs that could not be stored or served as JSON never enter the engine.
TEST_F(EngineTest, OutputsAreCheckedAndRepairedAtTheBoundary) {
  ASSERT_TRUE(engine_->RegisterFunction("inf", [](TaskContext&) -> Result<boost::json::value> {
    return boost::json::value(boost::json::object{{"x", std::numeric_limits<double>::infinity()}});
  }));
  ASSERT_TRUE(engine_->RegisterFunction("bytes", [](TaskContext&) -> Result<boost::json::value> {
    return boost::json::value(boost::json::object{{"text", "caf\xe9 \xff"}});
  }));
  ASSERT_TRUE(engine_->RegisterFunction("deep", [](TaskContext&) -> Result<boost::json::value> {
    boost::json::value v = 1;
    for (int i = 0; i < 70; ++i) v = boost::json::array{std::move(v)};
    return v;
  }));
  ASSERT_TRUE(engine_->RegisterFunction("bad_error", [](TaskContext&) -> Result<boost::json::value> {
    return MakeError(ErrorCode::kInternal, "upstream said \xc3\x28");
  }));
  std::string id = Submit(R"(
tasks:
  - {id: inf, type: function, config: {name: inf}, on_failure: continue}
  - {id: bytes, type: function, config: {name: bytes}}
  - {id: deep, type: function, config: {name: deep}, on_failure: continue}
  - {id: bad_error, type: function, config: {name: bad_error}, on_failure: continue}
)");
  WorkflowStatus st = Finish(id);
  EXPECT_THAT(TaskOf(st, "inf").error, HasSubstr("output.x: a number that is not finite"));
  EXPECT_EQ(TaskOf(st, "bytes").state, TaskState::kCompleted);
  EXPECT_EQ(TaskOf(st, "bytes").output.at("text"), boost::json::value("caf\xEF\xBF\xBD \xEF\xBF\xBD"));
  EXPECT_THAT(TaskOf(st, "deep").error, HasSubstr("nested deeper than 64"));
  EXPECT_EQ(TaskOf(st, "bad_error").error, "upstream said \xEF\xBF\xBD(");
}

// Issue 12, the amplification probe: outputs that double at every step, then one config that
// references the result thousands of times. The resolved config is bounded before it is built.
TEST_F(EngineTest, TemplateAmplificationFailsTheTaskNotTheProcess) {
  std::string yaml = "tasks:\n  - {id: t0, type: builtin, config: {op: echo, s: \"" +
                     std::string(60, 'x') + "\"}}\n";
  for (int i = 1; i <= 3; ++i) {
    const std::string prev = "{{tasks.t" + std::to_string(i - 1) + ".output}}";
    yaml += "  - {id: t" + std::to_string(i) + ", type: builtin, depends_on: [t" +
            std::to_string(i - 1) + "], config: {op: echo, a: \"" + prev + "\", b: \"" + prev + "\"}}\n";
  }
  yaml += "  - {id: bomb, type: builtin, depends_on: [t3], config: {op: echo, list: [";
  for (int i = 0; i < 5000; ++i) yaml += std::string(i ? ", " : "") + "\"{{tasks.t3.output}}\"";
  yaml += "]}}\n";
  std::string id = Submit(yaml);
  WorkflowStatus st = Finish(id);
  EXPECT_EQ(st.state, WorkflowState::kFailed);
  EXPECT_EQ(TaskOf(st, "t3").state, TaskState::kCompleted);
  EXPECT_THAT(TaskOf(st, "bomb").error, HasSubstr("limits.max_config_bytes"));
  EXPECT_THAT(TaskOf(st, "bomb").error, HasSubstr("{{tasks.t3.output}}"));
}

TEST(EngineLimitsTest, AWorkflowsOutputsTogetherAreBounded) {
  EngineOptions options;
  options.shards = 1;
  options.max_output_bytes = 1000;
  options.max_workflow_output_bytes = 2500;
  auto engine = Engine::Create(std::move(options));
  ASSERT_TRUE(engine);
  ASSERT_TRUE((*engine)->RegisterFunction("kb", [](TaskContext&) -> Result<boost::json::value> {
    return boost::json::value(std::string(900, 'k'));
  }, true));
  auto plan = dag::LoadWorkflow(R"(
tasks:
  - {id: a, type: function, config: {name: kb}}
  - {id: b, type: function, config: {name: kb}, depends_on: [a]}
  - {id: c, type: function, config: {name: kb}, depends_on: [b]}
)");
  ASSERT_TRUE(plan);
  auto id = (*engine)->Submit(*plan);
  ASSERT_TRUE(id);
  auto st = (*engine)->Wait(*id, milliseconds(10000));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->state, WorkflowState::kFailed);
  EXPECT_EQ(st->tasks[1].state, TaskState::kCompleted);
  EXPECT_THAT(st->tasks[2].error, HasSubstr("limits.max_workflow_output_bytes"));
}

TEST(StatusJsonTest, ResultsOverTheResponseBudgetAreReferenced) {
  WorkflowStatus w;
  w.id = "wf-1";
  for (const char* id : {"small", "large", "later"}) {
    TaskStatus t;
    t.id = id;
    t.state = TaskState::kCompleted;
    t.output = boost::json::value(std::string(std::string_view(id) == "large" ? 500 : 10, 'x'));
    w.tasks.push_back(t);
  }
  boost::json::object o = WorkflowStatusToJson(w, 100);
  const auto& tasks = o.at("tasks").as_array();
  EXPECT_EQ(tasks[0].as_object().at("result"), boost::json::value(std::string(10, 'x')));
  EXPECT_FALSE(tasks[1].as_object().contains("result"));
  EXPECT_EQ(tasks[1].as_object().at("result_ref"), "/api/v1/workflows/wf-1/tasks/large/result");
  EXPECT_EQ(tasks[1].as_object().at("result_bytes"), 502);
  EXPECT_TRUE(tasks[2].as_object().contains("result"));  // smaller ones still fit
}

TEST_F(EngineTest, UnknownIdsAndUnsupportedTypes) {
  EXPECT_EQ(engine_->Get("wf-nope").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(engine_->Cancel("../../etc").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(engine_->Wait("x", milliseconds(1)).error().code(), ErrorCode::kNotFound);
  auto r = engine_->Submit(Plan("tasks: [{id: pull, type: remote}]"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(r.error().details()[0].message, HasSubstr("has type remote, which cannot run here"));
  // Types this engine has no executor for (exec is not registered here: extension_test.cc
  // registers a disabled one).
  auto exec = engine_->Submit(Plan("tasks: [{id: sh, type: exec, config: {command: [ls]}}]"));
  ASSERT_FALSE(exec);
  EXPECT_THAT(exec.error().details()[0].message, HasSubstr("no executor for type \"exec\""));
  auto lane = engine_->Submit(Plan("tasks: [{id: t, lane: nowhere}]"));
  ASSERT_TRUE(lane);
  WorkflowStatus st = Finish(*lane);
  EXPECT_THAT(TaskOf(st, "t").error, HasSubstr("unknown lane \"nowhere\""));
}

TEST_F(EngineTest, ListFiltersAndPages) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Submit(i % 2 ? "name: odd\ntasks: [{id: a}]" : "name: even\ntasks: [{id: a}]"));
    clock_.Advance(milliseconds(10));
  }
  for (const auto& id : ids) Finish(id);
  ListResult all = engine_->List({});
  EXPECT_EQ(all.total, 5u);
  ASSERT_EQ(all.workflows.size(), 5u);
  EXPECT_EQ(all.workflows[0].id, ids[0]);  // oldest first
  ListFilter even;
  even.name = "even";
  EXPECT_EQ(engine_->List(even).total, 3u);
  ListFilter page;
  page.limit = 2;
  page.offset = 1;
  ListResult p = engine_->List(page);
  EXPECT_EQ(p.total, 5u);
  ASSERT_EQ(p.workflows.size(), 2u);
  EXPECT_EQ(p.workflows[0].id, ids[1]);
  ListFilter running;
  running.state = WorkflowState::kRunning;
  EXPECT_EQ(engine_->List(running).total, 0u);
  // Newest first: the cursor continues backwards; the total is the same.
  ListFilter newest;
  newest.newest_first = true;
  newest.name = "even";
  newest.limit = 2;
  ListResult first = engine_->List(newest);
  EXPECT_EQ(first.total, 3u);
  ASSERT_EQ(first.workflows.size(), 2u);
  EXPECT_EQ(first.workflows[0].id, ids[4]);
  EXPECT_EQ(first.workflows[1].id, ids[2]);
  newest.after_id = first.workflows[1].id;
  ListResult next = engine_->List(newest);
  EXPECT_EQ(next.total, 3u);
  ASSERT_EQ(next.workflows.size(), 1u);
  EXPECT_EQ(next.workflows[0].id, ids[0]);
}

}  // namespace
}  // namespace goclaw::engine
